// `livecheck verify DIR [--key PUBKEY]`: one line per finding, exit 0 only
// when every file, the signature and every verdict hold.
#include <iostream>

#include "cli/commands.h"
#include "common/error.h"
#include "reports/evidence_bundle.h"

namespace livecheck {

int RunVerifyCommand(const std::string& dir, const std::string& key) {
  auto verdict = VerifyEvidenceBundle(dir, key);
  for (const auto& f : verdict.findings) std::cout << "FAIL " << f << "\n";
  for (const auto& n : verdict.notes) std::cout << "ok   " << n << "\n";
  std::cout << (verdict.findings.empty() ? "verified: " + dir
                                         : "not verified: " + std::to_string(verdict.findings.size()) + " finding(s) in " + dir)
            << std::endl;
  return verdict.findings.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace livecheck
