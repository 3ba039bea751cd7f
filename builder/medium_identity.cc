#include "builder/medium_identity.h"

#include <ctime>

#include <fmt/format.h>

#include "common/sha256.h"

namespace livecheck {

namespace {

std::string IdentityHex(const std::string& bytes) {
  std::string hex;
  for (unsigned char c : bytes) hex += fmt::format("{:02x}", c);
  return hex;
}

}  // namespace

MediumIdentity MediumIdentityFor(BootPath boot, const std::string& label, int64_t epoch) {
  MediumIdentity id;
  Sha256 seed;
  seed.UpdateField("livecheck medium identity");
  seed.UpdateField(std::string(Name(boot)));
  seed.UpdateField(label);
  seed.UpdateField(std::to_string(epoch));
  id.fat_volume_id = static_cast<uint32_t>(std::stoul(seed.HexDigest().substr(0, 8), nullptr, 16));
  std::time_t t = epoch;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y%m%d%H%M%S00", &utc);
  id.iso_date = date;
  if (boot == BootPath::kIso) {
    id.live_conf_value = fmt::format("{}:{}", kIsoModificationDateOffset, IdentityHex(id.iso_date));
  } else {
    std::string le;  // a FAT boot sector stores the volume ID little-endian
    for (int i = 0; i < 4; ++i) le += static_cast<char>((id.fat_volume_id >> (8 * i)) & 0xff);
    id.live_conf_value = fmt::format("{}:{} {}:{}", kFat16VolumeIdOffset, IdentityHex(le), kFat32VolumeIdOffset, IdentityHex(le));
  }
  return id;
}

}  // namespace livecheck
