#include "runner/scenario_runner.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "common/file_util.h"
#include "evidence/disk_evidence.h"
#include "runner/console_watcher.h"
#include "runner/guest_access.h"
#include "runner/leak_diff.h"
#include "runner/libvirt_control.h"
#include "runner/qemu_control.h"
#include "runner/run_context.h"
#include "runner/run_machine.h"
#include "runner/session_checks.h"
#include "runner/step_executor.h"

namespace livecheck {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kConsoleTailBytes = 3000;

std::string ConsoleTail(const fs::path& log) {
  std::error_code ec;
  if (!fs::exists(log, ec)) return "";
  std::string text = ReadFile(log);
  return text.size() > kConsoleTailBytes ? text.substr(text.size() - kConsoleTailBytes) : text;
}

// Adds to the result how long a part of the run took since the last lap.
// (A free function: a coroutine frame must not hold anonymous-namespace types.)
void Lap(RunResult& result, Clock::time_point& last, const std::string& step) {
  auto now = Clock::now();
  result.steps.push_back({step, std::chrono::duration<double>(now - last).count()});
  last = now;
}

// QEMU started by livecheck, or a libvirt domain; either way from one description.
std::unique_ptr<MachineControl> StartMachine(const RunRequest& request, const RunOptions& options,
                                             const MachineDescription& machine, VmSession& session,
                                             asio::any_io_executor executor, RunResult& result) {
  if (options.backend != "libvirt") return std::make_unique<QemuControl>(machine, session, executor);
  result.machine = "libvirt " + request.connect_uri;
  return std::make_unique<LibvirtControl>(machine, session, request.connect_uri);
}

// The evidence of every attached disk after the run.
std::vector<DiskEvidence> CollectDiskEvidence(const VmSession& session, const nlohmann::json& blockstats) {
  std::vector<DiskEvidence> disks;
  for (const auto& d : session.disks())
    disks.push_back(DiskEvidenceAfterRun(d.drive, d.image, d.hash_before, d.overlay, blockstats));
  return disks;
}

// The counters of every drive now, kept in the result; a machine that is
// gone or does not answer adds no point (the run's own error says why).
// cppcheck-suppress passedByValue ; a coroutine keeps its own copy: the caller's temporary is gone by the first co_await
asio::awaitable<void> SampleCounters(RunContext& ctx, MachineControl& machine, std::string after) {
  if (machine.Gone()) co_return;
  try {
    auto stats = co_await machine.Counters(ctx);
    ctx.result.block_counters.push_back(BlockCounterSample(ctx.HostSeconds(), after, stats));
  } catch (const std::exception&) {
  }
}

// A run that stopped early (the guest gave up, a wait timed out) still says
// what it did to the disks: a boot that fails may have probe-mounted or
// written them before. The disk checks its scenario names but never reached
// are decided on the session so far; the run stays an ERROR.
void DeferUnreachedDiskChecks(RunContext& ctx) {
  for (const auto& step : ctx.request.scenario.steps) {
    const auto& name = step.arg;
    if (step.kind != ScenarioStep::Kind::kCheck ||
        (name != "no-disk-writes" && name != "internal-disk-untouched" && name != "own-medium"))
      continue;
    auto& deferred = ctx.deferred_checks;
    if (std::find(deferred.begin(), deferred.end(), name) == deferred.end()) deferred.push_back(name);
  }
}

// QEMU's exact argv or the domain XML beside the console log.
std::string KeepDefinition(const MachineControl& machine, const fs::path& report_dir, const std::string& id) {
  auto file = report_dir / "logs" / (id + machine.DefinitionSuffix());
  try {
    fs::create_directories(file.parent_path());
    WriteFileAtomic(file, machine.Definition());
    return "logs/" + file.filename().string();
  } catch (const std::exception&) {
    return "";  // a full disk: the report says so when it is written
  }
}

// Whether the image or the host is to blame, and the lost machine's reason
// beside the error a step saw ("QEMU exited before phase ..." says nothing
// of a SIGKILL).
void ExplainError(RunResult& result, ErrorFacts& facts, const ConsoleWatcher& console, MachineControl* machine) {
  facts.guest_failed = console.Seen("failed") || !console.kernel_panic.empty() || !console.gave_up.empty();
  if (machine) machine->NoteHowItEnded(facts);
  result.error_cause = ClassifyError(facts);
  if (!facts.machine_lost.empty() && result.error.find(facts.machine_lost) == std::string::npos)
    result.error += " (" + facts.machine_lost + ")";
}

// The run's id, and which attempt for a retried one (its own console log).
std::string AttemptId(const RunRequest& request) {
  return request.attempt > 1 ? fmt::format("{}--attempt{}", RunId(request), request.attempt) : RunId(request);
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
                   .repetition = request.repetition, .boot_options = request.extra_append,
                   .kernel_entry = KernelEntryFor(request, options)};
  result.attempt = request.attempt;
  auto started = Clock::now();
  auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<VmSession> session;
  std::unique_ptr<MachineControl> machine;
  ConsoleWatcher console;
  ErrorFacts facts;
  try {
    // 1. A private directory, overlays for the disks, the machine's description.
    session = std::make_unique<VmSession>(options.runtime_parent, options.keep);
    auto description = DescribeMachine(request, options, *session);
    result.injected = InjectGuestAgent(request, description, *session);
    console.log = session->console_log();
    if (request.external) console.ready_pattern.emplace(request.external->ready_pattern);
    if (options.on_phase) console.on_marker = [&, id = RunId(request)](const std::string& phase) { options.on_phase(id, phase); };

    // 2. Start the machine and connect its channels.
    console.start = Clock::now();
    auto lap = console.start;
    machine = StartMachine(request, options, description, *session, executor, result);
    auto access = MakeGuestAccess(request, executor);
    asio::steady_timer timer(executor);
    result.timeout_seconds = request.scenario.timeout_seconds * options.timeout_scale;
    auto deadline = Clock::now() + milliseconds(static_cast<int64_t>(result.timeout_seconds * 1000));
    RunContext ctx{request, options, *session, console, *access, *machine, deadline, timer, result};
    co_await machine->Connect(ctx);
    co_await access->Connect(ctx);
    Lap(result, lap, "start");
    co_await SampleCounters(ctx, *machine, "start");

    // 3. The scenario's steps, each by the executor of its kind; guest
    //    checks are decided as they come.
    std::string step_error;
    try {
      for (const auto& step : request.scenario.steps) {
        co_await ExecutorFor(step.kind).Run(ctx, step);
        Lap(result, lap, StepLabel(step));
        co_await SampleCounters(ctx, *machine, StepLabel(step));
      }
    } catch (const std::exception& e) {
      step_error = e.what();
      NoteException(e, facts);
      // The step that failed, with the time it took to fail (a timeout's wait).
      size_t failed = result.steps.size() - 1;  // after "start", one lap per step done
      if (failed < request.scenario.steps.size()) Lap(result, lap, StepLabel(request.scenario.steps[failed]));
    }
    result.error = step_error;
    if (!step_error.empty()) DeferUnreachedDiskChecks(ctx);
    // Facts for internal-disk-untouched once more, as late in the session as
    // possible (added to those taken at its step); a guest that died with the
    // unplugged stick simply has no more.
    if (step_error.empty()) co_await access->GatherDiskFacts(ctx, milliseconds(10000));

    // 4. Stop the machine; read the session's write counters first. A
    //    written disk is diffed for the files that changed.
    ctx.Announce("stopping");
    auto blockstats = co_await machine->Stop(ctx);
    result.block_counters.push_back(BlockCounterSample(ctx.HostSeconds(), "stop", blockstats));
    console.Poll();
    session->Kill();
    Lap(result, lap, "stop");
    auto disks = CollectDiskEvidence(*session, blockstats);
    std::map<std::string, DiskDiff> diffs;
    if (options.disk_diff) {
      ctx.Announce("disk-diff");
      diffs = co_await DiffWrittenDisks(ctx, disks);
    }
    Lap(result, lap, "disk-evidence");

    // 5. Host-side checks, decided on the whole session.
    DecideSessionChecks(ctx, disks, diffs);
    result.qmp_events = machine->EventLog();
    if (!step_error.empty()) {
      result.status = Status::kError;
    } else {
      result.status = CombineStatus(result.checks);
    }
  } catch (const std::exception& e) {
    result.status = Status::kError;
    // The first failure is the one to report; stopping a dead machine fails too.
    if (result.error.empty()) result.error = e.what();
    NoteException(e, facts);
  }
  if (result.status == Status::kError) ExplainError(result, facts, console, machine.get());
  if (machine) result.machine_definition = KeepDefinition(*machine, options.report_dir, AttemptId(request));
  if (session) {
    session->Kill();
    console.Poll();
    result.console_tail = ConsoleTail(session->console_log());
    auto logs = options.report_dir / "logs";
    std::error_code ec;
    fs::create_directories(logs, ec);
    auto kept = logs / (AttemptId(request) + ".console.log");
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
