#include "runner/scenario.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/error.h"
#include "evidence/hazard_names.h"
#include "common/file_util.h"
#include "evidence/checks.h"
#include "evidence/command_check.h"
#include "evidence/console_pattern_check.h"
#include "common/guest_pattern.h"

namespace livecheck {
namespace {

const std::set<std::string> kTopKeys = {"description",       "variants", "boots",       "boot", "toram",
                                        "timeout",           "internal_disk", "boot_budget", "step",
                                        "internal_disk_bus", "usb",      "iso_boot",  "ram_residue_max",
                                        "internal_disks", "stick_removable", "decoy_stick"};
const std::set<std::string> kStepKeys = {"wait",     "check", "unplug",      "sleep",         "poweroff", "workload",
                                         "run",      "expect_exit", "expect_output", "timeout", "wait_console"};
// Keys that qualify a `run` (or, timeout only, a `wait_console`) step
// rather than being an action of their own.
const std::set<std::string> kRunOptions = {"expect_exit", "expect_output", "timeout"};
constexpr double kDefaultRunTimeout = 60, kDefaultConsoleWaitTimeout = 60;
const std::set<std::string> kWorkloads = {"small-files", "stat-walk",   "seq-write", "seq-read",
                                          "copy-up",     "random-read", "cold-read"};

struct Problems {
  fs::path file;
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, std::string>> list;
  void Add(const toml::node& node, const std::string& message) {
    const auto& b = node.source().begin;
    list.push_back({{b.line, b.column}, fmt::format("{}:{}:{}: {}", file.string(), b.line, b.column, message)});
  }
};

std::vector<std::string> Strings(const toml::node& node, const std::string& key, Problems& problems) {
  std::vector<std::string> out;
  if (auto s = node.value<std::string>()) return {*s};
  const auto* array = node.as_array();
  if (array == nullptr) {
    problems.Add(node, fmt::format("'{}' must be a string or an array of strings", key));
    return out;
  }
  for (const auto& item : *array) {
    if (auto s = item.value<std::string>()) out.push_back(*s);
    else problems.Add(item, fmt::format("'{}' must contain only strings", key));
  }
  return out;
}

std::optional<double> Seconds(const toml::node& node, const std::string& key, Problems& problems) {
  auto v = node.value<double>();
  if (v && *v > 0 && *v <= 86400) return *v;
  problems.Add(node, fmt::format("'{}' must be a number of seconds above 0", key));
  return std::nullopt;
}

bool IsGuestPattern(const toml::node& node, const std::string& key, const std::string& pattern, Problems& problems) {
  try {
    GuestPattern check(pattern);
    return true;
  } catch (const std::regex_error& e) {
    problems.Add(node, fmt::format("'{}' /{}/ is not a regular expression ({})", key, pattern,
                                   e.code() == std::regex_constants::error_complexity
                                       ? "longer than 256 characters or repeats too many times"
                                       : e.what()));
    return false;
  }
}

// expect_exit, expect_output and timeout of a `run` step.
void ParseRunOption(const std::string& k, const toml::node& node, ScenarioStep& step, Problems& problems) {
  if (k == "timeout") {
    if (auto v = Seconds(node, k, problems)) step.seconds = *v;
  } else if (k == "expect_exit") {
    auto v = node.value_exact<int64_t>();
    if (!v || *v < 0 || *v > 255) problems.Add(node, "'expect_exit' must be an exit status (0 to 255)");
    else step.expect_exit = static_cast<int>(*v);
  } else {
    auto s = node.value_exact<std::string>();
    if (!s) {
      problems.Add(node, "'expect_output' must be a regular expression (a string)");
      return;
    }
    if (IsGuestPattern(node, k, *s, problems)) step.expect_output = *s;
  }
}

void ParseStep(const toml::table& table, Scenario& scenario, Problems& problems) {
  ScenarioStep step;
  step.where = fmt::format("{}:{}", scenario.file.string(), table.source().begin.line);
  int actions = 0;
  bool has_run = table.contains("run"), has_console = table.contains("wait_console");
  for (const auto& [key, node] : table) {
    std::string k(key.str());
    if (kStepKeys.count(k) == 0) {
      problems.Add(node, fmt::format("unknown step key '{}' (expected wait, check, unplug, sleep, poweroff, workload, "
                                     "run or wait_console)",
                                     k));
      continue;
    }
    if (kRunOptions.count(k)) {
      if (k == "timeout" && has_console && !has_run) ParseRunOption(k, node, step, problems);
      else if (!has_run) problems.Add(node, fmt::format("'{}' goes with 'run'{}", k, k == "timeout" ? " or 'wait_console'" : ""));
      else ParseRunOption(k, node, step, problems);
      continue;
    }
    ++actions;
    if (k == "wait" || k == "check" || k == "unplug") {
      auto s = node.value<std::string>();
      if (!s) {
        problems.Add(node, fmt::format("'{}' must be a string", k));
        continue;
      }
      step.arg = *s;
      step.kind = k == "wait" ? ScenarioStep::Kind::kWait : k == "check" ? ScenarioStep::Kind::kCheck
                                                                         : ScenarioStep::Kind::kUnplug;
      const auto& names = CheckNames();
      if (k == "check" && std::find(names.begin(), names.end(), *s) == names.end()) {
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
        problems.Add(node, fmt::format("unknown check '{}' (expected one of: {})", *s, all));
      }
      if (k == "unplug" && *s != "stick") problems.Add(node, fmt::format("cannot unplug '{}' (only \"stick\")", *s));
    } else if (k == "workload") {
      step.kind = ScenarioStep::Kind::kWorkload;
      auto s = node.value<std::string>();
      if (!s || kWorkloads.count(*s) == 0) {
        problems.Add(node, "'workload' must be one of small-files, stat-walk, seq-write, seq-read, copy-up, "
                           "random-read, cold-read");
        continue;
      }
      step.arg = *s;
    } else if (k == "run") {
      step.kind = ScenarioStep::Kind::kRun;
      auto s = node.value_exact<std::string>();
      if (!s || s->empty()) problems.Add(node, "'run' must be a command (a string)");
      else step.arg = *s;
      if (!table.contains("timeout")) step.seconds = kDefaultRunTimeout;
    } else if (k == "wait_console") {
      step.kind = ScenarioStep::Kind::kWaitConsole;
      auto s = node.value_exact<std::string>();
      if (!s || s->empty()) problems.Add(node, "'wait_console' must be a regular expression (a string)");
      else if (IsGuestPattern(node, k, *s, problems)) step.arg = *s;
      if (!table.contains("timeout")) step.seconds = kDefaultConsoleWaitTimeout;
    } else if (k == "sleep") {
      step.kind = ScenarioStep::Kind::kSleep;
      if (auto v = Seconds(node, k, problems)) step.seconds = *v;
    } else if (k == "poweroff") {
      step.kind = ScenarioStep::Kind::kPoweroff;
      if (node.value<bool>() != true) problems.Add(node, "'poweroff' must be true");
    }
  }
  if (actions != 1)
    problems.Add(table, "each [[step]] needs exactly one of wait, check, unplug, sleep, poweroff, workload, run, wait_console");
  scenario.steps.push_back(step);
}

}  // namespace

std::string StepLabel(const ScenarioStep& step) {
  switch (step.kind) {
    case ScenarioStep::Kind::kWait: return "wait " + step.arg;
    case ScenarioStep::Kind::kCheck: return "check " + step.arg;
    case ScenarioStep::Kind::kUnplug: return "unplug " + step.arg;
    case ScenarioStep::Kind::kSleep: return fmt::format("sleep {:g}", step.seconds);
    case ScenarioStep::Kind::kPoweroff: return "poweroff";
    case ScenarioStep::Kind::kWorkload: return "workload " + step.arg;
    case ScenarioStep::Kind::kRun: return CommandCheckName(step.arg);
    case ScenarioStep::Kind::kWaitConsole: return ConsolePatternCheckName(step.arg);
  }
  return "step";
}

ScenarioResult ParseScenario(std::string_view text, const fs::path& file) {
  ScenarioResult result;
  auto& s = result.scenario;
  s.file = file;
  s.name = file.stem().string();
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    result.errors.push_back(fmt::format("{}:{}:{}: {}", file.string(), b.line, b.column, e.description()));
    return result;
  }
  Problems problems{file, {}};
  for (const auto& [key, node] : root) {
    std::string k(key.str());
    if (kTopKeys.count(k) == 0) {
      problems.Add(node, fmt::format("unknown key '{}'", k));
    } else if (k == "description") {
      if (auto v = node.value<std::string>()) s.description = *v;
      else problems.Add(node, "'description' must be a string");
    } else if (k == "variants") {
      s.variants = Strings(node, k, problems);
    } else if (k == "boots" || k == "boot") {
      s.boots = Strings(node, k, problems);
    } else if (k == "internal_disk_bus" || k == "usb" || k == "iso_boot") {
      static const std::map<std::string, std::set<std::string>> choices = {
          {"internal_disk_bus", {"ahci", "nvme", "virtio"}}, {"usb", {"xhci", "ehci", "uas"}},
          {"iso_boot", {"cdrom", "usb"}}};
      auto v = node.value<std::string>();
      if (!v || choices.at(k).count(*v) == 0) {
        std::string all;
        for (const auto& c : choices.at(k)) all += (all.empty() ? "" : ", ") + c;
        problems.Add(node, fmt::format("'{}' must be one of {}", k, all));
      } else if (k == "internal_disk_bus") {
        s.internal_disk_bus = *v;
      } else if (k == "usb") {
        s.usb = *v;
      } else {
        s.iso_as_usb = *v == "usb";
      }
    } else if (k == "toram") {
      if (auto v = node.value<bool>()) s.toram = *v;
      else problems.Add(node, "'toram' must be true or false");
    } else if (k == "timeout") {
      if (auto v = Seconds(node, k, problems)) s.timeout_seconds = *v;
    } else if (k == "boot_budget") {
      if (auto text = node.value<std::string>()) {
        if (auto budget = ParseRelativeBudget(*text)) s.boot_budget = *budget;
        else problems.Add(node, "'boot_budget' must be seconds (15) or a multiple of the host reference (\"3x\")");
      } else if (auto v = Seconds(node, k, problems)) {
        s.boot_budget = {*v, false};
      }
    } else if (k == "ram_residue_max") {
      auto v = node.value<int64_t>();
      if (v && *v >= 0) s.ram_residue_max = *v;
      else problems.Add(node, "'ram_residue_max' must be a whole number >= 0");
    } else if (k == "internal_disk") {
      if (auto v = node.value<bool>()) {
        s.internal_disk = *v;
      } else if (auto name = node.value<std::string>(); name && IsHazardName(*name)) {
        s.internal_disk = true;
        s.internal_disk_hazards = {*name};
      } else {
        problems.Add(node, fmt::format("'internal_disk' must be true, false or a hazard ({})", fmt::join(HazardNames(), ", ")));
      }
    } else if (k == "stick_removable") {
      if (auto v = node.value_exact<bool>()) s.stick_removable = *v;
      else problems.Add(node, "'stick_removable' must be true or false");
    } else if (k == "decoy_stick") {
      if (auto v = node.value_exact<bool>()) s.decoy_stick = *v ? "after" : "";
      else if (auto where = node.value_exact<std::string>(); where && (*where == "after" || *where == "before"))
        s.decoy_stick = *where;
      else problems.Add(node, "'decoy_stick' must be true, false, \"after\" or \"before\" (the medium)");
    } else if (k == "internal_disks") {
      if (root.contains("internal_disk")) {
        problems.Add(node, "give 'internal_disk' or 'internal_disks', not both");
        continue;
      }
      const auto* list = node.as_array();
      std::vector<std::string> names;
      bool ok = list != nullptr && !list->empty() && list->size() <= kMaxScenarioInternalDisks;
      if (list)
        for (const auto& item : *list) {
          auto name = item.value<std::string>();
          if (name && IsHazardName(*name)) names.push_back(*name);
          else ok = false;
        }
      if (!ok) {
        problems.Add(node, fmt::format("'internal_disks' must list 1 to {} hazards ({})", kMaxScenarioInternalDisks,
                                       fmt::join(HazardNames(), ", ")));
        continue;
      }
      s.internal_disk = true;
      s.internal_disk_hazards = names;
    } else if (k == "step") {
      const auto* steps = node.as_array();
      if (steps == nullptr || !steps->is_array_of_tables()) {
        problems.Add(node, "'step' must be written as [[step]] tables");
        continue;
      }
      for (const auto& step : *steps) ParseStep(*step.as_table(), s, problems);
    }
  }
  if (!root.contains("step")) result.errors.push_back(fmt::format("{}: no [[step]] tables", file.string()));
  std::stable_sort(problems.list.begin(), problems.list.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [pos, message] : problems.list) result.errors.push_back(std::move(message));
  return result;
}

