#pragma once
#include <string>

#include "harness/run_result.h"

namespace livecheck {

/// junit.xml as GitHub Actions, GitLab and Jenkins read it: one testsuite per
/// scenario, one testcase per variant x check (x repetition); a failed check
/// is a <failure> whose message is its summary and whose text its evidence;
/// a run that could not finish is an <error> testcase with the console tail.
std::string JunitXml(const RunReport& report);

/// Escapes text for XML content and attributes; drops characters XML 1.0 cannot hold.
std::string XmlEscape(const std::string& text);

}  // namespace livecheck
