#pragma once
// The evidence bundle (`run --evidence DIR`): a directory that holds what is
// needed to re-examine a run later and elsewhere: the reports and console
// logs, the scenarios as run, the SHA-256 of every input, the host facts,
// and a manifest of every file with its hash, signed with Ed25519 when a
// key is given. `livecheck verify` checks all of it (VerifyEvidenceBundle).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

namespace fs = std::filesystem;

inline constexpr const char* kEvidenceSchema = "livecheck-evidence/1";

struct EvidenceBundleSpec {
  fs::path report_dir;                                  ///< report.json, junit.xml, report.html, logs/
  std::vector<fs::path> scenarios;                      ///< copied into scenarios/
  std::vector<std::pair<std::string, fs::path>> inputs;  ///< (role, file): hashed, not copied
  /// (path in the bundle, file): copied in, e.g. each variant's manifest
  /// ("variants/usb-bios/manifest.json"), which verify needs to decide
  /// ram-copy again.
  std::vector<std::pair<std::string, fs::path>> copies;
  nlohmann::json facts;                                 ///< host.json: host, accel, cpu, versions, argv
  fs::path sign_key;                                    ///< Ed25519 private key (PEM); empty: unsigned
};

/// Throws Error (bad input) when `dir` exists: a bundle is never overwritten.
void CheckEvidenceTarget(const fs::path& dir);

/// Writes the bundle to `dir` (which must not exist) through a staging
/// directory beside it, so a failure leaves nothing half-written; a `dir`
/// ending in ".tar" gets the same bundle as one tar archive.
void WriteEvidenceBundle(const EvidenceBundleSpec& spec, const fs::path& dir);

struct BundleVerdict {
  std::vector<std::string> findings;  ///< "FILE: what is wrong", one per problem; empty: all holds
  std::vector<std::string> notes;     ///< what was checked
};

/// Re-hashes every file against the manifest (missing, changed and added
/// files are findings), checks the signature with `public_key` (a signed
/// bundle needs one; empty key and unsigned bundle: hashes only), and checks
/// that each verdict in report.json follows from its checks, each check's
/// verdict from its evidence (decided again by the check's own function),
/// and each flaky mark from the run's attempts. `dir` may be a ".tar"
/// bundle. Throws Error when `dir` is no bundle at all.
BundleVerdict VerifyEvidenceBundle(const fs::path& dir, const fs::path& public_key);

}  // namespace livecheck
