#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "runner/run_result.h"

namespace livecheck {

inline constexpr const char* kReportSchema = "livecheck-report/1";

/// report.json: see README "Reports" for the schema.
nlohmann::json ReportToJson(const RunReport& report);
/// Parses report.json back (for `compare` and tests); throws Error naming `where`.
RunReport ReportFromJson(const nlohmann::json& json, const std::string& where);

}  // namespace livecheck
