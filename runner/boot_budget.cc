#include "runner/boot_budget.h"

#include <cstdlib>

#include <fmt/format.h>

namespace livecheck {

std::string BootBudget::Text() const {
  if (value <= 0) return "";
  return relative ? fmt::format("{:g}x", value) : fmt::format("{:g} s", value);
}

std::optional<BootBudget> ParseRelativeBudget(const std::string& text) {
  if (text.size() < 2 || text.back() != 'x') return std::nullopt;
  auto number = text.substr(0, text.size() - 1);
  if (number.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !(value > 0) || value > 1000) return std::nullopt;
  return BootBudget{value, true};
}

ResolvedBudget ResolveBootBudget(const BootBudget& budget, const HostReference& reference, bool host_clock) {
  if (budget.value <= 0) return {};
  if (!budget.relative) return {budget.value, fmt::format("{:g} s as written", budget.value), ""};
  if (!reference.valid())
    return {0, "", fmt::format("boot_budget {} needs the host reference, and there is none: {}", budget.Text(),
                               reference.error.empty() ? "not measured" : reference.error)};
  double base = host_clock ? reference.host_seconds : reference.guest_seconds;
  return {budget.value * base,
          fmt::format("{} the host reference of {:.2f} s ({})", budget.Text(), base,
                      host_clock ? "QEMU start to /init" : "kernel start to /init, guest time"),
          ""};
}

}  // namespace livecheck
