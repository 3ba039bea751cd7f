#pragma once
#include <string>

#include "runner/run_result.h"

namespace livecheck {

/// report.html: one self-contained page (inline CSS and SVG, no script, no
/// external asset) with the results matrix, an SVG chart of boot phases per
/// variant, and the evidence of every failure. Everything that came from a
/// guest is escaped.
std::string HtmlReport(const RunReport& report);

std::string HtmlEscape(const std::string& text);

}  // namespace livecheck
