#include "runner/agent_access.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <fmt/format.h>

#include "common/error.h"
#include "common/json_fields.h"
#include "evidence/checks.h"
#include "evidence/stacked_devices.h"
#include "evidence/token_scan.h"
#include "evidence/union_layers.h"
#include "runner/machine_control.h"

namespace livecheck {

using namespace boost::asio::experimental::awaitable_operators;
namespace {

// Agent requests are built by plain functions: GCC 12 miscompiles braced
// initializers holding string literals inside coroutine bodies.
nlohmann::json Cmd(const std::string& cmd) { return {{"cmd", cmd}}; }
nlohmann::json Cmd(const std::string& cmd, const std::string& path) { return {{"cmd", cmd}, {"path", path}}; }
// The lower layer, not the union: a running system rewrites some of its own
// files (logs, /etc/mtab), but every byte of the lower layer must still
// read back from RAM after the stick is gone.
constexpr const char* kLowerLayer = "/run/live/lower";
nlohmann::json HashTreeRequest() {
  std::vector<std::string> skip;
  for (const char* dir : {"/proc", "/sys", "/dev", "/run", "/tmp"}) skip.push_back(std::string(kLowerLayer) + dir);
  return {{"cmd", "hash-tree"}, {"root", kLowerLayer}, {"skip", skip}};
}

// Paths below the lower layer as the manifest names them ("/etc/hostname").
nlohmann::json RootRelative(nlohmann::json files) {
  const std::string prefix = kLowerLayer;
  if (!files.is_array()) return files;
  for (auto& f : files) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) continue;
    std::string path = f["path"];
    if (path.compare(0, prefix.size(), prefix) == 0) f["path"] = path.substr(prefix.size());
  }
  return files;
}
nlohmann::json WorkloadRequest(const std::string& name) { return {{"cmd", "workload"}, {"workload", name}}; }
nlohmann::json RunCommandRequest(const std::string& command, double timeout_seconds) {
  return {{"cmd", "run"}, {"command", command}, {"timeout", timeout_seconds}};
}
nlohmann::json PlantSecretRequest(const std::string& token, const std::vector<std::string>& paths) {
  return {{"cmd", "plant-secret"}, {"hex", HexEncode(token)}, {"paths", paths}};
}
nlohmann::json SecretTmpfsRequest(const std::string& token) { return {{"cmd", "secret-tmpfs"}, {"hex", HexEncode(token)}}; }

// Files every live system reads from its root image: its programs, as the
// console shell's readback does. A directory that is a symlink (merged /usr)
// is read through its target only.
const std::vector<std::string>& ProgramDirs() {
  static const std::vector<std::string> dirs = {"/bin", "/sbin", "/usr/bin", "/usr/sbin"};
  return dirs;
}
nlohmann::json ReadbackRequest(const std::string& root) {
  return {{"cmd", "hash-tree"}, {"root", root}, {"skip", nlohmann::json::array()}};
}

// "path digest" lines, and how many files could not be read.
std::string DigestLines(const nlohmann::json& files, int& unreadable) {
  std::string lines;
  unreadable = 0;
  if (!files.is_array()) return lines;
  for (const auto& f : files) {
    if (!f.is_object()) continue;
    if (f.contains("sha256") && f["sha256"].is_string())
      lines += StringField(f, "path") + " " + f["sha256"].get<std::string>() + "\n";
    else
      ++unreadable;
  }
  return lines;
}

}  // namespace

asio::awaitable<void> AgentAccess::Connect(RunContext& ctx) {
  co_await agent_.Connect(ctx.session.agent_socket(), ctx.Scaled(kConnectTimeout));
}

asio::awaitable<void> AgentAccess::WaitReady(RunContext& ctx) {
  if (ready_ || !unavailable().empty()) co_return;
  co_await WaitForPhase(ctx, "agent-started");
  // An agent that started but never answers leaves the host-side checks to
  // decide; the checks inside the guest are then SKIP with this reason.
  double uptime = 0;
  try {
    auto first = co_await (agent_.WaitReady(ctx.Budget(kSettleTimeout)) || WaitUntilTheGuestCannotGoOn(ctx, "agent-ready"));
    if (first.index() == 1) throw Error(std::get<1>(first));
    uptime = std::get<0>(first);
  } catch (const AgentError& error) {
    MarkUnavailable(fmt::format("the guest agent started but never answered ({})", error.what()));
    co_return;
  }
  // The guest printed root-ready before its agent answered (livecheck's root
  // prints it, else the agent does at the switch): record the console's
  // markers first, so the phases stay in the guest's order. Under libvirt
  // the console reaches its log through virtlogd, a process of its own,
  // while the answer comes straight from QEMU's socket: the line can still
  // be on its way, so wait for it, briefly (a guest that never printed it
  // fails boot-timing for that, as it should).
  co_await WaitBrieflyForPhase(ctx, "root-ready", ctx.Scaled(milliseconds(2000)));
  ctx.console.Note("agent-ready", uptime, ctx.HostSeconds());
  ready_ = true;
  co_return;  // explicit: cppcheck does not know coroutines
}

