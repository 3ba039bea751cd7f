#pragma once
// Where a live system keeps its union's layers, read from its mount table.
// Every live stack names them differently (livecheck's /run/live/lower,
// live-boot's /run/live/rootfs/*.squashfs, dracut's /run/rootfsbase): the
// root overlay's own options say which directories it joins.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

struct UnionLayers {
  std::vector<std::string> lower_dirs;  // top first; the first takes the write probe
  std::string upper_dir;                // empty: a read-only union
  bool from_root_overlay = false;       // false: livecheck's layout, assumed
};

/// The root overlay's lowerdir and upperdir (mountinfo's super options or
/// /proc/mounts' merged options). For a root whose branches the mount table
/// does not show (a FUSE union), livecheck's own layout: /run/live/lower
/// under /run/live/upper/data.
UnionLayers FindUnionLayers(const nlohmann::json& mounts);

/// `dir`/`name`, without a doubled slash.
std::string InLayer(const std::string& dir, const std::string& name);

/// The layers as evidence: {lower_dirs, upper_dir, found_in}.
nlohmann::json LayersEvidence(const UnionLayers& layers);

}  // namespace livecheck
