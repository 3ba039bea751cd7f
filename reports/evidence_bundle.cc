#include "reports/evidence_bundle.h"

#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "common/untrusted_json.h"
#include "evidence/check_replay.h"
#include "reports/bundle_archive.h"
#include "reports/bundle_signature.h"
#include "reports/json_report.h"
#include "runner/retry_policy.h"

namespace livecheck {
namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.json.sig";
// Bundles hold reports and console logs, never images: far below this.
constexpr int64_t kMaxUnpackedBytes = int64_t{4} << 30;

// Every regular file under `dir`, as a path relative to it ("report/logs/x.log").
std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() || e.is_symlink()) files.push_back(fs::relative(e.path(), dir).generic_string());
  std::sort(files.begin(), files.end());
  return files;
}

void CopyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

nlohmann::json HashInputs(const std::vector<std::pair<std::string, fs::path>>& inputs) {
  auto out = nlohmann::json::array();
  for (const auto& [role, path] : inputs) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    out.push_back({{"role", role}, {"path", fs::absolute(path).string()}, {"size", ec ? -1 : static_cast<int64_t>(size)},
                   {"sha256", ec ? "" : Sha256File(path)}});
  }
  return out;
}

nlohmann::json Manifest(const fs::path& stage, const fs::path& sign_key) {
  auto files = nlohmann::json::array();
  for (const auto& f : FilesUnder(stage))
    files.push_back({{"path", f}, {"sha256", Sha256File(stage / f)}, {"size", fs::file_size(stage / f)}});
  nlohmann::json manifest = {{"schema", kEvidenceSchema}, {"files", files}, {"signed", !sign_key.empty()}};
  if (!sign_key.empty()) {
    manifest["signature_algorithm"] = "ed25519";
    manifest["public_key_sha256"] = PublicKeyFingerprint(sign_key);
  }
  return manifest;
}

