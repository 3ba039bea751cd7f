// A disk's bytes are input (the user's image, a hazard disk, an overlay the
// guest wrote): the layout parser, the write-map annotator and the decoy
// stick's patcher must take any bytes without crashing, name only ranges
// inside the disk, and keep their bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/disk_layout.h"
#include "evidence/write_map.h"
#include "machine/decoy_stick.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string disk(reinterpret_cast<const char*>(data), size);
  // The input is the disk's first bytes; the disk claims to be larger, as
  // a truncated image would.
  uint64_t claimed = size * 64 + 4096;
  auto layout = livecheck::DiskLayoutOf(livecheck::MemoryByteReader(disk), claimed);
  for (const auto& r : layout)
    if (r.offset + r.length > claimed || r.length == 0) __builtin_trap();
  std::string after = disk;
  for (size_t i = 0; i < after.size(); i += 97) after[i] = static_cast<char>(~after[i]);
  auto detail = livecheck::AnnotateWrites({{0, static_cast<int64_t>(size), 0}}, layout, livecheck::MemoryByteReader(disk),
                                          livecheck::MemoryByteReader(after));
  if (detail.ranges.size() > livecheck::kMaxWrittenRanges) __builtin_trap();
  for (const auto& r : detail.ranges)
    if (r.offset + r.length > size || r.before.size() > 2 * livecheck::kWriteMapSampleBytes) __builtin_trap();
  // The decoy's patches: a few bytes each, and no more than the partitions
  // the tables can name (4 MBR, 128 GPT entries) allow.
  auto patches = livecheck::DecoyPatches(livecheck::MemoryByteReader(disk));
  if (patches.size() > 1 + 3 * 133) __builtin_trap();
  for (const auto& p : patches)
    if (p.bytes.empty() || p.bytes.size() > 16) __builtin_trap();
  return 0;
}
