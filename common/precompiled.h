// The third-party and standard headers most translation units include,
// parsed once per build instead of once per file: a precompiled header that
// every target reuses (livecheck_target_defaults). Nearly three quarters of
// the files include nlohmann/json and fmt, and the runner's Asio headers
// alone take longer to parse than most files take to compile. Only stable
// headers belong here: a change to this file rebuilds everything.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
