#include "runner/shell_access.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/shell_quote.h"
#include "common/error.h"
#include "evidence/checks.h"
#include "evidence/proc_tables.h"
#include "evidence/token_scan.h"
#include "evidence/union_layers.h"
#include "runner/machine_control.h"

namespace livecheck {
namespace {

// What ram-copy reads back through a shell: the digests of up to 200 programs.
constexpr const char* kDigestCommand =
    "find /bin /sbin /usr/bin /usr/sbin -type f 2>/dev/null | sort | head -n 200 | xargs sha256sum";

// What the shell printed for each path: "ok PATH" or "fail PATH".
nlohmann::json PlantedFromShell(const std::string& output, const std::vector<std::string>& paths) {
  auto planted = nlohmann::json::array();
  for (const auto& path : paths)
    planted.push_back({{"path", path}, {"written", output.find("ok " + path + "\n") != std::string::npos}});
  return planted;
}

// A write probe's outcome as the agent's write-probe reports it; the errno
// name is read off the message the shell's touch printed.
nlohmann::json WriteProbeFromShell(const std::string& path, const ShellOutput& out) {
  if (out.exit_status == 0) return {{"path", path}, {"written", true}, {"errno", ""}};
  std::string first_line = out.output.substr(0, std::min<size_t>(out.output.find('\n'), 200));
  std::string name = out.output.find("Read-only file system") != std::string::npos ? "EROFS"
                     : out.output.find("Permission denied") != std::string::npos  ? "EACCES"
                                                                                   : "shell: " + first_line;
  return {{"path", path}, {"written", false}, {"errno", name}};
}

// Built outside the coroutine: GCC 12 miscompiles braced initializers
// holding string literals inside coroutine bodies.
nlohmann::json StatFromShell(const std::string& path, const ShellOutput& out) {
  return {{"path", path}, {"exists", out.exit_status == 0}};
}

nlohmann::json ShellCommandAnswer(const ShellOutput& out, bool timed_out) {
  return {{"exit_status", timed_out ? -1 : out.exit_status},
          {"timed_out", timed_out},
          {"output", out.output},
          {"output_bytes", out.output.size()}};
}

std::string TouchCommand(const std::string& path) { return "touch -- " + ShellQuote(path) + " 2>&1"; }
std::string ExistsCommand(const std::string& path) {
  return "test -e " + ShellQuote(path) + " || test -L " + ShellQuote(path);
}

}  // namespace

asio::awaitable<void> ShellAccess::Connect(RunContext& ctx) {
  co_await shell_.Connect(ctx.session.console_socket(), ctx.Scaled(kConnectTimeout));
}

asio::awaitable<void> ShellAccess::WaitReady(RunContext& ctx) {
  if (shell_.ready()) co_return;
  co_await WaitForPhase(ctx, "ready");
  co_await shell_.WaitForPrompt(ctx.request.external->shell_prompt, ctx.Budget(kAgentTimeout));
  ctx.console.Note("shell-ready", -1, ctx.HostSeconds());
  co_return;  // explicit: cppcheck does not know coroutines
}

asio::awaitable<ShellOutput> ShellAccess::Shell(RunContext& ctx, const std::string& command, milliseconds timeout) {
  co_await WaitReady(ctx);
  co_return co_await shell_.Run(command, ctx.Budget(timeout));
}

asio::awaitable<CheckResult> ShellAccess::GuestCheck(RunContext& ctx, const std::string& name) {
  if (name == "union-root") co_return CheckUnionRoot(ParseProcMounts((co_await Shell(ctx, "cat /proc/mounts")).output));
  if (name == "ram-copy") co_return co_await RamCopy(ctx);
  if (name == "lower-readonly" || name == "upper-tmpfs") co_return co_await LayerCheck(ctx, name);
  co_return CheckResult{name, Status::kError,
                        "needs the livecheck agent inside the image", {}};
}

// The agent's probes, made with the shell's own tools.
asio::awaitable<CheckResult> ShellAccess::LayerCheck(RunContext& ctx, const std::string& name) {
  nlohmann::json e;
  e["mounts"] = ParseProcMounts((co_await Shell(ctx, "cat /proc/mounts")).output);
  auto layers = FindUnionLayers(e["mounts"]);
  e["layers"] = LayersEvidence(layers);
  if (name == "upper-tmpfs" || layers.lower_dirs.empty())
    co_return name == "upper-tmpfs" ? CheckUpperTmpfs(e) : CheckLowerReadonly(e);
  std::string probe = RandomSecretToken("livecheck-probe");
  std::string lower = InLayer(layers.lower_dirs.front(), probe);
  e["lower_probe"] = WriteProbeFromShell(lower, co_await Shell(ctx, TouchCommand(lower)));
  e["union_probe"] = WriteProbeFromShell("/" + probe, co_await Shell(ctx, TouchCommand("/" + probe)));
  if (!layers.upper_dir.empty()) {
    std::string upper = InLayer(layers.upper_dir, probe);
    e["upper_stat"] = StatFromShell(upper, co_await Shell(ctx, ExistsCommand(upper)));
  }
  e["lower_stat"] = StatFromShell(lower, co_await Shell(ctx, ExistsCommand(lower)));
  co_return CheckLowerReadonly(e);
}

asio::awaitable<CheckResult> ShellAccess::RamCopy(RunContext& ctx) {
  if (ctx.request.external->boot == "cdrom")
    co_return CheckResult{"ram-copy", Status::kError, "ram-copy pulls a USB stick: use --boot iso-usb or usb-*", {}};
  nlohmann::json e;
  auto before = co_await Shell(ctx, kDigestCommand, kHashTimeout);
  e["digests_before"] = before.output;
  e["status_before"] = before.exit_status;
  co_await ctx.machine.UnplugStick(ctx);
  e["unplugged"] = true;
  try {
    auto after = co_await shell_.Run(std::string("echo 3 > /proc/sys/vm/drop_caches; ") + kDigestCommand,
                                     ctx.Budget(kHashTimeout));
    e["digests_after"] = after.output;
    e["status_after"] = after.exit_status;
  } catch (const ShellError& error) {
    e["verify_error"] = fmt::format("the shell stopped answering ({})", error.what());
  }
  co_return CheckRamCopyReadback(e);
}

asio::awaitable<nlohmann::json> ShellAccess::PlantCanary(RunContext& ctx, const std::string& token,
                                                         const std::vector<std::string>& paths) {
  std::string command = "mkdir -p /root; for f in";
  for (const auto& p : paths) command += " " + p;
  command += "; do printf '%s\\n' " + token + " >> $f 2>/dev/null && echo ok $f || echo fail $f; done; sync";
  co_return PlantedFromShell((co_await Shell(ctx, command)).output, paths);
}

asio::awaitable<nlohmann::json> ShellAccess::PlantSecretInTmpfs(RunContext& ctx, const std::string& token) {
  auto out = co_await Shell(ctx, "mkdir -p /run/lcsecret && mount -t tmpfs -o size=1m lcsecret /run/lcsecret && "
                                 "printf '%s\\n' " + token + " > /run/lcsecret/secret.txt && sync && "
                                 "umount /run/lcsecret && rmdir /run/lcsecret && echo secret-ok");
  bool ok = out.output.find("secret-ok") != std::string::npos;
  co_return nlohmann::json{{"mounted", ok}, {"written", ok}, {"unmounted", ok}, {"errno", ok ? "" : out.output}};
}

asio::awaitable<void> ShellAccess::GatherDiskFacts(RunContext& ctx, milliseconds timeout) {
  if (!shell_.ready()) co_return;
  try {
    auto mounts = ParseProcMounts((co_await shell_.Run("cat /proc/mounts", ctx.Budget(timeout))).output);
    auto swaps = ParseProcSwaps((co_await shell_.Run("cat /proc/swaps", ctx.Budget(timeout))).output);
    auto devices = ParseBlockDevices((co_await shell_.Run(kListBlockDevicesCommand, ctx.Budget(timeout))).output);
    AddDiskFacts(ctx, mounts, swaps, devices);
  } catch (const ShellError&) {
  }
}

asio::awaitable<nlohmann::json> ShellAccess::Workload(RunContext&, const std::string& name) {
  throw Error(fmt::format("workload '{}' needs the livecheck agent inside the image", name));
  co_return nlohmann::json();  // unreachable; makes this a coroutine
}

// The shell cannot kill what it runs: a command past its timeout is
// reported as such, and the shell stays busy with it.
asio::awaitable<nlohmann::json> ShellAccess::RunCommand(RunContext& ctx, const std::string& command,
                                                        double timeout_seconds) {
  co_await WaitReady(ctx);
  bool timed_out = false;
  ShellOutput out;
  try {
    out = co_await shell_.Run(command, ctx.Budget(milliseconds(static_cast<int64_t>(timeout_seconds * 1000))));
  } catch (const ShellError&) {
    timed_out = true;
  }
  co_return ShellCommandAnswer(out, timed_out);
}

asio::awaitable<void> ShellAccess::Sync(RunContext& ctx) { co_await Shell(ctx, "sync"); }

asio::awaitable<void> ShellAccess::SyncIfReady(RunContext& ctx) {
  if (!shell_.ready()) co_return;
  try {
    co_await shell_.Run("sync", ctx.Scaled(kShutdownTimeout));
  } catch (const ShellError&) {
  }
}

}  // namespace livecheck
