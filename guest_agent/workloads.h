#pragma once
// File-system workloads the agent times inside the guest (CLOCK_MONOTONIC),
// for comparing union backends and squashfs compressors.
#include <string>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

/// Runs one workload and returns {"workload", "value", "unit", "better",
/// "seconds", ...details}. Arguments (all optional):
///   small-files  {"dir", "count"}          create+write+delete many 1 KiB files -> files/s
///   stat-walk    {"root"}                  lstat every entry below root          -> entries/s
///   seq-write    {"file", "size_mb"}       write a file through the union, fsync  -> MB/s
///   seq-read     {"file"}                  read it back                           -> MB/s
///   copy-up      {"file"}                  first 1-byte write to a lower-only file -> ms
///   random-read  {"file", "count"}         random 4 KiB preads of a lower file   -> IOPS
///   cold-read    {"file"}                  drop caches, read a lower file        -> MB/s
/// Throws std::runtime_error for an unknown workload or a failed operation.
nlohmann::json RunWorkload(const nlohmann::json& request);

}  // namespace livecheck::agent
