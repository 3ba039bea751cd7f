#pragma once
#include <string>

#include "common/xml_escape.h"

#include "runner/run_result.h"

namespace livecheck {

/// junit.xml as GitHub Actions, GitLab and Jenkins read it: one testsuite per
/// scenario, one testcase per variant x check (x repetition); a failed check
/// is a <failure> whose message is its summary and whose text its evidence;
/// a run that could not finish is an <error> testcase with the console tail.
std::string JunitXml(const RunReport& report);

}  // namespace livecheck