// The variant's file list the bundle carries (variants/NAME/manifest.json),
// for ram-copy; nullopt when absent or unreadable.
std::optional<std::vector<RootfsEntry>> VariantRootfs(const fs::path& dir, const std::string& variant) {
  auto file = dir / "variants" / variant / "manifest.json";
  if (variant.empty() || variant.find('/') != std::string::npos || variant.front() == '.' || !fs::is_regular_file(file))
    return std::nullopt;
  try {
    return ManifestFromJson(ParseUntrustedJson(ReadFile(file)), file.string()).rootfs;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A verdict must follow from its checks, as the runner decided it.
void CheckVerdicts(const fs::path& dir, BundleVerdict& verdict) {
  const std::string where = "report/report.json";
  if (!fs::exists(dir / where)) return;  // a missing file is a finding already
  nlohmann::json j;
  RunReport report;
  try {
    j = ParseUntrustedJson(ReadFile(dir / where));
    report = ReportFromJson(j, where);
  } catch (const std::exception& e) {
    verdict.findings.push_back(fmt::format("{}: unreadable: {}", where, e.what()));
    return;
  }
  int passed = 0, failed = 0, errors = 0;
  std::map<std::string, std::optional<std::vector<RootfsEntry>>> rootfs;  // per variant, from variants/
  int replayed = 0;
  std::set<std::string> not_replayed;
  for (const auto& r : report.results) {
    if (!rootfs.count(r.variant)) rootfs[r.variant] = VariantRootfs(dir, r.variant);
    const auto& files = rootfs[r.variant];
    for (const auto& c : r.checks) {
      std::string run = fmt::format("{}: {}/{}#{} {}", where, r.scenario, r.variant, r.repetition, c.name);
      if ((c.status == Status::kPass || c.status == Status::kFail) && !HasEvidence(c.evidence)) {
        verdict.findings.push_back(fmt::format("{} says {} with no evidence", run, StatusName(c.status)));
        continue;
      }
      auto replay = ReplayCheck(c, r.phases, files ? &*files : nullptr);
      if (!replay.replayed) {
        if (HasEvidence(c.evidence)) not_replayed.insert(c.name + ": " + replay.why_not);
        continue;
      }
      ++replayed;
      if (replay.status != c.status)
        verdict.findings.push_back(fmt::format("{} says {}, its evidence decides {}", run, StatusName(c.status),
                                               StatusName(replay.status)));
    }
    Status expected = r.error.empty() ? CombineStatus(r.checks) : Status::kError;
    if (r.status != expected)
      verdict.findings.push_back(fmt::format("{}: {}/{}#{} says {}, its checks say {}", where, r.scenario, r.variant,
                                             r.repetition, StatusName(r.status), StatusName(expected)));
    if (r.attempts.size() > 1) {
      auto recomputed = WithAttempts(r, {r.attempts.begin(), r.attempts.end() - 1});
      if (recomputed.flaky != r.flaky || r.attempts.back().status != r.status)
        verdict.findings.push_back(fmt::format("{}: {}/{}#{} is {}marked flaky, its attempts say {}", where, r.scenario,
                                               r.variant, r.repetition, r.flaky ? "" : "not ",
                                               recomputed.flaky ? "flaky" : "not flaky"));
    } else if (r.flaky) {
      verdict.findings.push_back(fmt::format("{}: {}/{}#{} is marked flaky but ran once", where, r.scenario, r.variant,
                                             r.repetition));
    }
    (r.status == Status::kPass ? passed : r.status == Status::kFail ? failed : errors) += 1;
  }
  const auto& summary = j.value("summary", nlohmann::json::object());
  if (summary.value("passed", -1) != passed || summary.value("failed", -1) != failed ||
      summary.value("errors", -1) != errors)
    verdict.findings.push_back(fmt::format("{}: the summary does not count the results ({} passed, {} failed, {} errors)",
                                           where, passed, failed, errors));
  verdict.notes.push_back(fmt::format("{} verdicts follow from their checks", report.results.size()));
  verdict.notes.push_back(fmt::format("{} check verdicts decided again from their evidence", replayed));
  for (const auto& why : not_replayed) verdict.notes.push_back("not decided again: " + why);
}

}  // namespace

BundleVerdict VerifyBundleDirectory(const fs::path& dir, const fs::path& public_key);

void CheckEvidenceTarget(const fs::path& dir) {
  if (fs::exists(dir)) throw Error(fmt::format("--evidence {}: already exists (a bundle is never overwritten)", dir.string()));
}

void WriteEvidenceBundle(const EvidenceBundleSpec& spec, const fs::path& dir) {
  CheckEvidenceTarget(dir);
  auto parent = fs::absolute(dir).parent_path();
  fs::create_directories(parent);
  TempDir stage(parent, "." + dir.filename().string() + ".partial-");
  CopyTree(spec.report_dir, stage.path() / "report");
  fs::create_directories(stage.path() / "scenarios");
  std::set<std::string> names;
  for (const auto& s : spec.scenarios) {
    auto name = s.filename().string();
    for (int i = 2; names.count(name); ++i) name = fmt::format("{}-{}{}", s.stem().string(), i, s.extension().string());
    names.insert(name);
    fs::copy_file(s, stage.path() / "scenarios" / name);
  }
  for (const auto& [name, file] : spec.copies) {
    fs::create_directories((stage.path() / name).parent_path());
    fs::copy_file(file, stage.path() / name);
  }
  WriteFileAtomic(stage.path() / "inputs.json", HashInputs(spec.inputs).dump(2) + "\n");
  WriteFileAtomic(stage.path() / "host.json", spec.facts.dump(2) + "\n");
  auto manifest = Manifest(stage.path(), spec.sign_key).dump(2) + "\n";
  WriteFileAtomic(stage.path() / kManifest, manifest);
  if (!spec.sign_key.empty()) WriteFileAtomic(stage.path() / kSignature, SignEd25519(manifest, spec.sign_key).hex + "\n");
  if (IsBundleArchive(dir)) {
    PackBundle(stage.path(), dir);  // the staging directory goes with `stage`
    return;
  }
  fs::rename(stage.path(), dir);
  stage.Release();
}

BundleVerdict VerifyEvidenceBundle(const fs::path& dir, const fs::path& public_key) {
  if (!IsBundleArchive(dir)) return VerifyBundleDirectory(dir, public_key);
  if (!fs::is_regular_file(dir)) throw Error(fmt::format("{}: no such bundle", dir.string()));
  TempDir unpacked(fs::temp_directory_path(), "livecheck-verify-");
  UnpackBundle(dir, unpacked.path(), kMaxUnpackedBytes);
  auto verdict = VerifyBundleDirectory(unpacked.path(), public_key);
  verdict.notes.insert(verdict.notes.begin(), "unpacked from " + dir.string());
  return verdict;
}

BundleVerdict VerifyBundleDirectory(const fs::path& dir, const fs::path& public_key) {
  if (!fs::is_regular_file(dir / kManifest))
    throw Error(fmt::format("{}: not an evidence bundle (no {})", dir.string(), kManifest));
  std::string manifest_text = ReadFile(dir / kManifest);
  nlohmann::json manifest;
  try {
    manifest = ParseUntrustedJson(manifest_text);
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: {}", (dir / kManifest).string(), e.what()));
  }
  if (!manifest.is_object() || manifest.value("schema", "") != kEvidenceSchema)
    throw Error(fmt::format("{}: schema is not {}", (dir / kManifest).string(), kEvidenceSchema));

  BundleVerdict verdict;
  std::map<std::string, std::string> listed;
  for (const auto& f : manifest.value("files", nlohmann::json::array()))
    if (f.is_object()) listed[f.value("path", "")] = f.value("sha256", "");
  std::set<std::string> present;
  for (const auto& f : FilesUnder(dir))
    if (f != kManifest && f != kSignature) present.insert(f);
  for (const auto& [path, digest] : listed) {
    if (!present.count(path)) {
      verdict.findings.push_back(path + ": missing");
      continue;
    }
    auto actual = Sha256File(dir / path);
    if (actual != digest)
      verdict.findings.push_back(fmt::format("{}: changed (sha256 {}, the manifest says {})", path, actual, digest));
  }
  for (const auto& path : present)
    if (!listed.count(path)) verdict.findings.push_back(path + ": not in the manifest");
  verdict.notes.push_back(fmt::format("{} files hashed", listed.size()));

  bool is_signed = manifest.value("signed", false);
  std::string signer = manifest.value("public_key_sha256", "");
  if (!is_signed) {
    if (!public_key.empty()) verdict.findings.push_back(std::string(kManifest) + ": the bundle is not signed");
    else verdict.notes.push_back("unsigned: hashes only");
  } else if (public_key.empty()) {
    verdict.findings.push_back(fmt::format("{}: signed by key {}; give --key to check the signature", kManifest, signer));
  } else if (PublicKeyFingerprint(public_key) != signer) {
    verdict.findings.push_back(fmt::format("{}: signed by key {}, not by {} ({})", kManifest, signer,
                                           PublicKeyFingerprint(public_key), public_key.string()));
  } else {
    std::string signature = fs::exists(dir / kSignature) ? ReadFile(dir / kSignature) : "";
    while (!signature.empty() && signature.back() == '\n') signature.pop_back();
    if (signature.empty())
      verdict.findings.push_back(std::string(kSignature) + ": missing");
    else if (!VerifyEd25519(manifest_text, signature, public_key))
      verdict.findings.push_back(std::string(kSignature) + ": not a signature of manifest.json by that key");
    else
      verdict.notes.push_back("signed by " + signer);
  }
  CheckVerdicts(dir, verdict);
  return verdict;
}

}  // namespace livecheck
