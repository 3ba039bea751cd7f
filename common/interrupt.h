// Ctrl-C and SIGTERM for the whole process. Whatever livecheck is doing when
// a signal arrives (building images, probing KVM, running VMs, reading a disk
// with libguestfs), every QEMU it started must be gone within seconds and
// every temporary directory removed. So a signal only sets a flag and wakes a
// watcher thread; the watcher runs the registered actions at once (kill the
// QEMUs, destroy libvirt domains, wake the run's event loop), and code that
// waits checks Interrupted() and unwinds with an Error, so destructors clean
// up as on any other failure.
#pragma once
#include <functional>

namespace livecheck {

/// Installs the SIGINT/SIGTERM handlers and starts the watcher thread (once
/// per process; later calls do nothing). A second signal exits the process at
/// once with kExitInterrupted, after running the actions again.
void InstallInterruptHandler();

/// True once SIGINT or SIGTERM arrived after InstallInterruptHandler().
bool Interrupted();

/// The signal that interrupted the process, 0 when none did.
int InterruptSignal();

/// Throws Error("interrupted by signal N", kExitInterrupted) once interrupted.
void ThrowIfInterrupted();

/// Runs `action` once, on the watcher thread, when a signal arrives, for as
/// long as this object lives (or at once, on this thread, if the process is
/// already interrupted). Actions must be quick and must not wait for the code
/// they interrupt: kill a process, post to an event loop. Destroying the
/// object waits for its action if that is running.
class InterruptAction {
 public:
  explicit InterruptAction(std::function<void()> action);
  ~InterruptAction();
  InterruptAction(const InterruptAction&) = delete;
  InterruptAction& operator=(const InterruptAction&) = delete;

 private:
  int id_;
};

/// For tests that raise a signal: forget it, so later tests start clean.
void ResetInterruptForTesting();

}  // namespace livecheck
