#include "reports/evidence_bundle.h"

#include <algorithm>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"
#include "evidence/disk_checks.h"
#include "reports/bundle_signature.h"
#include "reports/json_report.h"

namespace livecheck {
namespace {

// A report directory as `run` leaves it, with one PASS and one FAIL, and a
// key pair made by OpenSSL's own tool.
class EvidenceBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunReport report{.started_at = "2026-12-03T10:00:00Z", .accel = "tcg"};
    RunResult good{.scenario = "guarantees", .variant = "good", .status = Status::kPass};
    DiskEvidence clean{.drive = "stick", .image = "stick.img", .hash_before = "h", .hash_after = "h"};
    good.checks.push_back(CheckNoDiskWrites({clean}));
    RunResult bad{.scenario = "guarantees", .variant = "bad-writes-stick", .status = Status::kFail};
    auto written = clean;
    written.wr_operations = 7;
    written.wr_bytes = 28672;
    bad.checks.push_back(CheckNoDiskWrites({written}));
    report.results = {good, bad};
    auto reports = dir_.path() / "report";
    fs::create_directories(reports / "logs");
    WriteFileAtomic(reports / "report.json", ReportToJson(report).dump(2));
    WriteFileAtomic(reports / "logs/guarantees--good--r1.console.log", "@@livecheck phase=root-ready t=2.1\n");
    WriteFileAtomic(dir_.path() / "guarantees.toml", "[[step]]\ncheck = \"no-disk-writes\"\n");
    WriteFileAtomic(dir_.path() / "stick.img", std::string(4096, 'x'));
    for (const char* name : {"signer", "other"}) {
      auto key = dir_.path() / (std::string(name) + ".pem");
      RunChecked({.argv = {"openssl", "genpkey", "-algorithm", "ed25519", "-out", key.string()}});
      RunChecked({.argv = {"openssl", "pkey", "-in", key.string(), "-pubout", "-out",
                           (dir_.path() / (std::string(name) + ".pub")).string()}});
    }
  }

  fs::path Write(const std::string& name, bool sign) {
    auto out = dir_.path() / name;
    WriteEvidenceBundle({.report_dir = dir_.path() / "report",
                         .scenarios = {dir_.path() / "guarantees.toml"},
                         .inputs = {{"variant good: stick.img", dir_.path() / "stick.img"}},
                         .facts = {{"accel", "tcg"}},
                         .sign_key = sign ? dir_.path() / "signer.pem" : fs::path()},
                        out);
    return out;
  }

  static bool Names(const BundleVerdict& v, const std::string& text) {
    return std::any_of(v.findings.begin(), v.findings.end(),
                       [&](const std::string& f) { return f.find(text) != std::string::npos; });
  }

  TempDir dir_{fs::temp_directory_path(), "livecheck-bundle-"};
};

TEST_F(EvidenceBundleTest, SignedBundleVerifiesWithTheSignersKeyOnly) {
  auto bundle = Write("bundle", true);
  for (const char* f : {"manifest.json", "manifest.json.sig", "report/report.json", "scenarios/guarantees.toml",
                        "inputs.json", "host.json", "report/logs/guarantees--good--r1.console.log"})
    EXPECT_TRUE(fs::exists(bundle / f)) << f;
  EXPECT_NE(ReadFile(bundle / "inputs.json").find(Sha256File(dir_.path() / "stick.img")), std::string::npos);
  auto ok = VerifyEvidenceBundle(bundle, dir_.path() / "signer.pub");
  EXPECT_TRUE(ok.findings.empty()) << ok.findings.front();
  // Independent check of the signature with OpenSSL's tool.
  auto sig = ReadFile(bundle / "manifest.json.sig");
  std::string raw;
  for (size_t i = 0; i + 1 < sig.size(); i += 2) raw += static_cast<char>(std::stoi(sig.substr(i, 2), nullptr, 16));
  WriteFileAtomic(dir_.path() / "sig.bin", raw);
  EXPECT_EQ(RunProcess({.argv = {"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", (dir_.path() / "signer.pub").string(),
                                 "-rawin", "-in", (bundle / "manifest.json").string(), "-sigfile",
                                 (dir_.path() / "sig.bin").string()}})
                .exit_code,
            0);
  EXPECT_TRUE(Names(VerifyEvidenceBundle(bundle, dir_.path() / "other.pub"), "manifest.json: signed by key"));
  EXPECT_TRUE(Names(VerifyEvidenceBundle(bundle, ""), "give --key"));
}

TEST_F(EvidenceBundleTest, EachTamperingIsCaughtAndNamed) {
  auto bundle = Write("bundle", true);
  auto key = dir_.path() / "signer.pub";
  // A byte changed in a console log.
  auto log = bundle / "report/logs/guarantees--good--r1.console.log";
  auto text = ReadFile(log);
  text[0] = '#';
  WriteFileAtomic(log, text);
  EXPECT_TRUE(Names(VerifyEvidenceBundle(bundle, key), "report/logs/guarantees--good--r1.console.log: changed"));
  // A file removed, a file added.
  fs::remove(bundle / "scenarios/guarantees.toml");
  WriteFileAtomic(bundle / "report/extra.txt", "x");
  auto v = VerifyEvidenceBundle(bundle, key);
  EXPECT_TRUE(Names(v, "scenarios/guarantees.toml: missing"));
  EXPECT_TRUE(Names(v, "report/extra.txt: not in the manifest"));
  // The manifest itself edited (its hash of the log "fixed"): the signature no longer holds.
  auto edited = ReadFile(bundle / "manifest.json");
  edited.replace(edited.find("\"signed\": true"), 14, "\"signed\": true ");
  WriteFileAtomic(bundle / "manifest.json", edited);
  EXPECT_TRUE(Names(VerifyEvidenceBundle(bundle, key), "manifest.json.sig: not a signature"));
}

