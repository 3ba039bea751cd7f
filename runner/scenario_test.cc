#include "runner/scenario.h"

#include <set>

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ScenarioTest, ParsesStepsAndFilters) {
  auto r = ParseScenario(R"(
description = "toram survives unplug"
variants = ["*toram*"]
boots = "usb-*"
timeout = 120
internal_disk = true

[[step]]
wait = "agent-ready"
[[step]]
check = "ram-copy"
[[step]]
check = "no-disk-writes"
[[step]]
sleep = 0.5
)",
                         "/s/unplug.toml");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  const auto& s = r.scenario;
  EXPECT_EQ(s.name, "unplug");
  EXPECT_EQ(s.steps.size(), 4u);
  EXPECT_EQ(s.steps[1].kind, ScenarioStep::Kind::kCheck);
  EXPECT_EQ(s.steps[1].where, "/s/unplug.toml:10");
  std::vector<std::string> labels;
  for (const auto& step : s.steps) labels.push_back(StepLabel(step));
  EXPECT_EQ(labels, (std::vector<std::string>{"wait agent-ready", "check ram-copy", "check no-disk-writes", "sleep 0.5"}));
  EXPECT_TRUE(s.internal_disk);
  EXPECT_EQ(ScenarioChecks(s), (std::vector<std::string>{"ram-copy", "no-disk-writes"}));
  EXPECT_TRUE(ScenarioApplies(s, "usb-bios-toram", "usb-bios", true));
  EXPECT_FALSE(ScenarioApplies(s, "direct-toram", "direct", true));
  EXPECT_FALSE(ScenarioApplies(s, "usb-bios", "usb-bios", false));
}

TEST(ScenarioTest, ErrorsNameFileLineAndWhat) {
  auto r = ParseScenario("timeout = -1\ncolour = 2\n[[step]]\ncheck = \"lower-writable\"\n[[step]]\nwait = \"x\"\nsleep = 1\n",
                         "/s/bad.toml");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0], "/s/bad.toml:1:11: 'timeout' must be a number of seconds above 0");
  EXPECT_EQ(r.errors[1], "/s/bad.toml:2:10: unknown key 'colour'");
  EXPECT_EQ(r.errors[2],
            "/s/bad.toml:4:9: unknown check 'lower-writable' (expected one of: lower-readonly, upper-tmpfs, union-root, ram-copy, "
            "no-disk-writes, internal-disk-untouched, canary, ram-residue, boot-timing, own-medium)");
  EXPECT_EQ(r.errors[3], "/s/bad.toml:5:1: each [[step]] needs exactly one of wait, check, unplug, sleep, poweroff, workload, run, "
            "wait_console");
}

TEST(ScenarioTest, BootBudgetInSecondsOrRelativeToTheHost) {
  auto seconds = ParseScenario("boot_budget = 15\n[[step]]\ncheck = \"boot-timing\"\n", "/s/a.toml");
  ASSERT_TRUE(seconds.errors.empty()) << seconds.errors[0];
  EXPECT_EQ(seconds.scenario.boot_budget.Text(), "15 s");
  EXPECT_FALSE(seconds.scenario.boot_budget.relative);
  auto relative = ParseScenario("boot_budget = \"2.5x\"\n[[step]]\ncheck = \"boot-timing\"\n", "/s/b.toml");
  ASSERT_TRUE(relative.errors.empty()) << relative.errors[0];
  EXPECT_TRUE(relative.scenario.boot_budget.relative);
  EXPECT_EQ(relative.scenario.boot_budget.value, 2.5);
  auto bad = ParseScenario("boot_budget = \"fast\"\n[[step]]\ncheck = \"boot-timing\"\n", "/s/c.toml");
  EXPECT_EQ(bad.errors, std::vector<std::string>{"/s/c.toml:1:15: 'boot_budget' must be seconds (15) or a multiple "
                                                 "of the host reference (\"3x\")"});
}

constexpr const char* kStep = "[[step]]\ncheck = \"no-disk-writes\"\n";