std::vector<Scenario> LoadScenarios(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(path))
        if (entry.path().extension() == ".toml") found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      throw Error(fmt::format("{}: no such scenario file or directory", path.string()));
    }
  }
  std::vector<Scenario> scenarios;
  std::string errors;
  for (const auto& file : files) {
    auto result = ParseScenario(ReadFile(file), file);
    for (const auto& e : result.errors) errors += (errors.empty() ? "" : "\n") + e;
    scenarios.push_back(std::move(result.scenario));
  }
  if (!errors.empty()) throw Error(errors);
  if (scenarios.empty()) throw Error("no scenario files found");
  return scenarios;
}

bool ScenarioApplies(const Scenario& s, const std::string& variant, const std::string& boot, bool toram) {
  auto matches = [](const std::vector<std::string>& patterns, const std::string& value) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns)
      if (fnmatch(p.c_str(), value.c_str(), 0) == 0) return true;
    return false;
  };
  if (s.toram && *s.toram != toram) return false;
  return matches(s.variants, variant) && matches(s.boots, boot);
}

std::vector<std::string> ScenarioChecks(const Scenario& scenario) {
  std::vector<std::string> checks;
  for (const auto& step : scenario.steps)
    if (step.kind == ScenarioStep::Kind::kCheck &&
        std::find(checks.begin(), checks.end(), step.arg) == checks.end())
      checks.push_back(step.arg);
  return checks;
}

}  // namespace livecheck
