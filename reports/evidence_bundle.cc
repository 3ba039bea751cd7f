#include "reports/evidence_bundle.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "common/untrusted_json.h"
#include "reports/bundle_signature.h"
#include "reports/json_report.h"

namespace livecheck {
namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.json.sig";

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
  for (const auto& r : report.results) {
    Status expected = r.error.empty() ? CombineStatus(r.checks) : Status::kError;
    if (r.status != expected)
      verdict.findings.push_back(fmt::format("{}: {}/{}#{} says {}, its checks say {}", where, r.scenario, r.variant,
                                             r.repetition, StatusName(r.status), StatusName(expected)));
    (r.status == Status::kPass ? passed : r.status == Status::kFail ? failed : errors) += 1;
  }
  const auto& summary = j.value("summary", nlohmann::json::object());
  if (summary.value("passed", -1) != passed || summary.value("failed", -1) != failed ||
      summary.value("errors", -1) != errors)
    verdict.findings.push_back(fmt::format("{}: the summary does not count the results ({} passed, {} failed, {} errors)",
                                           where, passed, failed, errors));
  verdict.notes.push_back(fmt::format("{} verdicts follow from their checks", report.results.size()));
}

}  // namespace

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
  WriteFileAtomic(stage.path() / "inputs.json", HashInputs(spec.inputs).dump(2) + "\n");
  WriteFileAtomic(stage.path() / "host.json", spec.facts.dump(2) + "\n");
  auto manifest = Manifest(stage.path(), spec.sign_key).dump(2) + "\n";
  WriteFileAtomic(stage.path() / kManifest, manifest);
  if (!spec.sign_key.empty()) WriteFileAtomic(stage.path() / kSignature, SignEd25519(manifest, spec.sign_key).hex + "\n");
  fs::rename(stage.path(), dir);
  stage.Release();
}

BundleVerdict VerifyEvidenceBundle(const fs::path& dir, const fs::path& public_key) {
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
