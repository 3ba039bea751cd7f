#pragma once
// Whether a run's ERROR is a finding about the image or a failure of the
// machine livecheck ran it on. Only the second may be retried
// (--retry-errors): a retry that could turn an image's hang or panic into a
// pass would hide exactly the failures a CI must see.
#include <exception>
#include <string>

namespace livecheck {

enum class ErrorCause { kNone, kImage, kInfrastructure };
std::string ErrorCauseName(ErrorCause cause);  ///< "", "image", "infrastructure"
ErrorCause ParseErrorCause(const std::string& name);

/// What a run knows about how it ended in ERROR.
struct ErrorFacts {
  /// The guest itself reported a failure: a kernel panic, the live init's
  /// "failed" marker. Such a run is the image's, whatever followed.
  bool guest_failed = false;
  /// The machine went away without the guest asking (QEMU killed by a
  /// signal or exiting with an error status); "" when it did not.
  std::string machine_lost;
  /// The machine exited on its own with status 0 before livecheck stopped
  /// it: the guest powered off, or reset under -no-reboot. Channel errors
  /// that follow are its consequence, not the host's.
  bool machine_exited = false;
  /// A host-side channel failed or timed out (QMP, the agent's or the
  /// shell's connection) while the guest had not reported a failure.
  bool channel_failed = false;
  /// The host ran out of something (memory, disk space, processes) or could
  /// not start the machine.
  bool host_failed = false;
};

/// Infrastructure when the host is known to be at fault and the guest did
/// not fail on its own; image otherwise (a phase timeout included: every
/// timeout is already scaled by this host's reference boot).
ErrorCause ClassifyError(const ErrorFacts& facts);

/// Adds what an exception says about the cause: channel errors, running out
/// of memory or disk, livecheck's environment errors (exit code 3).
void NoteException(const std::exception& e, ErrorFacts& facts);

/// Why a QEMU process that exited on its own did so, from its wait status:
/// "" for a normal exit 0 (the guest powered off or reset under -no-reboot).
std::string QemuExitReason(int wait_status);

}  // namespace livecheck
