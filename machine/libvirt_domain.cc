#include "machine/libvirt_domain.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <mutex>
#include <set>

#include <fmt/format.h>

#include "common/error.h"
#include "machine/decoy_stick.h"
#include "machine/domain_xml.h"

namespace livecheck {
namespace {

std::mutex registry_mutex;
std::set<virDomainPtr> live_domains;

std::string LastLibvirtError() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

nlohmann::json DiskStats(virDomainPtr dom, const char* target, const char* drive) {
  virDomainBlockStatsStruct stats{};
  if (virDomainBlockStats(dom, target, &stats, sizeof stats) != 0) return nullptr;
  return {{"device", drive},
          {"stats", {{"wr_operations", stats.wr_req}, {"wr_bytes", stats.wr_bytes}, {"rd_operations", stats.rd_req},
                     {"rd_bytes", stats.rd_bytes}}}};
}

}  // namespace

LibvirtDomain::LibvirtDomain(const std::string& uri, const std::string& xml) : uri_(uri) {
  // libvirt prints every error to stderr by default; we report them ourselves.
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  conn_ = virConnectOpen(uri.c_str());
  if (!conn_) throw Error(fmt::format("libvirt: cannot connect to {}: {}", uri, LastLibvirtError()), 3);
  std::lock_guard<std::mutex> lock(registry_mutex);  // a signal must not miss a domain being born
  dom_ = virDomainCreateXML(conn_, xml.c_str(), VIR_DOMAIN_NONE);
  if (!dom_) {
    std::string error = LastLibvirtError();
    virConnectClose(conn_);
    throw Error(fmt::format("libvirt ({}): cannot create the domain: {}", uri, error));
  }
  live_domains.insert(dom_);
}

LibvirtDomain::~LibvirtDomain() {
  Destroy();
  if (dom_) virDomainFree(dom_);
  if (conn_) virConnectClose(conn_);
}

bool LibvirtDomain::Active() const { return dom_ && virDomainIsActive(dom_) == 1; }

nlohmann::json LibvirtDomain::BlockStats() const {
  auto list = nlohmann::json::array();
  std::vector<std::pair<std::string, std::string>> targets = {{kStickTarget, "stick"}, {kDecoyTarget, kDecoyDrive}};
  for (size_t i = 0; i < kMaxInternalDisks; ++i)
    for (bool virtio : {false, true}) targets.push_back({InternalTarget(i, virtio), InternalDriveName(i)});
  for (const auto& [target, drive] : targets) {
    auto stats = DiskStats(dom_, target.c_str(), drive.c_str());
    if (!stats.is_null()) list.push_back(stats);
  }
  return list;
}

void LibvirtDomain::RequestStickDetach() {
  if (virDomainDetachDeviceAlias(dom_, "ua-stick", VIR_DOMAIN_AFFECT_LIVE) != 0)
    throw Error("libvirt: cannot detach the stick: " + LastLibvirtError());
}

bool LibvirtDomain::StickPresent() const {
  char* xml = virDomainGetXMLDesc(dom_, 0);
  if (!xml) return false;
  bool present = std::string(xml).find("ua-stick") != std::string::npos;
  free(xml);
  return present;
}

void LibvirtDomain::DumpMemory(const fs::path& file) {
  if (virDomainCoreDumpWithFormat(dom_, file.c_str(), VIR_DOMAIN_CORE_DUMP_FORMAT_RAW, VIR_DUMP_MEMORY_ONLY) != 0)
    throw Error("libvirt: cannot dump the guest's memory: " + LastLibvirtError());
}

void LibvirtDomain::Destroy() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (!dom_ || live_domains.count(dom_) == 0) return;
  if (virDomainIsActive(dom_) == 1) virDomainDestroy(dom_);
  live_domains.erase(dom_);
}

void DestroyAllDomains() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (auto* dom : live_domains)
    if (virDomainIsActive(dom) == 1) virDomainDestroy(dom);
  live_domains.clear();
}

}  // namespace livecheck
