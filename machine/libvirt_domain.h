// A transient libvirt domain: `--backend libvirt` starts the run's machine
// through libvirtd (local or remote, e.g. qemu+ssh://host/system) instead of
// spawning QEMU. Every domain livecheck created is in a registry so a
// signal destroys them all (QEMUs livecheck started itself are its children:
// KillChildProcesses kills those).
#pragma once
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

typedef struct _virConnect* virConnectPtr;
typedef struct _virDomain* virDomainPtr;

namespace livecheck {

namespace fs = std::filesystem;

class LibvirtDomain {
 public:
  /// Connects to `uri` and creates the domain from `xml`; throws Error with
  /// libvirt's message.
  LibvirtDomain(const std::string& uri, const std::string& xml);
  ~LibvirtDomain();  ///< destroys the domain (transient: then it is gone)
  LibvirtDomain(const LibvirtDomain&) = delete;
  LibvirtDomain& operator=(const LibvirtDomain&) = delete;

  bool Active() const;
  /// Write counters of the stick and the internal disk (virDomainBlockStats),
  /// in query-blockstats' shape: [{device: "stick"|"internal", stats: {...}}].
  nlohmann::json BlockStats() const;
  /// Asks libvirt to detach the stick (virDomainDetachDeviceAlias); true once
  /// it is gone from the live definition.
  void RequestStickDetach();
  bool StickPresent() const;
  /// The guest's RAM as an ELF core (virDomainCoreDumpWithFormat, memory only).
  void DumpMemory(const fs::path& file);
  void Destroy();

  const std::string& uri() const { return uri_; }

 private:
  std::string uri_;
  virConnectPtr conn_ = nullptr;
  virDomainPtr dom_ = nullptr;
};

/// Destroys every domain a LibvirtDomain still holds (on SIGINT/SIGTERM).
void DestroyAllDomains();

}  // namespace livecheck
