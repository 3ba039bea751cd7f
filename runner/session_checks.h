#pragma once
// The checks decided on the whole session after the VM stopped:
// no-disk-writes, internal-disk-untouched, boot-timing, own-medium and the
// canary's scan.
#include <map>
#include <string>
#include <vector>

#include "evidence/disk_diff.h"
#include "evidence/disk_evidence.h"
#include "runner/leak_diff.h"
#include "runner/run_context.h"

namespace livecheck {

/// Decides the run's deferred checks, in the order their steps came, into
/// ctx.result.checks; a failed disk check names the files that changed.
void DecideSessionChecks(RunContext& ctx, const std::vector<DiskEvidence>& disks,
                         const std::map<std::string, DiskDiff>& diffs);

}  // namespace livecheck
