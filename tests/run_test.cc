// `livecheck run` end to end under QEMU (TCG): every check passes on the
// good fixture and fails on its negative control; a hung guest is reaped;
// a SIGTERM mid-run leaves no QEMU and no runtime directory behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "machine/qemu_process.h"
#include "tests/process_scan.h"

namespace livecheck {
namespace {

const std::string kSource = LIVECHECK_SOURCE_DIR;

// One fixture image build shared by the suite (fixtures/variants.toml).
class RunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new TempDir(fs::temp_directory_path(), "livecheck-run-"); }
  static void TearDownTestSuite() { delete dir_; }

  static std::vector<std::string> RunArgv(const std::vector<std::string>& scenarios, const std::string& report) {
    std::vector<std::string> argv = {LIVECHECK_BINARY, "run"};
    for (const auto& s : scenarios) argv.push_back(kSource + "/" + s);
    for (const char* a : {"--config", LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--accel", "tcg", "-j", "2"})
      argv.push_back(a);
    argv.insert(argv.end(), {"--images", testing::ImagesDir(dir_->path() / "images", "fixtures").string(), "--report-dir",
                             (dir_->path() / report).string()});
    return argv;
  }

  static nlohmann::json Report(const std::string& report) {
    return nlohmann::json::parse(ReadFile(dir_->path() / report / "report.json"));
  }

  // status of each check of one variant's result in a report
  static std::map<std::string, std::string> Checks(const nlohmann::json& report, const std::string& variant) {
    std::map<std::string, std::string> out;
    for (const auto& r : report["results"])
      if (r["variant"] == variant)
        for (const auto& c : r["checks"]) out[c["name"]] = c["status"];
    return out;
  }

  // `livecheck verify` on a bundle of a real run: every file, and every check
  // verdict decided again from its evidence by the check's own function.
  static void ExpectBundleVerifies(const fs::path& bundle) {
    auto v = RunProcess({.argv = {LIVECHECK_BINARY, "verify", bundle.string()}});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find(" check verdicts decided again from their evidence"), std::string::npos) << v.out;
    EXPECT_EQ(v.out.find("not decided again"), std::string::npos) << v.out;
  }

  static TempDir* dir_;
};
TempDir* RunTest::dir_ = nullptr;

// --retry-errors never reruns a FAIL: each control ran once.
TEST_F(RunTest, EachNegativeControlFailsExactlyItsCheck) {
  auto argv = RunArgv({"fixtures/scenarios/controls.toml"}, "controls");
  auto bundle = dir_->path() / "controls-evidence.tar";
  argv.insert(argv.end(), {"--retry-errors", "2", "--evidence", bundle.string()});
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(15)});
  ExpectBundleVerifies(bundle);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = Report("controls");
  std::map<std::string, std::string> all_pass = {{"lower-readonly", "PASS"}, {"upper-tmpfs", "PASS"},
                                                 {"boot-timing", "PASS"},    {"internal-disk-untouched", "PASS"},
                                                 {"no-disk-writes", "PASS"}};
  EXPECT_EQ(Checks(report, "good"), all_pass) << r.out;

  auto expect = [&](const std::string& variant, std::map<std::string, std::string> failing) {
    auto expected = all_pass;
    for (const auto& [check, status] : failing) expected[check] = status;
    EXPECT_EQ(Checks(report, variant), expected) << variant << "\n" << r.out;
  };
  expect("bad-writes-stick", {{"no-disk-writes", "FAIL"}});
  // Writing the internal disk is also a disk write: both checks see it.
  expect("bad-mounts-internal", {{"internal-disk-untouched", "FAIL"}, {"no-disk-writes", "FAIL"}});
  expect("bad-swaps-internal", {{"internal-disk-untouched", "FAIL"}});
  expect("bad-writable-lower", {{"lower-readonly", "FAIL"}});
  expect("bad-upper-on-block", {{"upper-tmpfs", "FAIL"}});
  expect("bad-slow-boot", {{"boot-timing", "FAIL"}});

  // The budget is relative ("Nx" in controls.toml): it became seconds by this
  // host's reference, which every report carries.
  double reference = report["host_reference"]["guest_seconds"].get<double>();
  EXPECT_GT(reference, 0) << report["host_reference"].dump();
  EXPECT_GE(report["timeout_scale"].get<double>(), 1.0);
  for (const auto& result : report["results"])
    for (const auto& c : result["checks"])
      if (c["name"] == "boot-timing") {
        const auto& budget = c["evidence"]["budget"];
        EXPECT_NEAR(budget["seconds"].get<double>(), reference * 6, 1e-6) << c.dump();
        EXPECT_NE(budget["basis"].get<std::string>().find("6x the host reference"), std::string::npos) << c.dump();
        EXPECT_GT(c["evidence"]["measured_seconds"].get<double>(), 0) << c.dump();
      }

  for (const auto& result : report["results"]) {
    EXPECT_EQ(result["attempts"].size(), 1u) << result["variant"] << " ran more than once";
    EXPECT_EQ(result["flaky"], false);
  }
  EXPECT_EQ(r.out.find("attempt 2"), std::string::npos) << r.out;

  // The evidence names what happened.
  for (const auto& result : report["results"]) {
    for (const auto& c : result["checks"]) {
      if (result["variant"] == "bad-writes-stick" && c["name"] == "no-disk-writes") {
        EXPECT_GT(c["evidence"]["disks"][0]["wr_operations"].get<int>(), 0) << c.dump();
        EXPECT_FALSE(c["evidence"]["disks"][0]["write_map"].empty()) << "where the stick was written";
        EXPECT_EQ(c["evidence"]["disks"][0]["sha256_before"], c["evidence"]["disks"][0]["sha256_after"])
            << "the user's image is untouched";
        // libguestfs read the stick before and after: what leaked, by name.
        EXPECT_NE(c["summary"].get<std::string>().find("stick: 1 created (/leak.txt, 7 B)"), std::string::npos)
            << c["summary"];
      }
      if (result["variant"] == "bad-swaps-internal" && c["name"] == "internal-disk-untouched") {
        EXPECT_NE(c["summary"].get<std::string>().find("2 was used as swap"), std::string::npos) << c["summary"];
      }
      if (result["variant"] == "bad-writable-lower" && c["name"] == "lower-readonly") {
        EXPECT_EQ(c["summary"], "the lower layer /run/live/lower is tmpfs on /run/live/lower, not squashfs");
      }
      if (result["variant"] == "bad-upper-on-block" && c["name"] == "upper-tmpfs") {
        EXPECT_NE(c["summary"].get<std::string>().find("is ext4 on /run/live/upper from /dev/loop"), std::string::npos)
            << c["summary"];
      }
    }
  }
  // The other report formats are there and carry the same failures.
  auto junit = ReadFile(dir_->path() / "controls/junit.xml");
  EXPECT_NE(junit.find("<failure message=\"the lower layer /run/live/lower is tmpfs on /run/live/lower, not squashfs\">"),
            std::string::npos);
  auto lint = RunProcess({.argv = {"xmllint", "--noout", "--schema", kSource + "/reports/testdata/junit.xsd",
                                   (dir_->path() / "controls/junit.xml").string()}});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(ReadFile(dir_->path() / "controls/report.html").find("id=\"phase-chart\""), std::string::npos);
}

