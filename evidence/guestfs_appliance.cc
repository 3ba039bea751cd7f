#include "evidence/guestfs_appliance.h"

#include <signal.h>

#include <cstdlib>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {

Guestfs LaunchGuestfs(const std::vector<GuestfsDrive>& drives, std::string& error) {
  Guestfs g(guestfs_create_flags(GUESTFS_CREATE_NO_ENVIRONMENT));
  if (!g) {
    error = "libguestfs: cannot create a handle";
    return nullptr;
  }
  guestfs_set_error_handler(g.get(), nullptr, nullptr);  // errors are read with guestfs_last_error
  const char* settings[] = {"force_tcg", nullptr};
  bool ok = guestfs_set_backend(g.get(), "direct") == 0 &&
            guestfs_set_backend_settings(g.get(), const_cast<char* const*>(settings)) == 0;
  for (const auto& d : drives) {
    struct guestfs_add_drive_opts_argv options {};
    options.bitmask = GUESTFS_ADD_DRIVE_OPTS_READONLY_BITMASK | GUESTFS_ADD_DRIVE_OPTS_FORMAT_BITMASK;
    options.readonly = d.readonly ? 1 : 0;
    options.format = d.format.c_str();
    if (!d.label.empty()) {
      options.bitmask |= GUESTFS_ADD_DRIVE_OPTS_LABEL_BITMASK;
      options.label = d.label.c_str();
    }
    ok = ok && guestfs_add_drive_opts_argv(g.get(), d.path.c_str(), &options) == 0;
  }
  if (!ok || guestfs_launch(g.get()) != 0) {
    error = "libguestfs: " + GuestfsLastError(g.get());
    return nullptr;
  }
  return g;
}

std::string GuestfsLastError(guestfs_h* g) {
  const char* e = guestfs_last_error(g);
  return e ? e : "unknown libguestfs error";
}

std::vector<std::string> TakeGuestfsStrings(char** list) {
  std::vector<std::string> out;
  if (!list) return out;
  for (char** p = list; *p; ++p) {
    out.emplace_back(*p);
    free(*p);
  }
  free(list);
  return out;
}

std::string RunInAppliance(guestfs_h* g, const std::string& script) {
  // "debug sh" answers with the output whatever the exit status (and
  // without its last newline): the status is printed last and read back.
  constexpr std::string_view kMarker = "livecheck-exit=";
  auto wrapped = fmt::format("( set -e; {}\n) 2>&1; echo {}$?", script, kMarker);
  char* args[] = {wrapped.data(), nullptr};
  char* raw = guestfs_debug(g, "sh", args);
  if (!raw) throw Error(fmt::format("libguestfs appliance: {}", GuestfsLastError(g)));
  std::string out = raw;
  free(raw);
  auto at = out.rfind(kMarker);
  std::string status = at == std::string::npos ? "" : out.substr(at + kMarker.size());
  out.resize(at == std::string::npos ? out.size() : at);
  while (!status.empty() && (status.back() == '\n' || status.back() == ' ')) status.pop_back();
  if (status != "0")
    throw Error(fmt::format("in libguestfs's appliance, `{}` failed (exit status {}): {}", script, status, out));
  return out;
}

void PowerCut(Guestfs& g) {
  // guestfs_kill_subprocess is a clean shutdown now (it unmounts and syncs):
  // the appliance's QEMU is killed directly instead.
  int pid = guestfs_get_pid(g.get());
  if (pid > 0) kill(pid, SIGKILL);
  g.reset();  // reaps it
}

}  // namespace livecheck
