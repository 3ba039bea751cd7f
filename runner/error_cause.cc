#include "runner/error_cause.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

#include <fmt/format.h>

#include "channels/agent_client.h"
#include "channels/console_shell.h"
#include "channels/qmp_client.h"
#include "common/error.h"

namespace livecheck {

std::string ErrorCauseName(ErrorCause cause) {
  switch (cause) {
    case ErrorCause::kImage: return "image";
    case ErrorCause::kInfrastructure: return "infrastructure";
    case ErrorCause::kNone: break;
  }
  return "";
}

ErrorCause ParseErrorCause(const std::string& name) {
  if (name == "image") return ErrorCause::kImage;
  if (name == "infrastructure") return ErrorCause::kInfrastructure;
  return ErrorCause::kNone;
}

ErrorCause ClassifyError(const ErrorFacts& facts) {
  if (facts.guest_failed) return ErrorCause::kImage;
  if (!facts.machine_lost.empty()) return ErrorCause::kInfrastructure;
  if (facts.machine_exited) return ErrorCause::kImage;
  if (facts.channel_failed || facts.host_failed) return ErrorCause::kInfrastructure;
  return ErrorCause::kImage;
}

void NoteException(const std::exception& e, ErrorFacts& facts) {
  if (dynamic_cast<const QmpError*>(&e) || dynamic_cast<const AgentError*>(&e) || dynamic_cast<const ShellError*>(&e))
    facts.channel_failed = true;
  if (dynamic_cast<const std::bad_alloc*>(&e)) facts.host_failed = true;
  if (const auto* s = dynamic_cast<const std::system_error*>(&e)) {
    int code = s->code().value();
    if (code == ENOMEM || code == ENOSPC || code == EAGAIN || code == EMFILE || code == ENFILE) facts.host_failed = true;
  }
  if (const auto* error = dynamic_cast<const Error*>(&e); error && error->exit_code() == kExitEnvironment)
    facts.host_failed = true;
}

std::string QemuExitReason(int wait_status) {
  if (WIFSIGNALED(wait_status))
    return fmt::format("QEMU was killed by signal {} ({})", WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0)
    return fmt::format("QEMU exited with status {}", WEXITSTATUS(wait_status));
  return "";
}

}  // namespace livecheck
