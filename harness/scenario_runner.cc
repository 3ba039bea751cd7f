#include "harness/scenario_runner.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <random>
#include <regex>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/process.h"
#include "harness/agent_client.h"
#include "harness/checks.h"
#include "harness/console_shell.h"
#include "harness/disk_diff.h"
#include "harness/domain_xml.h"
#include "harness/libvirt_domain.h"
#include "harness/internal_disk.h"
#include "harness/phase_marker.h"
#include "harness/proc_tables.h"
#include "harness/qemu_args.h"
#include "harness/qmp_client.h"
#include "harness/token_scan.h"
#include "harness/vm_session.h"

namespace livecheck {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Base timeouts of single operations (scaled by RunOptions::timeout_scale).
constexpr milliseconds kConnectTimeout{15000};
constexpr milliseconds kQmpTimeout{10000};
constexpr milliseconds kAgentTimeout{30000};
constexpr milliseconds kHashTimeout{120000};
constexpr milliseconds kUnplugTimeout{20000};
constexpr milliseconds kShutdownTimeout{30000};
constexpr size_t kConsoleTailBytes = 3000;

// Watches the console log, noting the host time each marker was first seen.
struct ConsoleWatcher {
  fs::path log;
  Clock::time_point start;
  std::function<void(const std::string&)> on_marker;
  std::vector<PhaseTiming> phases;
  std::string kernel_panic;  // the panic line, once the guest kernel printed one
  std::optional<std::regex> ready_pattern;  // images without markers: "ready" when the console matches
  size_t parsed_bytes = 0;
  std::string pending;

  void Poll() {
    // Only the bytes added since the last poll, at most 1 MiB at a time: a
    // chatty guest costs the same per poll however long its log grows.
    std::string added = ReadFileFrom(log, parsed_bytes, 1 << 20);
    if (added.empty()) return;
    pending += added;
    parsed_bytes += added.size();
    double now = std::chrono::duration<double>(Clock::now() - start).count();
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string_view line = std::string_view(pending).substr(0, newline);
      if (auto m = ParsePhaseMarker(line)) {
        phases.push_back({m->phase, m->guest_uptime, now});
        if (on_marker) on_marker(m->phase);
      }
      // A panicked kernel never reaches the next phase: say so at once
      // instead of after the scenario's timeout.
      if (auto at = line.find("Kernel panic - not syncing"); at != std::string_view::npos && kernel_panic.empty())
        kernel_panic = std::string(line.substr(at, 200));
      NoteReady(line, now);
      pending.erase(0, newline + 1);
    }
    NoteReady(pending, now);  // a prompt has no newline yet
    // A guest that prints without newlines must not grow this forever.
    if (pending.size() > 4096) pending.clear();
  }

  void NoteReady(std::string_view text, double now) {
    if (!ready_pattern || Seen("ready")) return;
    // The line's end only: a prompt is short, and std::regex recurses per
    // character, so a long guest line must not reach it whole.
    if (text.size() > 512) text = text.substr(text.size() - 512);
    if (!std::regex_search(CleanConsoleText(text), *ready_pattern)) return;
    phases.push_back({"ready", -1, now});  // no markers, so no guest clock: host time only
    if (on_marker) on_marker("ready");
  }

  bool Seen(const std::string& phase) const {
    return std::any_of(phases.begin(), phases.end(), [&](const PhaseTiming& p) { return p.phase == phase; });
  }
};

std::string ConsoleTail(const fs::path& log) {
  std::error_code ec;
  if (!fs::exists(log, ec)) return "";
  std::string text = ReadFile(log);
  return text.size() > kConsoleTailBytes ? text.substr(text.size() - kConsoleTailBytes) : text;
}

BootMode BootModeFor(const std::string& boot) {
  if (boot == "usb-bios") return BootMode::kBiosUsb;
  if (boot == "usb-uefi") return BootMode::kUefiUsb;
  if (boot == "iso") return BootMode::kBiosCdrom;
  return BootMode::kDirectKernel;
}

// Agent requests are built by plain functions: GCC 12 miscompiles braced
// initializers holding string literals inside coroutine bodies.
nlohmann::json Cmd(const std::string& cmd) { return {{"cmd", cmd}}; }
nlohmann::json Cmd(const std::string& cmd, const std::string& path) { return {{"cmd", cmd}, {"path", path}}; }
nlohmann::json HashTreeRequest() {
  return {{"cmd", "hash-tree"}, {"root", "/"}, {"skip", {"/proc", "/sys", "/dev", "/run", "/tmp"}}};
}
nlohmann::json DeviceId(const std::string& id) { return {{"id", id}}; }
nlohmann::json WorkloadRequest(const std::string& name) { return {{"cmd", "workload"}, {"workload", name}}; }
nlohmann::json NoArguments() { return nlohmann::json::object(); }
nlohmann::json PlantSecretRequest(const std::string& token, const std::vector<std::string>& paths) {
  return {{"cmd", "plant-secret"}, {"hex", HexEncode(token)}, {"paths", paths}};
}
nlohmann::json SecretTmpfsRequest(const std::string& token) { return {{"cmd", "secret-tmpfs"}, {"hex", HexEncode(token)}}; }
nlohmann::json DumpMemoryArguments(const fs::path& file) { return {{"paging", false}, {"protocol", "file:" + file.string()}}; }
bool IsStickDeleted(const nlohmann::json& e) { return StringField(ObjectField(e, "data"), "device") == "stickdev"; }
bool AnyEvent(const nlohmann::json&) { return true; }

