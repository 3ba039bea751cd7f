#pragma once
#include <string>
#include <vector>

namespace livecheck {

/// Names of every check, in report order.
const std::vector<std::string>& CheckNames();
/// Decided after the VM stopped, on the whole session.
bool IsHostCheck(const std::string& name);

/// The check a scenario step makes of its own text ("run: COMMAND",
/// "console: PATTERN"): the text's first 80 characters, newlines and tabs
/// as spaces, so each step is one line in JUnit.
std::string StepCheckName(const std::string& kind, const std::string& text);

}  // namespace livecheck