TEST_F(EvidenceBundleTest, AnEditedVerdictIsCaughtEvenWhenTheManifestWasMadeToMatch) {
  auto bundle = Write("unsigned", false);
  auto ok = VerifyEvidenceBundle(bundle, "");
  EXPECT_TRUE(ok.findings.empty()) << ok.findings.front();
  EXPECT_NE(std::find(ok.notes.begin(), ok.notes.end(), "unsigned: hashes only"), ok.notes.end());
  EXPECT_TRUE(Names(VerifyEvidenceBundle(bundle, dir_.path() / "signer.pub"), "the bundle is not signed"));
  // The FAIL edited to PASS before an unsigned manifest was made over it:
  // every hash holds, the verdict does not follow from its check.
  auto report = ReportFromJson(nlohmann::json::parse(ReadFile(dir_.path() / "report/report.json")), "report.json");
  report.results[1].status = Status::kPass;
  WriteFileAtomic(dir_.path() / "report/report.json", ReportToJson(report).dump(2));
  auto forged = Write("forged", false);
  auto verdict = VerifyEvidenceBundle(forged, "");
  EXPECT_TRUE(Names(verdict, "report/report.json: guarantees/bad-writes-stick#1 says PASS, its checks say FAIL"));
}

// The whole report edited consistently (check, run verdict, summary) under a
// manifest made to match: the check's own function, run again on the
// evidence kept with it, still decides FAIL.
TEST_F(EvidenceBundleTest, AVerdictEditedWithItsRunIsCaughtByItsEvidence) {
  auto report = ReportFromJson(nlohmann::json::parse(ReadFile(dir_.path() / "report/report.json")), "report.json");
  report.results[1].checks[0].status = Status::kPass;
  report.results[1].status = Status::kPass;
  WriteFileAtomic(dir_.path() / "report/report.json", ReportToJson(report).dump(2));
  auto verdict = VerifyEvidenceBundle(Write("forged", false), "");
  ASSERT_EQ(verdict.findings.size(), 1u);
  EXPECT_EQ(verdict.findings[0],
            "report/report.json: guarantees/bad-writes-stick#1 no-disk-writes says PASS, its evidence decides FAIL");
  // A verdict with its evidence removed is no verdict.
  report.results[1].checks[0].evidence = nullptr;
  WriteFileAtomic(dir_.path() / "report/report.json", ReportToJson(report).dump(2));
  EXPECT_TRUE(Names(VerifyEvidenceBundle(Write("stripped", false), ""),
                    "guarantees/bad-writes-stick#1 no-disk-writes says PASS with no evidence"));
}

// The same bundle as one tar archive: any tar reads it, verify unpacks and
// checks it, a changed byte inside is named, an entry escaping the bundle
// is refused.
TEST_F(EvidenceBundleTest, TarBundleVerifiesAndTamperingIsNamed) {
  auto tar = Write("bundle.tar", true);
  ASSERT_TRUE(fs::is_regular_file(tar));
  auto list = RunChecked({.argv = {"tar", "-tvf", tar.string()}});
  EXPECT_NE(list.out.find("report/report.json"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("manifest.json.sig"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("root/root"), std::string::npos) << "owned by 0:0\n" << list.out;
  auto ok = VerifyEvidenceBundle(tar, dir_.path() / "signer.pub");
  EXPECT_TRUE(ok.findings.empty()) << ok.findings.front();
  EXPECT_EQ(ok.notes.front(), "unpacked from " + tar.string());

  auto bytes = ReadFile(tar);
  auto at = bytes.find("@@livecheck phase=root-ready");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '#';
  WriteFileAtomic(dir_.path() / "tampered.tar", bytes);
  EXPECT_TRUE(Names(VerifyEvidenceBundle(dir_.path() / "tampered.tar", dir_.path() / "signer.pub"),
                    "report/logs/guarantees--good--r1.console.log: changed"));

  auto evil = dir_.path() / "evil";
  fs::create_directories(evil / "sub");
  WriteFileAtomic(evil / "x", "x");
  RunChecked({.argv = {"tar", "-P", "-cf", (dir_.path() / "evil.tar").string(), "-C", (evil / "sub").string(), "../x"}});
  EXPECT_ERROR_CONTAINS(VerifyEvidenceBundle(dir_.path() / "evil.tar", ""), "entry '../x' is not a relative path");
  EXPECT_THROW(Write("bundle.tar", false), Error);  // never overwritten
}

TEST_F(EvidenceBundleTest, BadInputIsAnErrorAndNothingIsHalfWritten) {
  auto bundle = Write("bundle", false);
  EXPECT_THROW(Write("bundle", false), Error);  // never overwritten
  EXPECT_THROW(VerifyEvidenceBundle(dir_.path() / "report", ""), Error);
  try {
    WriteEvidenceBundle({.report_dir = dir_.path() / "report", .sign_key = dir_.path() / "signer.pub"},
                        dir_.path() / "half");
    FAIL() << "a public key cannot sign";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("signer.pub: not an Ed25519 private key"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "half"));
  for (const auto& e : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(e.path().filename().string().find(".half.partial-"), std::string::npos) << e.path();
}

}  // namespace
}  // namespace livecheck