TEST(ScenarioTest, InternalDiskIsTrueOrAHazard) {
  auto hazard = ParseScenario("internal_disk = \"ext4-dirty-journal\"\n[[step]]\ncheck = \"no-disk-writes\"\n", "/s/h.toml");
  ASSERT_TRUE(hazard.errors.empty()) << hazard.errors[0];
  EXPECT_TRUE(hazard.scenario.internal_disk);
  EXPECT_EQ(hazard.scenario.internal_disk_hazards, std::vector<std::string>{"ext4-dirty-journal"});
  auto plain = ParseScenario("internal_disk = true\n[[step]]\ncheck = \"no-disk-writes\"\n", "/s/p.toml");
  EXPECT_EQ(plain.scenario.internal_disk_hazards, std::vector<std::string>{"realistic"});
  auto two = ParseScenario("internal_disks = [\"ext4-dirty-journal\", \"persistence-decoys\"]\n[[step]]\ncheck = "
                           "\"no-disk-writes\"\n", "/s/t.toml");
  ASSERT_TRUE(two.errors.empty()) << two.errors[0];
  EXPECT_TRUE(two.scenario.internal_disk);
  EXPECT_EQ(two.scenario.internal_disk_hazards, (std::vector<std::string>{"ext4-dirty-journal", "persistence-decoys"}));
  auto both = ParseScenario("internal_disk = true\ninternal_disks = [\"swap\"]\n" + std::string(kStep), "/s/u.toml");
  EXPECT_EQ(both.errors, std::vector<std::string>{"/s/u.toml:2:18: give 'internal_disk' or 'internal_disks', not both"});
  auto five = ParseScenario("internal_disks = [\"swap\", \"swap\", \"swap\", \"swap\", \"esp\"]\n" + std::string(kStep), "/s/v.toml");
  ASSERT_EQ(five.errors.size(), 1u);
  EXPECT_NE(five.errors[0].find("'internal_disks' must list 1 to 4 hazards"), std::string::npos) << five.errors[0];
  auto fixed = ParseScenario("stick_removable = false\n" + std::string(kStep), "/s/f.toml");
  ASSERT_TRUE(fixed.errors.empty()) << fixed.errors[0];
  EXPECT_FALSE(fixed.scenario.stick_removable);
  EXPECT_TRUE(ParseScenario(kStep, "/s/g.toml").scenario.stick_removable);
  EXPECT_EQ(ParseScenario("stick_removable = \"no\"\n" + std::string(kStep), "/s/h.toml").errors,
            std::vector<std::string>{"/s/h.toml:1:19: 'stick_removable' must be true or false"});
  EXPECT_EQ(ParseScenario("decoy_stick = true\n" + std::string(kStep), "/s/i.toml").scenario.decoy_stick, "after");
  EXPECT_EQ(ParseScenario("decoy_stick = \"before\"\n" + std::string(kStep), "/s/i.toml").scenario.decoy_stick, "before");
  EXPECT_EQ(ParseScenario(kStep, "/s/j.toml").scenario.decoy_stick, "");
  for (const char* bad : {"decoy_stick = 1\n", "decoy_stick = \"first\"\n"})
    EXPECT_EQ(ParseScenario(bad + std::string(kStep), "/s/k.toml").errors.size(), 1u) << bad;
  EXPECT_EQ(ParseScenario("decoy_stick = 1\n" + std::string(kStep), "/s/k.toml").errors,
            std::vector<std::string>{"/s/k.toml:1:15: 'decoy_stick' must be true, false, \"after\" or \"before\" (the medium)"});
  auto unknown = ParseScenario("internal_disks = [\"haunted\"]\n" + std::string(kStep), "/s/w.toml");
  ASSERT_EQ(unknown.errors.size(), 1u);
  auto bad = ParseScenario("internal_disk = \"haunted\"\n[[step]]\ncheck = \"no-disk-writes\"\n", "/s/b.toml");
  EXPECT_EQ(bad.errors, std::vector<std::string>{"/s/b.toml:1:17: 'internal_disk' must be true, false or a hazard "
                                                 "(realistic, ext4-dirty-journal, fat-dirty, swap, swap-hibernated, "
                                                 "luks, esp, persistence-decoys, ntfs-hibernated, xfs-dirty-log, "
                                                 "btrfs-log-tree, mdraid-member, lvm-pv)"});
}

