#pragma once
#include <vector>

namespace livecheck {

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double Median(std::vector<double> values);

}  // namespace livecheck