asio::awaitable<nlohmann::json> AgentAccess::Ask(RunContext& ctx, nlohmann::json request, milliseconds timeout) {
  co_await WaitReady(ctx);
  co_return co_await agent_.Request(std::move(request), ctx.Budget(timeout));
}

asio::awaitable<CheckResult> AgentAccess::GuestCheck(RunContext& ctx, const std::string& name) {
  if (name == "union-root") co_return CheckUnionRoot(co_await Ask(ctx, Cmd("mounts")));
  if (name == "lower-readonly") {
    std::string probe = RandomSecretToken("livecheck-probe");
    nlohmann::json e;
    e["mounts"] = co_await Ask(ctx, Cmd("mounts"));
    auto layers = FindUnionLayers(e["mounts"]);
    e["layers"] = LayersEvidence(layers);
    if (layers.lower_dirs.empty()) co_return CheckLowerReadonly(e);
    std::string lower = InLayer(layers.lower_dirs.front(), probe);
    e["lower_probe"] = co_await Ask(ctx, Cmd("write-probe", lower));
    e["union_probe"] = co_await Ask(ctx, Cmd("write-probe", "/" + probe));
    if (!layers.upper_dir.empty()) e["upper_stat"] = co_await Ask(ctx, Cmd("stat", InLayer(layers.upper_dir, probe)));
    e["lower_stat"] = co_await Ask(ctx, Cmd("stat", lower));
    co_return CheckLowerReadonly(e);
  }
  if (name == "upper-tmpfs") {
    nlohmann::json e;
    e["mounts"] = co_await Ask(ctx, Cmd("mounts"));
    auto layers = FindUnionLayers(e["mounts"]);
    e["layers"] = LayersEvidence(layers);
    if (!layers.upper_dir.empty()) e["upper_statfs"] = co_await Ask(ctx, Cmd("statfs", layers.upper_dir));
    co_return CheckUpperTmpfs(e);
  }
  if (name == "ram-copy") co_return co_await RamCopy(ctx);
  co_return CheckResult{name, Status::kError, "not an agent check", {}};
}

asio::awaitable<CheckResult> AgentAccess::RamCopyReadback(RunContext& ctx) {
  if (ctx.request.external->boot == "cdrom")
    co_return CheckResult{"ram-copy", Status::kError, "ram-copy pulls a USB stick: use --boot iso-usb or usb-*", {}};
  nlohmann::json e;
  std::vector<std::string> roots;
  for (const auto& dir : ProgramDirs())
    if (StringField(co_await Ask(ctx, Cmd("stat", dir)), "type") == "dir") roots.push_back(dir);
  int unreadable = 0, total_unreadable = 0;
  std::string before;
  for (const auto& root : roots) {
    before += DigestLines(co_await Ask(ctx, ReadbackRequest(root), kHashTimeout), unreadable);
    total_unreadable += unreadable;
  }
  e["digests_before"] = before;
  e["status_before"] = total_unreadable;
  co_await ctx.machine.UnplugStick(ctx);
  e["unplugged"] = true;
  try {
    co_await agent_.Request(Cmd("drop-caches"), ctx.Budget(kAgentTimeout));
    std::string after;
    total_unreadable = 0;
    for (const auto& root : roots) {
      after += DigestLines(co_await agent_.Request(ReadbackRequest(root), ctx.Budget(kHashTimeout)), unreadable);
      total_unreadable += unreadable;
    }
    e["digests_after"] = after;
    e["status_after"] = total_unreadable;
  } catch (const AgentError& error) {
    e["verify_error"] = fmt::format("the guest stopped answering ({})", error.what());
  }
  co_return CheckRamCopyReadback(e);
}