std::string RandomToken() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

// Everything one run shares between its steps.
struct RunContext {
  RunRequest& request;
  RunOptions& options;
  VmSession& session;
  QmpClient& qmp;
  AgentClient& agent;
  ConsoleShell& shell;
  LibvirtDomain* libvirt;  // --backend libvirt: the domain; null when livecheck runs QEMU itself
  ConsoleWatcher& console;
  Clock::time_point deadline;
  asio::steady_timer& timer;
  RunResult& result;
  nlohmann::json blockstats_before_unplug;
  bool agent_ready = false;
  bool stick_unplugged = false;
  bool powered_off = false;
  std::vector<std::string> deferred_checks;
  nlohmann::json canary;  // what the canary step planted, for the scan after power-off
  // What the guest said of its mounts, swaps and disks, from every time it was asked.
  nlohmann::json disk_facts = {{"mounts", nlohmann::json::array()},
                               {"swaps", nlohmann::json::array()},
                               {"block_devices", nlohmann::json::array()}};

  milliseconds Scaled(milliseconds base) const {
    return milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * options.timeout_scale));
  }
  // The smaller of an operation's own timeout and what is left of the run's.
  milliseconds Budget(milliseconds base) const {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return std::max(milliseconds(0), std::min(Scaled(base), left));
  }
  double HostSeconds() const { return std::chrono::duration<double>(Clock::now() - console.start).count(); }
  bool External() const { return request.external.has_value(); }
  bool MachineGone() const { return libvirt ? !libvirt->Active() : session.qemu()->WaitExit(milliseconds(0)).has_value(); }
};

