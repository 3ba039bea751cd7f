#pragma once
// A scenario's `run` step judged: the user's own command in the booted
// system (does the image do its job?), its exit status and output checked
// against the step's expectations. A pure function of the evidence, so
// `livecheck verify` decides it again.
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// What a `run` step's verdicts are named: "run: COMMAND" (its first 80
/// characters), so each step is its own line in JUnit.
std::string CommandCheckName(const std::string& command);
bool IsCommandCheckName(const std::string& name);

/// The evidence: the command, its expectations and what the guest answered
/// ({exit_status, timed_out, output, output_bytes, ...}).
nlohmann::json CommandEvidence(const std::string& command, int expect_exit, const std::string& expect_output,
                               double timeout_seconds, const nlohmann::json& answer);

/// PASS when it finished in time with the expected exit status and, when
/// the step gives a pattern, a line of its output matches it (ECMAScript
/// regex without backreferences, matched breadth-first; each line searched
/// separately, cut at 4 KiB: guest output is untrusted).
CheckResult CheckCommandResult(const nlohmann::json& evidence);

}  // namespace livecheck
