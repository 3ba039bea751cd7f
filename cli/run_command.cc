// `livecheck run`: build what is missing, boot every (scenario, variant)
// pair, decide the checks, write the reports. Reads as its steps.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <set>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "machine/qemu_args.h"
#include "builder/build_config.h"
#include "builder/image_builder.h"
#include "builder/kernel_entry.h"
#include "builder/manifest.h"
#include "builder/rootfs.h"
#include "cli/commands.h"
#include "cli/live_status.h"
#include "common/error.h"
#include "common/install_layout.h"
#include "common/file_util.h"
#include "common/process.h"
#include "machine/accel_probe.h"
#include "machine/cpu_model.h"
#include "evidence/checks.h"
#include "machine/external_image.h"
#include "machine/host_reference.h"
#include "machine/medium_files.h"
#include "evidence/hazard_disk.h"
#include "machine/qemu_process.h"
#include "runner/run_machine.h"
#include "runner/run_scheduler.h"
#include "runner/scenario.h"
#include "reports/bundle_signature.h"
#include "reports/evidence_bundle.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_writer.h"
#include "reports/terminal_summary.h"

namespace livecheck {
namespace {

void Say(const std::string& line) { std::cout << line << std::endl; }

std::pair<int, int> ParseShard(const std::string& text) {
  int k = 0, n = 0;
  char extra;
  if (std::sscanf(text.c_str(), "%d/%d%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n)
    throw Error(fmt::format("--shard {}: expected K/N with 1 <= K <= N", text));
  return {k, n};
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

nlohmann::json HostFacts() {
  utsname u{};
  uname(&u);
  auto qemu = RunProcess({.argv = {"qemu-system-x86_64", "--version"}}).out;
  qemu = qemu.substr(0, qemu.find('\n'));
  return {{"hostname", u.nodename}, {"kernel", u.release}, {"qemu", qemu},
          {"cpus", std::thread::hardware_concurrency()}};
}

// Interleaves repetitions (A B A B): drift on a noisy machine hits every variant alike.
std::vector<RunRequest> PlanRequests(const std::vector<Scenario>& scenarios,
                                     const std::vector<std::pair<BuildManifest, fs::path>>& variants, int repeat,
                                     double timeout) {
  std::vector<RunRequest> requests;
  for (int rep = 1; rep <= repeat; ++rep)
    for (const auto& scenario : scenarios)
      for (const auto& [manifest, dir] : variants)
        if (ScenarioApplies(scenario, manifest.variant, manifest.boot, manifest.toram)) {
          RunRequest r{scenario, manifest, dir, rep};
          if (timeout > 0) r.scenario.timeout_seconds = timeout;
          requests.push_back(std::move(r));
        }
  return requests;
}

const char* const kReportFiles[] = {"report.json", "junit.xml", "report.html"};

// A report directory reused from an earlier run must not mix that run's
// reports with this one's if this one cannot write its own.
void RemoveStaleReports(const fs::path& dir) {
  for (const char* name : kReportFiles) fs::remove(dir / name);
}

// All three reports or none: a CI job must never publish a junit.xml that
// belongs to another run or a half-written report.json.
void WriteReports(const RunReport& report, const fs::path& dir) {
  try {
    WriteFilesTogether(
        {{dir / kReportFiles[0], ReportToJson(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"},
         {dir / kReportFiles[1], JunitXml(report)},
         {dir / kReportFiles[2], HtmlReport(report)}});
  } catch (const Error& e) {
    throw Error(fmt::format("no report written: {}", e.what()), kExitEnvironment);
  }
}

// The high-water mark of livecheck's own resident memory (not its VMs').
int64_t PeakRssKib() {
  std::string status;
  try {
    status = ReadFile("/proc/self/status");
  } catch (const Error&) {
    return -1;
  }
  auto at = status.find("VmHWM:");
  return at == std::string::npos ? -1 : std::atoll(status.c_str() + at + 6);
}

// --fixed-stick: every run's stick reports fixed media; --decoy-stick: every
// run gets a decoy.
void ApplyStickFlags(std::vector<RunRequest>& requests, const RunArgs& args) {
  for (auto& r : requests) {
    if (args.fixed_stick) r.scenario.stick_removable = false;
    if (!args.decoy_stick.empty()) r.scenario.decoy_stick = args.decoy_stick;
  }
}

// --internal-disk's comma-separated list: auto, hazards and disk images.
std::vector<std::string> InternalDiskArgs(const std::string& given) {
  std::vector<std::string> list;
  if (given.empty()) return list;
  size_t start = 0;
  while (true) {
    auto comma = given.find(',', start);
    auto item = given.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item != "auto" && !IsHazardName(item) && DetectImageKind(item) != ImageKind::kDiskImage)
      throw Error(fmt::format("--internal-disk {}: '{}' is neither a hazard ({}) nor a disk image", given, item,
                              fmt::join(HazardNames(), ", ")));
    list.push_back(item == "auto" ? "realistic" : item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (list.size() > kMaxInternalDisks)
    throw Error(fmt::format("--internal-disk {}: at most {} disks", given, kMaxInternalDisks));
  return list;
}

// The internal disks of every request whose scenario attaches them: the
// scenario's hazards, or --internal-disk (hazards, auto, or a user's images,
// which are never modified) for all of them.
void AttachInternalDisks(std::vector<RunRequest>& requests, const RunArgs& args) {
  auto cache = fs::path(args.images) / ".cache";
  auto given = InternalDiskArgs(args.internal_disk);
  std::map<std::string, fs::path> made;
  for (auto& r : requests) {
    if (!r.scenario.internal_disk) continue;
    r.internal_disks.clear();
    r.internal_disk_names.clear();
    for (const auto& item : given.empty() ? r.scenario.internal_disk_hazards : given) {
      r.internal_disk_names.push_back(item);
      if (!IsHazardName(item)) {
        r.internal_disks.push_back(fs::absolute(item));
        continue;
      }
      if (!made.count(item)) made[item] = EnsureHazardDisk(cache, item);
      r.internal_disks.push_back(made[item]);
    }
  }
}

// What a run needs before it starts: the requests, and what to probe KVM with.
struct RunPlan {
  std::vector<RunRequest> requests;
  fs::path probe_kernel, probe_initrd;  ///< empty: nothing to probe KVM with
  /// --boot extracted: the medium's own kernel and initrd, removed after the run.
  std::shared_ptr<TempDir> extracted;
};

// Built variants: load them, build what is missing, every applicable pair.
RunPlan PlanBuiltVariants(const RunArgs& args, const std::vector<Scenario>& scenarios) {
  auto config = LoadBuildConfig(args.config);
  auto selected = SelectVariants(config, args.variants);
  BuildOptions build{.out_dir = args.images, .jobs = args.jobs};
  auto outcomes = BuildImages(config, selected, build);
  int reused = 0;
  for (const auto& o : outcomes) reused += o.reused;
  Say(fmt::format("images: {} built, {} reused in {}", outcomes.size() - reused, reused, args.images));
  std::vector<std::pair<BuildManifest, fs::path>> variants;
  for (const auto& v : selected) {
    auto dir = fs::path(args.images) / v.name;
    auto manifest = ReadManifest(dir / "manifest.json");
    if (!manifest) throw Error(fmt::format("{}: no readable manifest.json", dir.string()));
    variants.push_back({*manifest, dir});
  }
  RunPlan plan{.requests = PlanRequests(scenarios, variants, args.repeat, args.timeout),
               .probe_kernel = variants[0].second / "vmlinuz",
               .probe_initrd = variants[0].second / "initrd.img"};
  AttachInternalDisks(plan.requests, args);
  ApplyStickFlags(plan.requests, args);
  return plan;
}

// --check names without a scenario file: wait until booted, then each check.
Scenario ScenarioFromChecks(const RunArgs& args) {
  Scenario scenario{.name = "image", .description = "checks given on the command line"};
  std::vector<std::string> checks = args.checks;
  if (checks.empty()) checks = {"union-root", "no-disk-writes", "boot-timing"};
  if (!args.internal_disk.empty() &&
      std::find(checks.begin(), checks.end(), "internal-disk-untouched") == checks.end())
    checks.push_back("internal-disk-untouched");
  scenario.steps.push_back({.kind = ScenarioStep::Kind::kWait, .arg = "ready", .where = "--ready-pattern"});
  for (const auto& check : checks) {
    const auto& names = CheckNames();
    if (std::find(names.begin(), names.end(), check) == names.end())
      throw Error(fmt::format("--check {}: unknown check (expected one of: {})", check, fmt::join(names, ", ")));
    scenario.steps.push_back({.kind = ScenarioStep::Kind::kCheck, .arg = check, .where = "--check"});
  }
  scenario.internal_disk = !args.internal_disk.empty();
  return scenario;
}

// --image: one medium nobody here built, under every scenario given.
RunPlan PlanExternalImage(const RunArgs& args, std::vector<Scenario> scenarios) {
  ExternalImage image{.image = fs::absolute(args.image), .boot = args.boot, .append = args.append,
                      .ready_pattern = args.ready_pattern, .shell_prompt = args.shell_prompt,
                      .memory_mb = args.memory_mb,
                      .guest = args.guest != "auto"                                 ? args.guest
                               : args.kernel.empty() && args.boot != "extracted" ? "shell"
                                                                                 : "agent"};
  if (!args.kernel.empty()) image.kernel = fs::absolute(args.kernel);
  if (!args.initrd.empty()) image.initrd = fs::absolute(args.initrd);
  if (args.boot.empty()) throw Error("--image needs --boot (usb-bios, usb-uefi, cdrom, iso-usb or extracted)");
  std::shared_ptr<TempDir> extracted;
  if (args.boot == "extracted") {
    // The medium's own default entry, read off it without mounting; the
    // medium itself is attached as a stick, as it would be plugged in.
    if (!args.kernel.empty() || !args.initrd.empty())
      throw Error("--boot extracted finds the kernel and initrd on the medium: drop --kernel/--initrd");
    extracted = std::make_shared<TempDir>(fs::temp_directory_path(), "livecheck-extracted-");
    auto boot = ExtractDefaultBoot(image.image, extracted->path());
    image.boot = DetectImageKind(image.image) == ImageKind::kIso ? "iso-usb" : "usb-bios";
    image.kernel = boot.kernel;
    image.initrd = boot.initrd;
    image.append = args.append.empty() ? boot.append : boot.append + " " + args.append;
    Say(fmt::format("boot entry: {}; command line: {}", boot.source, image.append));
  }
  ValidateExternalImage(image);
  // A direct boot enters the kernel the fastest correct way, as for built variants.
  if (!image.kernel.empty() && args.kernel_entry == "auto")
    image.pvh_kernel = PvhKernelFor(image.kernel, HostCacheDir(fs::path(args.images) / ".cache")).elf;
  if (!args.scenarios.empty() && !args.checks.empty()) throw Error("--check replaces scenario files: give one or the other");
  if (args.scenarios.empty()) scenarios = {ScenarioFromChecks(args)};
  RunPlan plan{.probe_kernel = image.kernel, .probe_initrd = image.initrd, .extracted = extracted};
  BuildManifest manifest{.variant = ExternalImageName(image), .boot = args.boot};
  for (int rep = 1; rep <= args.repeat; ++rep)
    for (auto scenario : scenarios) {
      if (!args.internal_disk.empty()) scenario.internal_disk = true;
      if (args.timeout > 0) scenario.timeout_seconds = args.timeout;
      RunRequest r{scenario, manifest, image.image.parent_path(), rep};
      r.external = image;
      plan.requests.push_back(std::move(r));
    }
  AttachInternalDisks(plan.requests, args);
  ApplyStickFlags(plan.requests, args);
  return plan;
}

// What the runs read, for the evidence bundle: each variant's files (or the
// medium, kernel and initrd), the internal disk, firmware, QEMU, livecheck
// and its agent. Hashed, not copied: a court gets the digests, the owner
// keeps the images.
std::vector<std::pair<std::string, fs::path>> EvidenceInputs(const std::vector<RunRequest>& requests,
                                                           const fs::path& ovmf_vars) {
  std::vector<std::pair<std::string, fs::path>> inputs;
  std::set<std::string> seen;
  auto add = [&](const std::string& role, const fs::path& path) {
    std::error_code ec;
    if (path.empty() || !fs::is_regular_file(path, ec) || !seen.insert(fs::absolute(path).string()).second) return;
    inputs.emplace_back(role, path);
  };
  for (const auto& r : requests) {
    if (r.external) {
      add("image", r.external->image);
      add("kernel", r.external->kernel);
      add("initrd", r.external->initrd);
      continue;
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(r.variant_dir, ec))
      add("variant " + r.manifest.variant + ": " + e.path().filename().string(), e.path());
  }
  for (const auto& r : requests)
    for (const auto& disk : r.internal_disks) add("internal disk", disk);
  if (std::any_of(requests.begin(), requests.end(), BootsThroughOvmf)) {
    add("firmware", kOvmfCode);
    add("firmware variables", ovmf_vars);
  }
  add("firmware", "/usr/share/seabios/bios-256k.bin");
  add("qemu", "/usr/bin/qemu-system-x86_64");
  add("livecheck", "/proc/self/exe");
  add("agent", AgentPath());
  return inputs;
}

void WriteEvidence(const RunArgs& args, const RunReport& report, const RunOptions& options,
                   const std::vector<Scenario>& scenarios, const std::vector<RunRequest>& requests) {
  EvidenceBundleSpec spec{.report_dir = args.report_dir, .inputs = EvidenceInputs(requests, options.ovmf_vars),
                          .sign_key = args.sign_key};
  // Each variant's file list, so verify can decide ram-copy again.
  std::set<std::string> variants;
  for (const auto& r : requests) {
    std::error_code ec;
    auto manifest = r.variant_dir / "manifest.json";
    if (!r.external && fs::is_regular_file(manifest, ec) && variants.insert(r.manifest.variant).second)
      spec.copies.emplace_back("variants/" + r.manifest.variant + "/manifest.json", manifest);
  }
  for (const auto& s : scenarios)
    if (!s.file.empty()) spec.scenarios.push_back(s.file);
  spec.facts = {{"livecheck", args.version}, {"qemu_version", report.host.value("qemu", "")}, {"host", report.host},
                {"accel", report.accel}, {"accel_reason", report.accel_reason}, {"cpu", report.cpu},
                {"host_reference", report.host_reference}, {"timeout_scale", report.timeout_scale},
                {"ovmf_vars", report.ovmf_vars}, {"checks", args.checks}, {"image", args.image}, {"boot", args.boot}, {"append", args.append}};
  WriteEvidenceBundle(spec, args.evidence);
  Say(fmt::format("evidence: {} ({})", args.evidence, args.sign_key.empty() ? "unsigned" : "signed"));
}

}  // namespace

int RunRunCommand(const RunArgs& args) {
  // 1. Inputs: scenarios, variants or the image, shard; all checked before anything runs.
  if (args.image.empty() && !(args.boot.empty() && args.kernel.empty() && args.checks.empty() && args.guest == "auto"))
    throw Error("--boot, --kernel, --guest and --check go with --image");
  std::vector<fs::path> scenario_paths(args.scenarios.begin(), args.scenarios.end());
  if (scenario_paths.empty() && args.image.empty())
    scenario_paths.push_back(DefaultDataPath("scenarios", "scenarios", ExecutableDir()));
  auto scenarios = scenario_paths.empty() ? std::vector<Scenario>{} : LoadScenarios(scenario_paths);
  std::pair<int, int> shard = args.shard.empty() ? std::pair{1, 1} : ParseShard(args.shard);
  if (!args.sign_key.empty() && args.evidence.empty()) throw Error("--sign-key goes with --evidence");
  if (!args.evidence.empty()) CheckEvidenceTarget(args.evidence);
  if (!args.sign_key.empty()) SignEd25519("", args.sign_key);  // a bad key is bad input before anything boots
  if (!HaveExecutable("qemu-system-x86_64") || !HaveExecutable("qemu-img"))
    throw Error("QEMU is not installed (apt-get install qemu-system-x86 qemu-utils)", kExitEnvironment);
  if (!args.cpu.empty()) {
    if (args.backend != "qemu") throw Error("--cpu goes with --backend qemu (a libvirt domain keeps its default CPU)");
    CheckCpuModel(args.cpu);
  }

  // 2. Images: build what is missing or stale (the builder's cache makes this
  //    quick), or take the user's medium as it is.
  auto plan = args.image.empty() ? PlanBuiltVariants(args, scenarios) : PlanExternalImage(args, scenarios);

  // 3. The runs: this shard's share.
  std::vector<RunRequest> requests;
  for (size_t i = 0; i < plan.requests.size(); ++i)
    if (static_cast<int>(i % shard.second) == shard.first - 1) requests.push_back(plan.requests[i]);
  if (requests.empty()) throw Error("no scenario applies to the selected variants (or this shard is empty)");
  if (!args.connect.empty() && args.backend != "libvirt") throw Error("--connect goes with --backend libvirt");
  std::vector<std::string> uris = args.connect.empty() ? std::vector<std::string>{"qemu:///system"} : args.connect;
  // Round robin: a matrix fans out evenly over the hypervisor hosts.
  for (size_t i = 0; i < requests.size(); ++i) requests[i].connect_uri = uris[i % uris.size()];

  // 4. The machine: accelerator, the internal disk image when a scenario wants one.
  RunReport report{.started_at = UtcNow(), .host = HostFacts()};
  AccelChoice accel{"tcg", "no kernel to probe KVM with (--image without --kernel); --accel kvm forces it"};
  if (args.accel != "auto" || !plan.probe_kernel.empty())
    accel = ChooseAccel(args.accel, plan.probe_kernel, plan.probe_initrd, HostCacheDir(fs::path(args.images) / ".cache"));
  report.accel = accel.accel;
  report.accel_reason = accel.reason;
  report.cpu = CpuModelFor(accel.accel, args.cpu);
  Say(fmt::format("accel: {} ({}), cpu {}", accel.accel, accel.reason, report.cpu));
  // How fast this host boots a guest now: relative boot budgets and every
  // timeout follow it, so one scenario file holds on fast and slow runners.
  int parallel = std::min<int>(args.jobs, static_cast<int>(requests.size()));
  auto reference = MeasureHostReference(accel.accel, ReferenceKernel(), ReferenceCacheDir(fs::path(args.images) / ".cache"), parallel,
                                        args.recalibrate);
  report.host_reference = ToJson(reference);
  report.timeout_scale = TimeoutScaleFor(reference) * TimeoutScale();
  Say(ReferenceLine(report));
  RunOptions options{.accel = accel.accel, .cpu = args.cpu, .timeout_scale = report.timeout_scale, .reference = reference,
                     .report_dir = args.report_dir,
                     .runtime_parent = args.runtime_dir, .keep = args.keep, .disk_diff = !args.no_disk_diff, .backend = args.backend,
                     .kernel_entry = args.kernel_entry};
  report.ovmf_vars = PrepareFirmwareVars(requests, HostCacheDir(fs::path(args.images) / ".cache"), options);
  if (!report.ovmf_vars.empty()) Say("UEFI variable store: " + report.ovmf_vars);
  fs::create_directories(args.report_dir);
  // Two runs writing one report directory would interleave their reports.
  DirectoryClaim claim(args.report_dir, "--report-dir");
  RemoveStaleReports(args.report_dir);

  // 5. Run, then report. A terminal gets a live line per running VM; CI logs get plain lines.
  Say(fmt::format("running {} scenario run(s), {} at once", requests.size(), args.jobs));
  ScheduleOptions schedule{.jobs = args.jobs, .retry_errors = args.retry_errors, .progress = Say};
  LiveStatus live;
  if (isatty(STDOUT_FILENO)) {
    schedule.progress = [&](const std::string& line) { live.Log(line); };
    schedule.on_start = [&](const std::string& id) { live.Started(id); };
    schedule.on_finish = [&](const std::string& id) { live.Finished(id); };
    options.on_phase = [&](const std::string& id, const std::string& phase) { live.Phase(id, phase); };
  }
  auto outcome = RunAll(requests, options, schedule);
  report.results = std::move(outcome.results);
  report.interrupted = outcome.interrupted;
  report.peak_rss_kib = PeakRssKib();
  // The summary first: if the disk is full, the log still has the results.
  std::cout << "\n" << TerminalSummary(report);
  WriteReports(report, args.report_dir);
  Say(fmt::format("reports: {0}/report.json {0}/junit.xml {0}/report.html", args.report_dir));
  if (!args.evidence.empty()) WriteEvidence(args, report, options, scenarios, requests);

  if (report.interrupted) return kExitInterrupted;
  for (const auto& r : report.results)
    if (r.status != Status::kPass) return kExitCheckFailed;
  return kExitOk;
}

}  // namespace livecheck
