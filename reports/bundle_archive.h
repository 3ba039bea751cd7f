#pragma once
// The evidence bundle as one file: a POSIX tar (pax) of the bundle
// directory, written with libarchive so it can be handed over or attached to
// a CI job as it is and unpacked with any tar. Entries are sorted, owned by
// 0:0 with mtime 0, so the same bundle gives the same bytes.
#include <filesystem>

#include "common/file_util.h"

namespace livecheck {

namespace fs = std::filesystem;

/// Whether `path` names an archive bundle (".tar") rather than a directory.
bool IsBundleArchive(const fs::path& path);

/// Packs the bundle directory `dir` into `tar` (which must not exist),
/// through a temporary file beside it renamed into place.
void PackBundle(const fs::path& dir, const fs::path& tar);

/// Unpacks `tar` into a fresh directory under `parent`. The archive is
/// untrusted: only regular files and directories with relative names and no
/// "..", at most `max_bytes` in all; anything else is an Error naming the
/// entry.
void UnpackBundle(const fs::path& tar, const fs::path& into, int64_t max_bytes);

}  // namespace livecheck