asio::awaitable<void> Sleep(RunContext& ctx, milliseconds duration) {
  ctx.timer.expires_after(duration);
  co_await ctx.timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> WaitForPhase(RunContext& ctx, const std::string& phase) {
  while (true) {
    ctx.console.Poll();
    if (ctx.console.Seen(phase)) co_return;
    if (ctx.console.Seen("failed"))
      throw Error(fmt::format("the live init failed before phase '{}'", phase));
    if (!ctx.console.kernel_panic.empty())
      throw Error(fmt::format("the guest kernel panicked before phase '{}': {}", phase, ctx.console.kernel_panic));
    if (ctx.MachineGone())
      throw Error(fmt::format("QEMU exited before phase '{}'", phase));
    if (Clock::now() >= ctx.deadline) throw Error(fmt::format("timed out waiting for phase '{}'", phase));
    co_await Sleep(ctx, milliseconds(100));
  }
}

asio::awaitable<void> WaitAgentReady(RunContext& ctx) {
  if (ctx.agent_ready) co_return;
  co_await WaitForPhase(ctx, "agent-started");
  double uptime = co_await ctx.agent.WaitReady(ctx.Budget(kAgentTimeout));
  ctx.console.phases.push_back({"agent-ready", uptime, ctx.HostSeconds()});
  if (ctx.console.on_marker) ctx.console.on_marker("agent-ready");
  ctx.agent_ready = true;
  co_return;  // explicit: cppcheck does not know coroutines
}

asio::awaitable<nlohmann::json> Ask(RunContext& ctx, nlohmann::json request, milliseconds timeout = kAgentTimeout) {
  co_await WaitAgentReady(ctx);
  co_return co_await ctx.agent.Request(std::move(request), ctx.Budget(timeout));
}

// Images without the agent: the root shell on the console, once it shows.
asio::awaitable<void> WaitShellReady(RunContext& ctx) {
  if (ctx.shell.ready()) co_return;
  co_await WaitForPhase(ctx, "ready");
  co_await ctx.shell.WaitForPrompt(ctx.request.external->shell_prompt, ctx.Budget(kAgentTimeout));
  ctx.console.phases.push_back({"shell-ready", -1, ctx.HostSeconds()});
  if (ctx.console.on_marker) ctx.console.on_marker("shell-ready");
  co_return;  // explicit: cppcheck does not know coroutines
}

asio::awaitable<ShellOutput> Shell(RunContext& ctx, const std::string& command, milliseconds timeout = kAgentTimeout) {
  co_await WaitShellReady(ctx);
  co_return co_await ctx.shell.Run(command, ctx.Budget(timeout));
}

// What ram-copy reads back through a shell: the digests of up to 200 programs.
constexpr const char* kDigestCommand =
    "find /bin /sbin /usr/bin /usr/sbin -type f 2>/dev/null | sort | head -n 200 | xargs sha256sum";

// Where a session's secrets go: its files in the union, its shell history, tmpfs.
const std::vector<std::string> kCanaryPaths = {"/root/livecheck-canary.txt", "/root/.bash_history",
                                               "/root/.ash_history", "/livecheck-canary.txt",
                                               "/tmp/livecheck-canary.txt", "/run/livecheck-canary.txt",
                                               "/dev/shm/livecheck-canary.txt"};

// What the shell printed for each path: "ok PATH" or "fail PATH".
nlohmann::json PlantedFromShell(const std::string& output) {
  auto planted = nlohmann::json::array();
  for (const auto& path : kCanaryPaths)
    planted.push_back({{"path", path}, {"written", output.find("ok " + path + "\n") != std::string::npos}});
  return planted;
}

asio::awaitable<void> PlantCanary(RunContext& ctx) {
  std::string token = RandomSecretToken("LCCANARY");
  ctx.canary = nlohmann::json::object();
  ctx.canary["token"] = token;
  if (ctx.External()) {
    std::string command = "mkdir -p /root; for f in";
    for (const auto& p : kCanaryPaths) command += " " + p;
    command += "; do printf '%s\\n' " + token + " >> $f 2>/dev/null && echo ok $f || echo fail $f; done; sync";
    ctx.canary["planted"] = PlantedFromShell((co_await Shell(ctx, command)).output);
  } else {
    ctx.canary["planted"] = co_await Ask(ctx, PlantSecretRequest(token, kCanaryPaths));
  }
  co_return;  // explicit: cppcheck does not know coroutines
}

// After power-off: every byte of every disk file, the user's images and our overlays.
CheckResult ScanForCanary(RunContext& ctx) {
  nlohmann::json evidence = ctx.canary;
  std::string token = StringField(evidence, "token");
  if (token.empty()) return {"canary", Status::kError, "the canary step did not run", evidence};
  evidence["scanned"] = nlohmann::json::array();
  evidence["findings"] = nlohmann::json::array();
  for (const auto& file : ctx.session.DiskFiles()) {
    std::error_code ec;
    evidence["scanned"].push_back({{"drive", file.drive}, {"file", file.path.string()},
                                   {"bytes", static_cast<int64_t>(fs::file_size(file.path, ec))}});
    for (auto offset : FindToken(file.path, token, 20)) {
      nlohmann::json finding = {{"drive", file.drive}, {"file", file.path.string()}, {"file_offset", offset}};
      if (!file.overlay) finding["guest_offset"] = offset;
      else if (auto guest = OverlayGuestOffset(file.path, offset)) finding["guest_offset"] = *guest;
      evidence["findings"].push_back(finding);
    }
  }
  return CheckCanary(evidence);
}

// Tails' memory-erasure test: a secret in a tmpfs that is then unmounted,
// and a dump of all guest RAM counted for it.
asio::awaitable<CheckResult> CheckRamResidueNow(RunContext& ctx) {
  std::string token = RandomSecretToken("LCSECRET");
  nlohmann::json evidence = {{"max", ctx.request.scenario.ram_residue_max}};
  if (ctx.External()) {
    auto out = co_await Shell(ctx, "mkdir -p /run/lcsecret && mount -t tmpfs -o size=1m lcsecret /run/lcsecret && "
                                   "printf '%s\\n' " + token + " > /run/lcsecret/secret.txt && sync && "
                                   "umount /run/lcsecret && rmdir /run/lcsecret && echo secret-ok");
    bool ok = out.output.find("secret-ok") != std::string::npos;
    evidence["secret"] = {{"mounted", ok}, {"written", ok}, {"unmounted", ok}, {"errno", ok ? "" : out.output}};
  } else {
    evidence["secret"] = co_await Ask(ctx, SecretTmpfsRequest(token));
  }
  auto dump = ctx.session.dir() / "memory.dump";
  if (ctx.libvirt) ctx.libvirt->DumpMemory(dump);
  else co_await ctx.qmp.Execute("dump-guest-memory", DumpMemoryArguments(dump), ctx.Budget(kHashTimeout));
  std::error_code ec;
  evidence["dump_bytes"] = static_cast<int64_t>(fs::file_size(dump, ec));
  evidence["count"] = static_cast<int64_t>(FindToken(dump, token, 100000).size());
  fs::remove(dump, ec);
  co_return CheckRamResidue(evidence);
}

asio::awaitable<void> UnplugStick(RunContext& ctx) {
  if (ctx.stick_unplugged) co_return;
  if (ctx.libvirt) {
    // libvirt's own detach, so its view of the domain stays true.
    ctx.blockstats_before_unplug = ctx.libvirt->BlockStats();
    ctx.libvirt->RequestStickDetach();
    auto until = Clock::now() + ctx.Budget(kUnplugTimeout);
    while (ctx.libvirt->StickPresent()) {
      if (Clock::now() >= until) throw Error("libvirt: the stick was not detached in time");
      co_await Sleep(ctx, milliseconds(100));
    }
    ctx.stick_unplugged = true;
    co_return;
  }
  ctx.blockstats_before_unplug = co_await ctx.qmp.Execute("query-blockstats", NoArguments(), ctx.Budget(kQmpTimeout));
  co_await ctx.qmp.Execute("device_del", DeviceId("stickdev"), ctx.Budget(kQmpTimeout));
  // usb-storage emits DEVICE_DELETED for an internal SCSI child first: wait for ours.
  co_await ctx.qmp.WaitEvent("DEVICE_DELETED", IsStickDeleted, ctx.Budget(kUnplugTimeout));
  ctx.stick_unplugged = true;
}

asio::awaitable<CheckResult> RunShellCheck(RunContext& ctx, const std::string& name) {
  if (name == "union-root") co_return CheckUnionRoot(ParseProcMounts((co_await Shell(ctx, "cat /proc/mounts")).output));
  if (name == "ram-copy") {
    if (ctx.request.external->boot == "cdrom")
      co_return CheckResult{name, Status::kError, "ram-copy pulls a USB stick: use --boot iso-usb or usb-*", {}};
    nlohmann::json e;
    auto before = co_await Shell(ctx, kDigestCommand, kHashTimeout);
    e["digests_before"] = before.output;
    e["status_before"] = before.exit_status;
    co_await UnplugStick(ctx);
    e["unplugged"] = true;
    try {
      auto after = co_await ctx.shell.Run(std::string("echo 3 > /proc/sys/vm/drop_caches; ") + kDigestCommand,
                                          ctx.Budget(kHashTimeout));
      e["digests_after"] = after.output;
      e["status_after"] = after.exit_status;
    } catch (const ShellError& error) {
      e["verify_error"] = fmt::format("the shell stopped answering ({})", error.what());
    }
    co_return CheckRamCopyReadback(e);
  }
  co_return CheckResult{name, Status::kError,
                        "needs the livecheck agent inside the image (for images without it: union-root)", {}};
}

asio::awaitable<CheckResult> RunAgentCheck(RunContext& ctx, const std::string& name) {
  if (ctx.External()) co_return co_await RunShellCheck(ctx, name);
  if (name == "union-root") co_return CheckUnionRoot(co_await Ask(ctx, Cmd("mounts")));
  if (name == "lower-readonly") {
    std::string probe = "livecheck-probe-" + RandomToken();
    nlohmann::json e;
    e["mounts"] = co_await Ask(ctx, Cmd("mounts"));
    e["lower_probe"] = co_await Ask(ctx, Cmd("write-probe", "/run/live/lower/" + probe));
    e["union_probe"] = co_await Ask(ctx, Cmd("write-probe", "/" + probe));
    e["upper_stat"] = co_await Ask(ctx, Cmd("stat", "/run/live/upper/data/" + probe));
    e["lower_stat"] = co_await Ask(ctx, Cmd("stat", "/run/live/lower/" + probe));
    co_return CheckLowerReadonly(e);
  }
  if (name == "upper-tmpfs") {
    nlohmann::json e;
    e["mounts"] = co_await Ask(ctx, Cmd("mounts"));
    e["upper_statfs"] = co_await Ask(ctx, Cmd("statfs", "/run/live/upper"));
    co_return CheckUpperTmpfs(e);
  }
  if (name == "ram-copy") {
    nlohmann::json e = {{"toram", ctx.request.manifest.toram}};
    e["mounts_before"] = co_await Ask(ctx, Cmd("mounts"));
    if (BootModeFor(ctx.request.manifest.boot) == BootMode::kBiosCdrom && !ctx.request.scenario.iso_as_usb) {
      e["unplugged"] = false;
      co_return CheckRamCopy(e, ctx.request.manifest.rootfs);
    }
    co_await UnplugStick(ctx);
    e["unplugged"] = true;
    // A root that still needs the stick may take the guest down with it:
    // that is the evidence, not an error of the run.
    try {
      co_await ctx.agent.Request(Cmd("drop-caches"), ctx.Budget(kAgentTimeout));
      e["files"] = co_await ctx.agent.Request(HashTreeRequest(), ctx.Budget(kHashTimeout));
    } catch (const AgentError& error) {
      e["verify_error"] = fmt::format("the guest stopped answering ({})", error.what());
    }
    co_return CheckRamCopy(e, ctx.request.manifest.rootfs);
  }
  co_return CheckResult{name, Status::kError, "not an agent check", {}};
}

void AddFacts(RunContext& ctx, const nlohmann::json& mounts, const nlohmann::json& swaps,
              const nlohmann::json& block_devices) {
  for (const auto& m : mounts) ctx.disk_facts["mounts"].push_back(m);
  for (const auto& w : swaps) ctx.disk_facts["swaps"].push_back(w);
  if (block_devices.is_array() && !block_devices.empty()) ctx.disk_facts["block_devices"] = block_devices;
}

// Mounts and swaps only ever accumulate: a swap turned on and off again
// between two looks is still seen by one of them.
asio::awaitable<void> GatherDiskFacts(RunContext& ctx, milliseconds timeout) {
  try {
    if (ctx.External() && ctx.shell.ready()) {
      auto mounts = ParseProcMounts((co_await ctx.shell.Run("cat /proc/mounts", ctx.Budget(timeout))).output);
      auto swaps = ParseProcSwaps((co_await ctx.shell.Run("cat /proc/swaps", ctx.Budget(timeout))).output);
      auto devices = ParseBlockDevices((co_await ctx.shell.Run(kListBlockDevicesCommand, ctx.Budget(timeout))).output);
      AddFacts(ctx, mounts, swaps, devices);
    } else if (ctx.agent_ready) {
      auto mounts = co_await ctx.agent.Request(Cmd("mounts"), ctx.Budget(timeout));
      auto swaps = co_await ctx.agent.Request(Cmd("swaps"), ctx.Budget(timeout));
      auto devices = co_await ctx.agent.Request(Cmd("block-devices"), ctx.Budget(timeout));
      AddFacts(ctx, mounts, swaps, devices);
    }
  } catch (const ShellError&) {
  } catch (const AgentError&) {
  }
}

// libguestfs blocks for seconds: it runs on its own thread while this
// coroutine (and every other VM's) keeps going.
asio::awaitable<DiskDiff> DiffInBackground(asio::steady_timer& timer, fs::path image, fs::path overlay) {
  auto future = std::async(std::launch::async, [=] { return DiffDisks(image, "raw", overlay, "qcow2"); });
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    timer.expires_after(milliseconds(200));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return future.get();
}

// For every disk the session wrote: which files changed (forensic detail).
asio::awaitable<std::map<std::string, DiskDiff>> DiffWrittenDisks(RunContext& ctx,
                                                                  const std::vector<DiskEvidence>& disks) {
  std::map<std::string, DiskDiff> diffs;
  for (const auto& d : disks) {
    if (d.wr_bytes == 0 && d.overlay_allocated_bytes == 0) continue;
    for (const auto& file : ctx.session.DiskFiles())
      if (file.drive == d.drive && file.overlay) diffs[d.drive] = co_await DiffInBackground(ctx.timer, d.image, file.path);
  }
  co_return diffs;
}

// A failed disk check names the files that changed.
void AddFileChanges(CheckResult& check, const std::map<std::string, DiskDiff>& diffs, const std::string& only_drive) {
  if (check.status != Status::kFail) return;
  for (const auto& [drive, diff] : diffs) {
    if (!only_drive.empty() && drive != only_drive) continue;
    if (!check.evidence.is_object()) check.evidence = {{"disks", check.evidence}};
    check.evidence["file_changes"][drive] = ToJson(diff);
    check.summary += fmt::format("; {}: {}", drive, SummarizeDiff(diff));
  }
}

std::vector<std::string> ExpectedPhases(const RunContext& ctx) {
  if (ctx.External()) return {"ready"};
  std::vector<std::string> phases = {"init", "modules-loaded", "medium-found", "medium-mounted"};
  if (ctx.request.manifest.toram) phases.push_back("toram-done");
  for (const char* p : {"lower-mounted", "union-mounted", "switch-root", "root-ready"}) phases.push_back(p);
  if (ctx.agent_ready) phases.push_back("agent-ready");
  return phases;
}

asio::awaitable<void> RunSteps(RunContext& ctx) {
  for (const auto& step : ctx.request.scenario.steps) {
    switch (step.kind) {
      case ScenarioStep::Kind::kWait:
        if (ctx.External() && (step.arg == "agent-ready" || step.arg == "shell-ready")) co_await WaitShellReady(ctx);
        else if (step.arg == "agent-ready") co_await WaitAgentReady(ctx);
        else co_await WaitForPhase(ctx, step.arg);
        break;
      case ScenarioStep::Kind::kCheck:
        if (ctx.console.on_marker) ctx.console.on_marker("check " + step.arg);
        if (step.arg == "canary") co_await PlantCanary(ctx);
        if (step.arg == "internal-disk-untouched") {
          if (ctx.External()) co_await WaitShellReady(ctx);
          else co_await WaitAgentReady(ctx);
          co_await GatherDiskFacts(ctx, kAgentTimeout);
        }
        if (step.arg == "ram-residue") ctx.result.checks.push_back(co_await CheckRamResidueNow(ctx));
        else if (IsHostCheck(step.arg)) ctx.deferred_checks.push_back(step.arg);
        else ctx.result.checks.push_back(co_await RunAgentCheck(ctx, step.arg));
        break;
      case ScenarioStep::Kind::kUnplug:
        co_await UnplugStick(ctx);
        break;
      case ScenarioStep::Kind::kSleep:
        co_await Sleep(ctx, milliseconds(static_cast<int64_t>(step.seconds * 1000)));
        break;
      case ScenarioStep::Kind::kWorkload: {
        if (ctx.console.on_marker) ctx.console.on_marker("workload " + step.arg);
        auto figure = co_await Ask(ctx, WorkloadRequest(step.arg), kHashTimeout);
        ctx.result.workloads.push_back(figure);
        break;
      }
      case ScenarioStep::Kind::kPoweroff:
        if (ctx.External()) {
          co_await Shell(ctx, "sync");
          break;  // the VM is stopped after the steps, its data on disk
        }
        if (ctx.libvirt) break;  // counters must be read while it runs: StopVm powers it off
        co_await Ask(ctx, Cmd("poweroff"));
        co_await ctx.qmp.WaitEvent("SHUTDOWN", AnyEvent,
                                   ctx.Budget(kShutdownTimeout));
        ctx.powered_off = true;
        break;
    }
  }
}

// libvirt destroys a domain as its guest powers off (it cannot keep QEMU the
// way -no-shutdown does), so the counters are read just before; writes during
// the shutdown itself still show in the overlays' allocation and digests.
asio::awaitable<nlohmann::json> StopLibvirtDomain(RunContext& ctx) {
  if (ctx.External() && ctx.shell.ready()) {
    try {
      co_await ctx.shell.Run("sync", ctx.Scaled(kShutdownTimeout));
    } catch (const ShellError&) {
    }
  }
  auto blockstats = ctx.libvirt->Active() ? ctx.libvirt->BlockStats() : nlohmann::json::array();
  try {
    if (ctx.agent_ready) {
      co_await ctx.agent.Request(Cmd("poweroff"), ctx.Scaled(milliseconds(5000)));
      auto until = Clock::now() + ctx.Scaled(kShutdownTimeout);
      while (ctx.libvirt->Active() && Clock::now() < until) co_await Sleep(ctx, milliseconds(100));
    }
  } catch (const std::exception&) {
  }
  ctx.libvirt->Destroy();
  co_return MergeBlockstats(ctx.blockstats_before_unplug, blockstats);
}

// Ends the session: counters over the whole session, then QEMU is stopped.
asio::awaitable<nlohmann::json> StopVm(RunContext& ctx) {
  if (ctx.libvirt) co_return co_await StopLibvirtDomain(ctx);
  nlohmann::json blockstats;
  try {
    if (!ctx.powered_off && ctx.agent_ready) {
      co_await ctx.agent.Request(Cmd("poweroff"), ctx.Scaled(milliseconds(5000)));
      co_await ctx.qmp.WaitEvent("SHUTDOWN", AnyEvent,
                                 ctx.Scaled(kShutdownTimeout));
    }
    if (ctx.External() && ctx.shell.ready()) co_await ctx.shell.Run("sync", ctx.Scaled(kShutdownTimeout));
  } catch (const std::exception&) {
    // A guest that cannot power off still gets its counters read and is stopped.
  }
  blockstats = co_await ctx.qmp.Execute("query-blockstats", NoArguments(), ctx.Scaled(kQmpTimeout));
  try {
    co_await ctx.qmp.Execute("quit", NoArguments(), ctx.Scaled(kQmpTimeout));
  } catch (const QmpError&) {
    // QEMU may close the socket before answering quit.
  }
  ctx.session.qemu()->WaitExit(ctx.Scaled(milliseconds(10000)));
  co_return MergeBlockstats(ctx.blockstats_before_unplug, blockstats);
}

// The guest's name for the internal disk: the non-removable disk of its size.
std::string InternalDiskName(const nlohmann::json& block_devices, uint64_t disk_bytes) {
  for (const auto& d : block_devices)
    if (IntField(d, "bytes", 0) == static_cast<int64_t>(disk_bytes) && !BoolField(d, "removable", true))
      return StringField(d, "name");
  return "";
}

uint64_t InternalDiskBytes(const RunOptions& options) {
  std::error_code ec;
  auto bytes = fs::file_size(options.internal_disk_image, ec);
  return ec ? kInternalDiskBytes : bytes;
}

// A medium nobody here built: its own bootloader, or --kernel/--initrd with
// it attached. ttyS0 is a socket (the console shell) and still logged.
MachineDescription DescribeExternalMachine(const RunRequest& request, const RunOptions& options, VmSession& session) {
  const auto& x = *request.external;
  MachineDescription machine{.accel = options.accel,
                             .memory_mb = x.memory_mb,
                             .serial_log = session.console_log(),
                             .console_socket = session.console_socket(),
                             .qmp_socket = session.qmp_socket(),
                             .no_shutdown = true};
  machine.boot = x.boot == "usb-uefi" ? BootMode::kUefiUsb : x.boot == "cdrom" ? BootMode::kBiosCdrom : BootMode::kBiosUsb;
  if (x.boot == "cdrom") {
    machine.cdrom = x.image;
    session.AddReadOnly("cd", x.image);
  } else {
    machine.stick = session.AddOverlay("stick", x.image);
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  }
  if (!x.kernel.empty()) {
    machine.boot = BootMode::kDirectKernel;
    machine.kernel = x.kernel;
    machine.initrd = x.initrd;
    machine.append = x.append;
  }
  if (machine.boot == BootMode::kUefiUsb) {
    machine.ovmf_vars = session.dir() / "OVMF_VARS.fd";
    ReplaceWithCopy("/usr/share/OVMF/OVMF_VARS_4M.fd", machine.ovmf_vars);
  }
  if (request.scenario.internal_disk) machine.internal_disk = session.AddOverlay("internal", options.internal_disk_image);
  return machine;
}

MachineDescription DescribeMachine(const RunRequest& request, const RunOptions& options, VmSession& session) {
  if (request.external) return DescribeExternalMachine(request, options, session);
  const auto& m = request.manifest;
  MachineDescription machine{.boot = BootModeFor(m.boot),
                             .accel = options.accel,
                             .serial_log = session.console_log(),
                             .qmp_socket = session.qmp_socket(),
                             .agent_socket = session.agent_socket(),
                             .no_shutdown = true};
  const auto& dir = request.variant_dir;
  if (machine.boot == BootMode::kDirectKernel) {
    machine.kernel = dir / "vmlinuz";
    machine.initrd = dir / "initrd.img";
    machine.append = m.kernel_cmdline;
    if (!request.extra_append.empty()) machine.append += " " + request.extra_append;
  }
  const auto& s = request.scenario;
  machine.usb = s.usb == "ehci" ? UsbEmulation::kEhci : s.usb == "uas" ? UsbEmulation::kUas : UsbEmulation::kXhci;
  machine.internal_disk_bus = s.internal_disk_bus == "nvme"     ? DiskBus::kNvme
                              : s.internal_disk_bus == "virtio" ? DiskBus::kVirtio
                                                                : DiskBus::kAhci;
  if (machine.boot == BootMode::kBiosCdrom && s.iso_as_usb) {
    machine.boot = BootMode::kBiosUsb;  // the hybrid ISO written to a stick
    machine.stick = session.AddOverlay("stick", dir / "live.iso");
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  } else if (machine.boot == BootMode::kBiosCdrom) {
    machine.cdrom = dir / "live.iso";
    session.AddReadOnly("cd", machine.cdrom);
  } else {
    machine.stick = session.AddOverlay("stick", dir / "stick.img");
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  }
  if (machine.boot == BootMode::kUefiUsb) {
    machine.ovmf_vars = session.dir() / "OVMF_VARS.fd";
    ReplaceWithCopy("/usr/share/OVMF/OVMF_VARS_4M.fd", machine.ovmf_vars);
  }
  if (request.scenario.internal_disk) machine.internal_disk = session.AddOverlay("internal", options.internal_disk_image);
  return machine;
}

}  // namespace

