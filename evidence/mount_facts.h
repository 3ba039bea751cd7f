#pragma once
// Reading the guest's mount tables as evidence: agent answers and parsed
// /proc/mounts are untrusted and may have any shape, so every read here
// tolerates a missing or wrong-typed field.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

/// The entries of a JSON array that are objects.
std::vector<nlohmann::json> Objects(const nlohmann::json& list);
/// evidence[key], or an empty object.
nlohmann::json Field(const nlohmann::json& evidence, const std::string& key);
/// The visible mount at `mount_point` (the last one mounted there).
std::optional<nlohmann::json> FindMount(const nlohmann::json& mounts, const std::string& mount_point);
/// The mount that holds `path`: the longest mount point that is a prefix of it.
std::optional<nlohmann::json> MountHolding(const nlohmann::json& mounts, const std::string& path);
/// Whether a comma-separated option list holds `option`.
bool HasOption(const std::string& options, const std::string& option);
/// The value of `key=` in a comma-separated option list, or "".
std::string OptionValue(const std::string& options, const std::string& key);
/// An overlay's lowerdir= value split at ':'.
std::vector<std::string> SplitLowerDirs(const std::string& value);
/// squashfs, iso9660, erofs, or mounted ro.
bool IsReadOnlyMount(const nlohmann::json& mount);

}  // namespace livecheck