// `run` steps: the command with its expectations; the options go only with
// `run`, and a bad pattern is an error at its line.
TEST(ScenarioTest, RunStepsWithTheirExpectations) {
  auto r = ParseScenario(
      "[[step]]\nrun = \"cat /etc/os-release\"\nexpect_output = \"^ID=debian$\"\n"
      "[[step]]\nrun = \"exit 3\"\nexpect_exit = 3\ntimeout = 5\n",
      "/s/r.toml");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  ASSERT_EQ(r.scenario.steps.size(), 2u);
  const auto& first = r.scenario.steps[0];
  EXPECT_EQ(first.kind, ScenarioStep::Kind::kRun);
  EXPECT_EQ(first.arg, "cat /etc/os-release");
  EXPECT_EQ(first.expect_output, "^ID=debian$");
  EXPECT_EQ(first.expect_exit, 0);
  EXPECT_EQ(first.seconds, 60);
  EXPECT_EQ(r.scenario.steps[1].expect_exit, 3);
  EXPECT_EQ(r.scenario.steps[1].seconds, 5);
  EXPECT_EQ(StepLabel(first), "run: cat /etc/os-release");
  auto errors = [](const std::string& text) { return ParseScenario(text, "/s/e.toml").errors; };
  EXPECT_EQ(errors("[[step]]\ncheck = \"canary\"\nexpect_exit = 1\n"),
            std::vector<std::string>{"/s/e.toml:3:15: 'expect_exit' goes with 'run'"});
  EXPECT_EQ(errors("[[step]]\nrun = \"x\"\nexpect_output = \"[\"\n").size(), 1u);
  EXPECT_NE(errors("[[step]]\nrun = \"x\"\nexpect_output = \"[\"\n")[0].find("/s/e.toml:3:17: 'expect_output' /[/ is not"),
            std::string::npos);
  EXPECT_EQ(errors("[[step]]\nrun = \"x\"\nexpect_exit = 300\n"),
            std::vector<std::string>{"/s/e.toml:3:15: 'expect_exit' must be an exit status (0 to 255)"});
  EXPECT_EQ(errors("[[step]]\nrun = \"\"\n"), std::vector<std::string>{"/s/e.toml:2:7: 'run' must be a command (a string)"});
  EXPECT_EQ(errors("[[step]]\nrun = \"x\"\ncheck = \"canary\"\n").size(), 1u) << "one action per step";
}

// `wait_console` steps: a pattern and a timeout (60 s unless given); the
// run step's other options do not go with it.
TEST(ScenarioTest, WaitConsoleSteps) {
  auto r = ParseScenario("[[step]]\nwait_console = 'login: ?$'\n[[step]]\nwait_console = 'Reached target'\ntimeout = 5\n",
                         "/s/c.toml");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  ASSERT_EQ(r.scenario.steps.size(), 2u);
  EXPECT_EQ(r.scenario.steps[0].kind, ScenarioStep::Kind::kWaitConsole);
  EXPECT_EQ(r.scenario.steps[0].arg, "login: ?$");
  EXPECT_EQ(r.scenario.steps[0].seconds, 60);
  EXPECT_EQ(r.scenario.steps[1].seconds, 5);
  EXPECT_EQ(StepLabel(r.scenario.steps[0]), "console: login: ?$");
  auto errors = [](const std::string& text) { return ParseScenario(text, "/s/e.toml").errors; };
  EXPECT_EQ(errors("[[step]]\nwait_console = 'x'\nexpect_exit = 1\n"),
            std::vector<std::string>{"/s/e.toml:3:15: 'expect_exit' goes with 'run'"});
  EXPECT_EQ(errors("[[step]]\nwait_console = '(a'\n").size(), 1u);
  EXPECT_EQ(errors("[[step]]\nwait_console = '(x{500}){500}'\n"),
            std::vector<std::string>{"/s/e.toml:2:16: 'wait_console' /(x{500}){500}/ is not a regular expression "
                                     "(longer than 256 characters or repeats too many times)"});
  EXPECT_EQ(errors("[[step]]\nwait_console = 3\n"),
            std::vector<std::string>{"/s/e.toml:2:16: 'wait_console' must be a regular expression (a string)"});
  EXPECT_EQ(errors("[[step]]\ncheck = 'canary'\ntimeout = 3\n"),
            std::vector<std::string>{"/s/e.toml:3:11: 'timeout' goes with 'run' or 'wait_console'"});
}

TEST(ScenarioTest, MissingStepsAndMalformedToml) {
  EXPECT_EQ(ParseScenario("description = \"x\"\n", "/s/a.toml").errors,
            std::vector<std::string>{"/s/a.toml: no [[step]] tables"});
  auto r = ParseScenario("[[step]\n", "/s/b.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].starts_with("/s/b.toml:1:")) << r.errors[0];
}

TEST(ScenarioTest, ShippedScenariosAndFixturesParse) {
  auto scenarios = LoadScenarios({fs::path(LIVECHECK_SOURCE_DIR) / "scenarios"});
  std::set<std::string> checks;
  for (const auto& s : scenarios)
    for (const auto& c : ScenarioChecks(s)) checks.insert(c);
  EXPECT_EQ(checks.size(), 7u) << "the default set exercises every check but union-root and ram-residue";
  EXPECT_FALSE(LoadScenarios({fs::path(LIVECHECK_SOURCE_DIR) / "fixtures/scenarios"}).empty());
}

TEST(ScenarioTest, MissingPathIsAnError) {
  EXPECT_ERROR_CONTAINS(LoadScenarios({"/no/such/scenarios"}), "/no/such/scenarios: no such scenario file or directory");
}

}  // namespace
}  // namespace livecheck