std::string RunId(const RunRequest& request) {
  if (request.label.empty())
    return fmt::format("{}--{}--r{}", request.scenario.name, request.manifest.variant, request.repetition);
  return fmt::format("{}--{}--{}--r{}", request.scenario.name, request.manifest.variant, request.label,
                     request.repetition);
}

asio::awaitable<RunResult> RunScenario(RunRequest request, RunOptions options) {
  RunResult result{.scenario = request.scenario.name, .variant = request.manifest.variant,
                   .repetition = request.repetition, .boot_options = request.extra_append};
  auto started = Clock::now();
  auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<VmSession> session;
  ConsoleWatcher console;
  try {
    // 1. A private directory, overlays for the disks, the QEMU command line.
    session = std::make_unique<VmSession>(options.runtime_parent, options.keep);
    auto machine = DescribeMachine(request, options, *session);
    console.log = session->console_log();
    if (request.external) console.ready_pattern = std::regex(request.external->ready_pattern);
    if (options.on_phase) console.on_marker = [&, id = RunId(request)](const std::string& phase) { options.on_phase(id, phase); };

    // 2. Start QEMU and connect its channels.
    console.start = Clock::now();
    std::unique_ptr<LibvirtDomain> domain;
    if (options.backend == "libvirt") {
      result.machine = "libvirt " + request.connect_uri;
      domain = std::make_unique<LibvirtDomain>(request.connect_uri,
                                               DomainXml(machine, "livecheck-" + session->dir().filename().string()));
    } else {
      session->Start(QemuCommand(machine));
    }
    QmpClient qmp(executor);
    AgentClient agent(executor);
    ConsoleShell shell(executor);
    asio::steady_timer timer(executor);
    result.timeout_seconds = request.scenario.timeout_seconds * options.timeout_scale;
    auto deadline = Clock::now() + milliseconds(static_cast<int64_t>(result.timeout_seconds * 1000));
    RunContext ctx{request, options, *session, qmp, agent, shell, domain.get(), console, deadline, timer, result};
    if (!domain) co_await qmp.Connect(session->qmp_socket(), ctx.Scaled(kConnectTimeout));
    if (ctx.External()) co_await shell.Connect(session->console_socket(), ctx.Scaled(kConnectTimeout));
    else co_await agent.Connect(session->agent_socket(), ctx.Scaled(kConnectTimeout));

    // 3. The scenario's steps; agent checks are decided as they come.
    std::string step_error;
    try {
      co_await RunSteps(ctx);
    } catch (const std::exception& e) {
      step_error = e.what();
    }
    // Facts for internal-disk-untouched once more, as late in the session as
    // possible (added to those taken at its step); a guest that died with the
    // unplugged stick simply has no more.
    if (step_error.empty()) co_await GatherDiskFacts(ctx, milliseconds(10000));
    const auto& mounts = ctx.disk_facts["mounts"];
    const auto& swaps = ctx.disk_facts["swaps"];
    const auto& block_devices = ctx.disk_facts["block_devices"];

    // 4. Stop the VM; read the session's write counters first.
    if (console.on_marker) console.on_marker("stopping");
    auto blockstats = co_await StopVm(ctx);
    console.Poll();
    session->Kill();
    auto disks = session->CollectDiskEvidence(blockstats);
    std::map<std::string, DiskDiff> diffs;
    if (options.disk_diff) {
      if (console.on_marker) console.on_marker("disk-diff");
      diffs = co_await DiffWrittenDisks(ctx, disks);
    }

    // 5. Host-side checks, decided on the whole session.
    for (const auto& name : ctx.deferred_checks) {
      if (name == "no-disk-writes") {
        result.checks.push_back(CheckNoDiskWrites(disks));
        AddFileChanges(result.checks.back(), diffs, "");
      }
      if (name == "canary") result.checks.push_back(ScanForCanary(ctx));
      if (name == "boot-timing") {
        auto expected = ExpectedPhases(ctx);
        auto budget = ResolveBootBudget(request.scenario.boot_budget, options.reference, BootTimedInHostClock(expected));
        result.checks.push_back(CheckBootTiming(console.phases, expected, budget));
      }
      if (name == "internal-disk-untouched") {
        auto it = std::find_if(disks.begin(), disks.end(), [](const DiskEvidence& d) { return d.drive == "internal"; });
        if (it == disks.end())
          result.checks.push_back({name, Status::kError, "the scenario attaches no internal disk", {}});
        else
        {
          result.checks.push_back(CheckInternalDiskUntouched(
              *it, InternalDiskName(block_devices, InternalDiskBytes(options)), mounts, swaps));
          AddFileChanges(result.checks.back(), diffs, "internal");
        }
      }
    }
    result.qmp_events = qmp.event_log();
    if (!step_error.empty()) {
      result.status = Status::kError;
      result.error = step_error;
    } else {
      result.status = CombineStatus(result.checks);
    }
  } catch (const std::exception& e) {
    result.status = Status::kError;
    result.error = e.what();
  }
  if (session) {
    session->Kill();
    console.Poll();
    result.console_tail = ConsoleTail(session->console_log());
    auto logs = options.report_dir / "logs";
    std::error_code ec;
    fs::create_directories(logs, ec);
    auto kept = logs / (RunId(request) + ".console.log");
    // A log that cannot be kept whole (a full disk) is not kept at all; the
    // report still carries its tail.
    if (fs::exists(session->console_log(), ec)) {
      fs::copy_file(session->console_log(), kept, fs::copy_options::overwrite_existing, ec);
      if (ec) fs::remove(kept, ec);
      else result.console_log = "logs/" + kept.filename().string();
    }
  }
  result.phases = console.phases;
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  co_return result;
}

}  // namespace livecheck