// The hostile machine's disks. ext4-dirty-journal: livecheck's own init
// leaves it alone; an init that probe-mounts it read-only (as live-boot
// does) makes the kernel replay the journal, which no-disk-writes sees with
// the changed file and a write map naming the superblock and the journal;
// the same probe on the clean disk writes nothing, yet the mount trace
// saw it and internal-disk-untouched FAILs. persistence-decoys: an
// init that mounts the partition labelled `persistence` read-write fails
// both disk checks, livecheck's own init passes them. A decoy stick:
// own-medium PASSes on livecheck's own init and FAILs on the control that
// takes the decoy. (The appliance-made
// hazards' boots, fixtures/scenarios/hazards-logs.toml and
// hazards-kernel-made.toml, are out of CI: in a fresh-clone CI run the
// appliance never showed /dev/sda1 while livecheck run made them.)
TEST_F(RunTest, HostileMachineDisksAreTracedAndMapped) {
  auto r = RunProcess({.argv = RunArgv({"fixtures/scenarios/hazards.toml", "fixtures/scenarios/hazards-clean.toml",
                                        "fixtures/scenarios/hazards-persistence.toml", "fixtures/scenarios/fixed-stick.toml",
                                        "fixtures/scenarios/decoy.toml"},
                                       "hazards"),
                       .timeout = std::chrono::minutes(15)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = Report("hazards");
  std::map<std::string, std::map<std::string, nlohmann::json>> by_run;  // scenario -> variant -> result
  for (const auto& result : report["results"]) by_run[result["scenario"]][result["variant"]] = result;
  auto check = [&](const std::string& scenario, const std::string& variant, const std::string& name) {
    for (const auto& c : by_run[scenario][variant]["checks"])
      if (c["name"] == name) return c;
    return nlohmann::json{{"status", "none"}, {"summary", ""}};
  };
  auto status = [&](const std::string& scenario, const std::string& variant, const std::string& name) {
    return check(scenario, variant, name)["status"].get<std::string>();
  };
  EXPECT_EQ(status("hazards", "good", "no-disk-writes"), "PASS") << r.out;
  EXPECT_EQ(status("hazards", "good", "internal-disk-untouched"), "PASS") << r.out;
  EXPECT_EQ(status("hazards", "bad-probe-mounts-internal", "no-disk-writes"), "FAIL") << r.out;
  EXPECT_EQ(status("hazards", "bad-probe-mounts-internal", "internal-disk-untouched"), "FAIL") << r.out;
  EXPECT_EQ(status("hazards-clean", "bad-probe-mounts-internal", "no-disk-writes"), "PASS") << r.out;
  // The undone probe mount, seen only by the mount trace, with its time.
  auto probe = check("hazards-clean", "bad-probe-mounts-internal", "internal-disk-untouched");
  EXPECT_EQ(probe["status"], "FAIL") << r.out;
  EXPECT_NE(probe["summary"].get<std::string>().find("was mounted (ext4) at "), std::string::npos) << probe.dump();
  const auto& realistic = probe["evidence"]["per_disk"][0];  // four disks: one evidence each
  EXPECT_EQ(realistic["mounts"].dump().find(realistic["guest_name"].get<std::string>() + "1"),
            std::string::npos)
      << "the mount was undone before the checks";
  EXPECT_FALSE(by_run["hazards-clean"]["bad-probe-mounts-internal"]["mount_trace"].empty());
  // The replay on the dirty journal is in the trace too.
  auto replayed = check("hazards", "bad-probe-mounts-internal", "internal-disk-untouched");
  EXPECT_NE(replayed["evidence"]["trace"].dump().find("journal-replay"), std::string::npos) << replayed.dump();
  EXPECT_EQ(status("hazards-persistence", "good", "no-disk-writes"), "PASS") << r.out;
  EXPECT_EQ(status("hazards-persistence", "good", "internal-disk-untouched"), "PASS") << r.out;
  EXPECT_EQ(status("hazards-persistence", "bad-mounts-persistence", "no-disk-writes"), "FAIL") << r.out;
  EXPECT_EQ(status("hazards-persistence", "bad-mounts-persistence", "internal-disk-untouched"), "FAIL") << r.out;

  auto replay = check("hazards", "bad-probe-mounts-internal", "no-disk-writes");
  auto summary = replay["summary"].get<std::string>();
  EXPECT_NE(summary.find("/known-file.txt"), std::string::npos) << summary;
  EXPECT_NE(summary.find("changed: "), std::string::npos) << summary;
  std::set<std::string> where;
  for (const auto& d : replay["evidence"]["disks"])
    if (d["drive"] == "internal") {
      EXPECT_FALSE(d["write_map"].empty());
      EXPECT_EQ(d["sha256_before"], d["sha256_after"]) << "the hazard disk itself is never written";
      for (const auto& w : d["written"]) where.insert(w["where"].get<std::string>());
    }
  EXPECT_TRUE(where.count("p1 ext4 'INTERNAL': superblock")) << nlohmann::json(where).dump();
  EXPECT_TRUE(where.count("p1 ext4 'INTERNAL': journal superblock")) << nlohmann::json(where).dump();

  // The hazard report: how far each run went with each disk.
  auto touched = [&](const std::string& scenario, const std::string& variant, size_t disk) {
    const auto& hazards = by_run[scenario][variant]["hazards"];
    return hazards.size() > disk ? hazards[disk]["touched"].get<std::string>() : "none";
  };
  EXPECT_EQ(touched("hazards", "bad-probe-mounts-internal", 0), "written");
  EXPECT_EQ(by_run["hazards"]["bad-probe-mounts-internal"]["hazards"][0]["hazard"], "ext4-dirty-journal");
  EXPECT_EQ(touched("hazards-clean", "bad-probe-mounts-internal", 0), "mounted");
  EXPECT_NE(touched("hazards", "good", 0), "mounted");
  EXPECT_NE(touched("hazards", "good", 0), "written");
  EXPECT_EQ(touched("hazards-persistence", "bad-mounts-persistence", 0), "written");
  EXPECT_NE(touched("hazards-persistence", "bad-mounts-persistence", 1), "written") << "the realistic disk beside it";
  EXPECT_NE(ReadFile(dir_->path() / "hazards/report.html").find("class=\"hazards\""), std::string::npos);
  // Stick fidelity: the guest saw the stick as removable, or as fixed media
  // when the scenario says so (sd* disks: the stick and the AHCI disks).
  auto removable_disks = [&](const std::string& scenario, const std::string& variant) {
    int n = 0;
    for (const auto& d : by_run[scenario][variant]["guest_block_devices"]) n += d["removable"].get<bool>();
    return n;
  };
  EXPECT_EQ(check("fixed-stick", "good", "no-disk-writes")["status"], "PASS") << r.out;
  EXPECT_FALSE(by_run["fixed-stick"]["good"]["guest_block_devices"].empty());
  EXPECT_EQ(removable_disks("fixed-stick", "good"), 0) << by_run["fixed-stick"]["good"]["guest_block_devices"].dump();
  EXPECT_EQ(removable_disks("hazards-persistence", "good"), 1)
      << by_run["hazards-persistence"]["good"]["guest_block_devices"].dump();
  // Two internal disks, both seen by the guest under their own names.
  auto two = check("hazards-persistence", "good", "internal-disk-untouched")["summary"].get<std::string>();
  EXPECT_EQ(two.rfind("2 internal disks (sd", 0), 0u) << two;
  EXPECT_EQ(two.find("not seen"), std::string::npos) << two;
  auto mounted = check("hazards-persistence", "bad-mounts-persistence", "internal-disk-untouched");
  EXPECT_EQ(mounted["summary"].get<std::string>().rfind("internal: /dev/", 0), 0u) << mounted.dump();
  auto persistence = check("hazards-persistence", "bad-mounts-persistence", "no-disk-writes")["summary"].get<std::string>();
  EXPECT_NE(persistence.find("p1 [persistence] ext4 'persistence'"), std::string::npos) << persistence;
  EXPECT_EQ(persistence.find("casper-rw"), std::string::npos) << "only the mounted decoy was written: " << persistence;
  EXPECT_EQ(persistence.find("internal2"), std::string::npos) << "the second disk was not written: " << persistence;
  EXPECT_NE(ReadFile(dir_->path() / "hazards/report.html").find("class=\"write-map\""), std::string::npos);

  // Beside the probed realistic disk: a dirty FAT, a hibernated swap and
  // LUKS; the read-only probe mounts what it can and writes nothing. (The
  // kernel logs ext4 mounts; a clean read-only FAT mount, as on the LUKS
  // disk's third partition, logs nothing and is not in the trace.)
  for (size_t disk : {1, 2}) EXPECT_EQ(touched("hazards-clean", "bad-probe-mounts-internal", disk), "mounted") << disk;
  EXPECT_NE(touched("hazards-clean", "bad-probe-mounts-internal", 3), "written");
  EXPECT_EQ(status("fixed-stick", "good", "internal-disk-untouched"), "PASS") << r.out;

  // The decoy stick: livecheck's own init finds its medium by identity, the
  // control takes the decoy; the decoy is never written.
  EXPECT_EQ(status("decoy", "good", "own-medium"), "PASS") << check("decoy", "good", "own-medium").dump();
  EXPECT_EQ(status("decoy", "good", "union-root"), "PASS") << r.out;
  auto hijacked = check("decoy", "bad-takes-decoy", "own-medium");
  EXPECT_EQ(hijacked["status"], "FAIL") << hijacked.dump();
  EXPECT_NE(hijacked["summary"].get<std::string>().find("read its root from the decoy stick"), std::string::npos)
      << hijacked["summary"];
  EXPECT_EQ(status("decoy", "bad-takes-decoy", "no-disk-writes"), "PASS") << r.out;
  EXPECT_EQ(status("fixed-stick", "good", "own-medium"), "none") << "not asked for";
}

// `run` steps: each command's verdict is its own check, named after it, with
// its output in the evidence; a wrong pattern and a timeout FAIL.
// `wait_console` steps: a line printed before the step and one printed by a
// command both PASS with the line in the evidence; one never printed FAILs
// at its timeout, and the run goes on.
TEST_F(RunTest, RunStepsJudgeCommandsInTheBootedSystem) {
  auto r = RunProcess({.argv = RunArgv({"fixtures/scenarios/run-steps.toml"}, "run-steps"),
                       .timeout = std::chrono::minutes(6)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = Report("run-steps");
  ASSERT_EQ(report["results"].size(), 1u) << r.out << r.err;
  std::map<std::string, nlohmann::json> checks;
  for (const auto& c : report["results"][0]["checks"]) checks[c["name"].get<std::string>()] = c;
  ASSERT_EQ(checks.size(), 8u) << report["results"][0].dump(1);
  EXPECT_EQ(checks["run: uname -r"]["status"], "PASS") << checks["run: uname -r"].dump();
  EXPECT_NE(checks["run: uname -r"]["evidence"]["answer"]["output"].get<std::string>().find("-amd64"), std::string::npos);
  EXPECT_EQ(checks["run: echo to stderr >&2; exit 3"]["status"], "PASS");
  EXPECT_EQ(checks["run: echo hello"]["status"], "FAIL");
  EXPECT_EQ(checks["run: echo hello"]["summary"],
            "exit status 0, but no line of its output matches /^bye$/; last output: hello");
  EXPECT_EQ(checks["run: sleep 60; echo late"]["status"], "FAIL");
  EXPECT_EQ(checks["run: sleep 60; echo late"]["summary"], "did not finish within 2 s (killed); last output: ");
  auto earlier = checks["console: ^@@livecheck phase=root-ready"];
  EXPECT_EQ(earlier["status"], "PASS") << earlier.dump();
  EXPECT_EQ(earlier["evidence"]["line"].get<std::string>().rfind("@@livecheck phase=root-ready t=", 0), 0u) << earlier.dump();
  EXPECT_EQ(checks["run: echo 'kiosk: service ready' > /dev/console"]["status"], "PASS");
  // The console shell's prompt was waiting on that line: the pattern cannot anchor at ^.
  auto printed = checks["console: kiosk: service ready$"];
  EXPECT_EQ(printed["status"], "PASS") << printed.dump();
  EXPECT_EQ(printed["evidence"]["line"], "livecheck# kiosk: service ready");
  auto never = checks["console: ^this line is never printed$"];
  EXPECT_EQ(never["status"], "FAIL") << never.dump();
  EXPECT_EQ(never["summary"].get<std::string>().rfind("no console line matched /^this line is never printed$/ within ", 0), 0u)
      << never.dump();
  EXPECT_EQ(never["evidence"]["seen"], false);
  EXPECT_EQ(never["evidence"]["last_line"], "livecheck# kiosk: service ready") << "the console's last line";
  auto junit = ReadFile(dir_->path() / "run-steps/junit.xml");
  EXPECT_NE(junit.find("name=\"run: echo hello"), std::string::npos) << junit;
  EXPECT_NE(junit.find("name=\"console: ^this line is never printed$"), std::string::npos) << junit;
}

// Run with QEMU's `max` CPU instead of the default TCG model (--cpu): the
// verdicts do not depend on it, and the report says which one ran. The
// run's signed evidence bundle verifies with the signer's key only, and
// verify names a changed console log.
TEST_F(RunTest, RamCopySurvivesUnplugOnlyWithARealRamCopy) {
  auto keys = dir_->path() / "keys";
  fs::create_directories(keys);
  RunChecked({.argv = {"openssl", "genpkey", "-algorithm", "ed25519", "-out", (keys / "signer.pem").string()}});
  RunChecked({.argv = {"openssl", "pkey", "-in", (keys / "signer.pem").string(), "-pubout", "-out",
                       (keys / "signer.pub").string()}});
  RunChecked({.argv = {"openssl", "genpkey", "-algorithm", "ed25519", "-out", (keys / "other.pem").string()}});
  auto evidence = dir_->path() / "ram-copy-evidence";
  auto argv = RunArgv({"fixtures/scenarios/ram-copy.toml"}, "ram-copy");
  argv.insert(argv.end(), {"--cpu", "max", "--evidence", evidence.string(), "--sign-key", (keys / "signer.pem").string()});
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(10)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = Report("ram-copy");
  EXPECT_EQ(report["cpu"], "max");

  auto verify = [&](const fs::path& key) {
    std::vector<std::string> v = {LIVECHECK_BINARY, "verify", evidence.string()};
    if (!key.empty()) v.insert(v.end(), {"--key", key.string()});
    return RunProcess({.argv = v});
  };
  auto ok = verify(keys / "signer.pub");
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("ok   3 verdicts follow from their checks"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("not decided again"), std::string::npos) << "ram-copy decided on the variant's file list\n"
                                                                 << ok.out;
  EXPECT_TRUE(fs::exists(evidence / "variants/good-toram/manifest.json"));
  // The exact QEMU command of each run, and its counters after each step.
  for (const auto& result : report["results"]) {
    auto argv_file = result["machine_definition"].get<std::string>();
    ASSERT_TRUE(argv_file.ends_with(".qemu-argv.json")) << argv_file;
    auto argv = nlohmann::json::parse(ReadFile(evidence / "report" / argv_file));
    EXPECT_NE(argv[0].get<std::string>().find("qemu-system-x86_64"), std::string::npos) << argv.dump();
    std::set<std::string> after;
    for (const auto& sample : result["block_counters"]) after.insert(sample["after"].get<std::string>());
    EXPECT_TRUE(after.count("start") && after.count("stop")) << result["block_counters"].dump();
  }
  EXPECT_NE(ReadFile(evidence / "inputs.json").find("\"qemu\""), std::string::npos);
  EXPECT_NE(ReadFile(evidence / "host.json").find("\"cpu\": \"max\""), std::string::npos);
  EXPECT_EQ(verify(keys / "other.pem").exit_code, 1);
  fs::path log;
  for (const auto& e : fs::directory_iterator(evidence / "report/logs")) log = e.path();
  ASSERT_FALSE(log.empty());
  auto text = ReadFile(log);
  text[text.size() / 2] ^= 1;
  WriteFileAtomic(log, text);
  auto tampered = verify(keys / "signer.pub");
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find("FAIL report/logs/" + log.filename().string() + ": changed"), std::string::npos)
      << tampered.out;
  EXPECT_EQ(Checks(report, "good-toram")["ram-copy"], "PASS") << r.out;
  EXPECT_EQ(Checks(report, "good")["ram-copy"], "FAIL") << r.out;           // the control
  EXPECT_EQ(Checks(report, "bad-fake-toram")["ram-copy"], "FAIL") << r.out;  // the negative control
  for (const auto& result : report["results"])
    for (const auto& c : result["checks"])
      if (result["variant"] == "bad-fake-toram") {
        EXPECT_NE(c["summary"].get<std::string>().find("medium is still mounted"), std::string::npos) << c["summary"];
      }
}

// The same verdicts as the negative controls give on an idle host, here
// with the host's speed being whatever ci/slowed.sh makes it: the budget is
// relative to the reference measured under the same load.
TEST_F(RunTest, BootTimingTellsTheSlowBootFromTheGoodOneUnderLoad) {
  auto r = RunProcess({.argv = RunArgv({"fixtures/scenarios/timing.toml"}, "timing"),
                       .timeout = std::chrono::minutes(10)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = Report("timing");
  EXPECT_EQ(Checks(report, "good"), (std::map<std::string, std::string>{{"boot-timing", "PASS"}})) << r.out;
  EXPECT_EQ(Checks(report, "bad-slow-boot"), (std::map<std::string, std::string>{{"boot-timing", "FAIL"}})) << r.out;
}

// Both are the image's ERRORs: --retry-errors does not run them again.
TEST_F(RunTest, HungAndPanickedGuestsAreErrorsWithConsoleTail) {
  auto argv = RunArgv({"fixtures/scenarios/hang.toml"}, "hang");
  argv.insert(argv.end(), {"--retry-errors", "2"});
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(5)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::map<std::string, nlohmann::json> by_variant;
  auto report = Report("hang");
  for (const auto& result : report["results"]) by_variant[result["variant"].get<std::string>()] = result;
  auto hung = by_variant["bad-hangs"];
  EXPECT_EQ(hung["status"], "ERROR");
  EXPECT_NE(hung["error"].get<std::string>().find("timed out waiting for phase 'agent-started'"), std::string::npos)
      << hung["error"];
  EXPECT_NE(hung["console_tail"].get<std::string>().find("@@livecheck phase=medium-mounted"), std::string::npos);
  // The panic is reported as such, at once.
  auto panicked = by_variant["bad-panics"];
  EXPECT_EQ(panicked["status"], "ERROR");
  EXPECT_NE(panicked["error"].get<std::string>().find("the guest kernel panicked before phase 'agent-started': "
                                                       "Kernel panic - not syncing"),
            std::string::npos)
      << panicked["error"];
  EXPECT_NE(panicked["console_tail"].get<std::string>().find("sysrq"), std::string::npos);
  // Bounds from the run itself, not from this machine's speed: the panic is
  // reported before the timeout the run applied, the hang only after it.
  double timeout = panicked["timeout_seconds"].get<double>();
  EXPECT_GE(timeout, 15.0) << "hang.toml's 15 s, scaled by the host reference";
  EXPECT_LT(panicked["wall_seconds"].get<double>(), timeout);
  EXPECT_GE(hung["wall_seconds"].get<double>(), hung["timeout_seconds"].get<double>());
  for (const auto& result : {hung, panicked}) {
    EXPECT_EQ(result["error_cause"], "image") << result["error"];
    // Never reached, still decided: what the failed boot did to the disks
    // (lower-readonly, a guest check, is not).
    ASSERT_EQ(result["checks"].size(), 1u) << result["checks"].dump(1);
    EXPECT_EQ(result["checks"][0]["name"], "no-disk-writes");
    EXPECT_EQ(result["checks"][0]["status"], "PASS") << result["checks"][0].dump();
    EXPECT_EQ(result["attempts"].size(), 1u) << result["attempts"].dump();
    EXPECT_EQ(result["flaky"], false);
  }
}

// canary and ram-residue: the good image keeps the canary off every disk
// but leaves the unmounted tmpfs's secret in RAM (it promises no wiping: an
// honest FAIL with the count); with init_on_free=1 none is left; an upper
// layer on the internal disk puts the canary there, at a named offset.
TEST_F(RunTest, NoTraceChecksFindTheCanaryAndCountRamResidue) {
  auto argv = RunArgv({"fixtures/scenarios/no-trace.toml"}, "no-trace");
  argv.insert(argv.end(), {"--evidence", (dir_->path() / "no-trace-evidence").string()});
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(10)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ExpectBundleVerifies(dir_->path() / "no-trace-evidence");
  auto report = Report("no-trace");
  std::map<std::string, std::string> clean = {{"canary", "PASS"}, {"ram-residue", "PASS"},
                                              {"internal-disk-untouched", "PASS"}, {"no-disk-writes", "PASS"}};
  EXPECT_EQ(Checks(report, "good-wipes-memory"), clean) << r.out;
  auto good = clean;
  good["ram-residue"] = "FAIL";
  EXPECT_EQ(Checks(report, "good"), good) << r.out;
  auto leaky = Checks(report, "bad-upper-on-internal");
  EXPECT_EQ(leaky["canary"], "FAIL") << r.out;
  EXPECT_EQ(leaky["internal-disk-untouched"], "FAIL") << r.out;
  for (const auto& result : report["results"])
    for (const auto& c : result["checks"]) {
      if (c["name"] == "ram-residue" && result["variant"] == "good") {
        EXPECT_GT(c["evidence"]["count"].get<int>(), 0);
        EXPECT_GT(c["evidence"]["dump_bytes"].get<int64_t>(), 512 << 20) << "the whole guest RAM was dumped";
      }
      if (c["name"] == "canary" && result["variant"] == "bad-upper-on-internal") {
        const auto& first = c["evidence"]["findings"][0];
        EXPECT_EQ(first["drive"], "internal") << c.dump();
        EXPECT_TRUE(first["guest_offset"].is_number()) << c.dump();
      }
    }
}

TEST_F(RunTest, BadScenarioIsBadInput) {
  auto bad = dir_->path() / "bad.toml";
  WriteFileAtomic(bad, "[[step]]\ncheck = \"lower-writable\"\n");
  auto argv = RunArgv({}, "bad");
  argv.insert(argv.begin() + 2, bad.string());
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(2)});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad.string() + ":2:9: unknown check 'lower-writable'"), std::string::npos) << r.err;
  auto shard = RunArgv({"fixtures/scenarios/hang.toml"}, "shard");
  shard.insert(shard.end(), {"--shard", "3/2"});
  EXPECT_EQ(RunProcess({.argv = shard}).exit_code, 2);
  // A CPU model this QEMU does not know is refused before anything boots.
  auto cpu = RunArgv({"fixtures/scenarios/hang.toml"}, "cpu");
  cpu.insert(cpu.end(), {"--cpu", "Pentium-9000,+avx2"});
  auto bad_cpu = RunProcess({.argv = cpu});
  EXPECT_EQ(bad_cpu.exit_code, 2);
  EXPECT_EQ(bad_cpu.err,
            "livecheck: --cpu 'Pentium-9000,+avx2': this QEMU has no CPU model 'Pentium-9000' "
            "(see qemu-system-x86_64 -cpu help)\n");
  EXPECT_FALSE(fs::exists(dir_->path() / "cpu" / "report.json"));
}

TEST_F(RunTest, SigtermMidRunLeavesNoQemuAndWritesPartialReport) {
  auto runtime = dir_->path() / "runtime";
  fs::create_directories(runtime);
  auto argv = RunArgv({"fixtures/scenarios/controls.toml"}, "killed");
  argv.insert(argv.end(), {"--runtime-dir", runtime.string()});
  QemuProcess livecheck(argv, dir_->path() / "killed.log");  // any process: spawned and always reaped
  // Wait until both VMs are up.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (QemuProcessesMentioning(runtime.string()).size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(QemuProcessesMentioning(runtime.string()).size(), 2u) << ReadFile(dir_->path() / "killed.log");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(livecheck.pid(), SIGTERM);
  auto status = livecheck.WaitExit(std::chrono::seconds(20));
  ASSERT_TRUE(status) << "livecheck did not stop within 20 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 130) << ReadFile(dir_->path() / "killed.log");
  EXPECT_TRUE(QemuProcessesMentioning(runtime.string()).empty());
  EXPECT_TRUE(fs::is_empty(runtime)) << "runtime directories left behind";
  auto report = Report("killed");
  EXPECT_TRUE(report["interrupted"]);
  int not_run = 0;
  for (const auto& r : report["results"]) {
    EXPECT_NE(r["status"], "PASS") << "nothing passed within two seconds";
    not_run += r["error"].get<std::string>().find("interrupted") != std::string::npos;
  }
  EXPECT_EQ(not_run, static_cast<int>(report["results"].size()));
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

// The main job: the default scenarios on the default variants all pass.
TEST(DefaultSetTest, DefaultScenariosPassOnEveryDefaultVariant) {
  auto dir = testing::MakeTestDir();
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/scenarios", "--config",
                                LIVECHECK_SOURCE_DIR "/builder/variants.toml", "--images",
                                testing::ImagesDir(dir.path() / "images", "builder").string(), "--report-dir", (dir.path() / "report").string(),
                                "--accel", "tcg", "-j", "2"},
                       .timeout = std::chrono::minutes(20)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  EXPECT_EQ(report["summary"]["runs"], 16);
  EXPECT_EQ(report["summary"]["passed"], 16) << r.out;
  std::set<std::string> checks;
  for (const auto& result : report["results"])
    for (const auto& c : result["checks"]) checks.insert(c["name"]);
  EXPECT_EQ(checks.size(), 7u) << "every check ran but union-root and ram-residue";
  // The UEFI runs started from the seeded variable store, not the template.
  auto vars = report["ovmf_vars"].get<std::string>();
  EXPECT_TRUE(vars.rfind("made in ", 0) == 0 || vars.rfind("cached ", 0) == 0) << vars;
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

// The stick on UAS and EHCI, the internal disk on NVMe and virtio-blk.
TEST(BusesTest, ChecksHoldOnEveryUsbEmulationAndDiskBus) {
  auto dir = testing::MakeTestDir();
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/fixtures/scenarios/buses-uas-nvme.toml",
                                LIVECHECK_SOURCE_DIR "/fixtures/scenarios/buses-ehci-virtio.toml", "--config",
                                LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--images",
                                testing::ImagesDir(dir.path() / "images", "fixtures").string(), "--report-dir", (dir.path() / "report").string(),
                                "--accel", "tcg", "-j", "2", "--no-disk-diff"},  // verdicts, not the file diff
                       .timeout = std::chrono::minutes(10)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // bad-mounts-internal fails, as it must
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  ASSERT_EQ(report["results"].size(), 3u) << r.out;
  for (const auto& result : report["results"]) {
    std::map<std::string, std::string> checks;
    std::string internal_name;
    for (const auto& c : result["checks"]) {
      checks[c["name"]] = c["status"];
      if (c["name"] == "internal-disk-untouched") internal_name = c["evidence"].value("guest_name", "");
    }
    if (result["variant"] == "bad-mounts-internal") {
      EXPECT_EQ(checks["internal-disk-untouched"], "FAIL") << r.out;
      EXPECT_EQ(checks["lower-readonly"], "PASS") << r.out;
    } else {
      EXPECT_EQ(result["status"], "PASS") << result.dump(1);
      // The guest saw the internal disk: nvme0n1 or vda.
      EXPECT_TRUE(internal_name == "nvme0n1" || internal_name == "vda") << internal_name;
    }
  }
}

}  // namespace
}  // namespace livecheck
