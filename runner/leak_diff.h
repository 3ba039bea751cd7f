#pragma once
// What leaked: for every disk the session wrote, the files that changed,
// from libguestfs reading the image and the run's overlay over it.
#include <map>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "evidence/check_result.h"
#include "evidence/disk_diff.h"
#include "evidence/disk_evidence.h"
#include "runner/run_context.h"

namespace livecheck {

/// Diffs every written disk (by drive id), each on a thread of its own so
/// other VMs' deadlines are not held up.
asio::awaitable<std::map<std::string, DiskDiff>> DiffWrittenDisks(RunContext& ctx,
                                                                  const std::vector<DiskEvidence>& disks);

/// A failed disk check names the files that changed (on `only_drive`, or all).
void AddFileChanges(CheckResult& check, const std::map<std::string, DiskDiff>& diffs, const std::string& only_drive);

}  // namespace livecheck
