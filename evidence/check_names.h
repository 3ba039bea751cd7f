#pragma once
#include <string>
#include <vector>

namespace livecheck {

/// Names of every check, in report order.
const std::vector<std::string>& CheckNames();
/// Decided after the VM stopped, on the whole session.
bool IsHostCheck(const std::string& name);

}  // namespace livecheck