asio::awaitable<CheckResult> AgentAccess::RamCopy(RunContext& ctx) {
  if (ctx.request.external) co_return co_await RamCopyReadback(ctx);
  nlohmann::json e = {{"toram", ctx.request.manifest.toram}};
  e["mounts_before"] = co_await Ask(ctx, Cmd("mounts"));
  if (ctx.request.manifest.boot == "iso" && !ctx.request.scenario.iso_as_usb) {
    e["unplugged"] = false;
    co_return CheckRamCopy(e, ctx.request.manifest.rootfs);
  }
  co_await ctx.machine.UnplugStick(ctx);
  e["unplugged"] = true;
  // A root that still needs the stick may take the guest down with it:
  // that is the evidence, not an error of the run.
  try {
    co_await agent_.Request(Cmd("drop-caches"), ctx.Budget(kAgentTimeout));
    e["files"] = RootRelative(co_await agent_.Request(HashTreeRequest(), ctx.Budget(kHashTimeout)));
  } catch (const AgentError& error) {
    e["verify_error"] = fmt::format("the guest stopped answering ({})", error.what());
  }
  co_return CheckRamCopy(e, ctx.request.manifest.rootfs);
}

asio::awaitable<nlohmann::json> AgentAccess::PlantCanary(RunContext& ctx, const std::string& token,
                                                         const std::vector<std::string>& paths) {
  co_return co_await Ask(ctx, PlantSecretRequest(token, paths));
}

asio::awaitable<nlohmann::json> AgentAccess::PlantSecretInTmpfs(RunContext& ctx, const std::string& token) {
  co_return co_await Ask(ctx, SecretTmpfsRequest(token));
}

asio::awaitable<void> AgentAccess::GatherDiskFacts(RunContext& ctx, milliseconds timeout) {
  if (!ready_) co_return;
  try {
    auto mounts = co_await agent_.Request(Cmd("mounts"), ctx.Budget(timeout));
    auto swaps = co_await agent_.Request(Cmd("swaps"), ctx.Budget(timeout));
    auto devices = co_await agent_.Request(Cmd("block-devices"), ctx.Budget(timeout));
    AddDiskFacts(ctx, mounts, swaps, devices);
    // Stacked devices the agent saw at any time it served, also those gone again.
    auto seen = co_await agent_.Request(Cmd("stacked-seen"), ctx.Budget(timeout));
    NoteStackedDevices(ctx.disk_facts["stacked"], seen);
    // The ring buffer holds the whole session: the latest read replaces.
    auto log = co_await agent_.Request(Cmd("kernel-log"), ctx.Budget(timeout));
    if (log.is_object() && log.contains("lines") && log["lines"].is_array()) ctx.disk_facts["kernel_log"] = log["lines"];
  } catch (const AgentError&) {
  }
}

asio::awaitable<nlohmann::json> AgentAccess::Workload(RunContext& ctx, const std::string& name) {
  co_return co_await Ask(ctx, WorkloadRequest(name), kHashTimeout);
}

// The agent kills the command at its timeout; the host waits that long and
// the agent's usual margin.
asio::awaitable<nlohmann::json> AgentAccess::RunCommand(RunContext& ctx, const std::string& command,
                                                        double timeout_seconds) {
  co_return co_await Ask(ctx, RunCommandRequest(command, timeout_seconds),
                         milliseconds(static_cast<int64_t>(timeout_seconds * 1000)) + kAgentTimeout);
}

asio::awaitable<bool> AgentAccess::PowerOff(RunContext& ctx) {
  co_await Ask(ctx, Cmd("poweroff"));
  co_return true;
}

asio::awaitable<bool> AgentAccess::PowerOffIfReady(RunContext& ctx) {
  if (!ready_) co_return false;
  co_await agent_.Request(Cmd("poweroff"), ctx.Scaled(milliseconds(5000)));
  co_return true;
}

std::vector<std::string> AgentAccess::ExpectedPhases(const RunContext& ctx) const {
  // An injected agent sees only its own start and the root switch.
  if (ctx.request.external) {
    std::vector<std::string> phases = {"agent-started", "root-ready"};
    if (ready_) phases.push_back("agent-ready");
    return phases;
  }
  std::vector<std::string> phases = {"init", "modules-loaded", "medium-found", "medium-mounted"};
  if (ctx.request.manifest.toram) phases.push_back("toram-done");
  for (const char* p : {"lower-mounted", "union-mounted", "switch-root", "root-ready"}) phases.push_back(p);
  if (ready_) phases.push_back("agent-ready");
  return phases;
}

}  // namespace livecheck
