#include "runner/start_order.h"

#include <algorithm>
#include <numeric>

namespace livecheck {

namespace {

double BootCost(const std::string& boot) {
  if (boot == "usb-uefi") return 3;
  if (boot == "usb-bios" || boot == "iso" || boot == "cdrom" || boot == "iso-usb") return 2;
  return 1;
}

}  // namespace

double ExpectedCost(const RunRequest& request) {
  double cost = 0;
  if (request.external) {
    // A distribution's own medium boots its whole init system.
    cost = request.external->kernel.empty() ? 2 * BootCost(request.external->boot) + 6 : 7;
  } else {
    cost = BootCost(request.manifest.boot);
  }
  for (const auto& step : request.scenario.steps)
    if (step.kind == ScenarioStep::Kind::kSleep) cost += step.seconds / 4;
  return cost;
}

std::vector<size_t> StartOrder(const std::vector<RunRequest>& requests, int jobs) {
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (jobs <= 1) return order;
  std::vector<double> cost(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) cost[i] = ExpectedCost(requests[i]);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cost[a] > cost[b]; });
  return order;
}

}  // namespace livecheck
