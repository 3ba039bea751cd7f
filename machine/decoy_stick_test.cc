#include "machine/decoy_stick.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// blkid's view of the file system at `offset` of a raw image.
std::string Blkid(const fs::path& image, const std::string& tag, uint64_t offset = 0) {
  auto r = RunProcess({.argv = {"blkid", "-p", "-O", std::to_string(offset), "-o", "value", "-s", tag, image.string()}});
  return r.out;
}

// The decoy as the guest sees it, read back by independent tools.
fs::path AsRaw(const fs::path& overlay) {
  auto raw = overlay;
  raw.replace_extension(".raw");
  RunChecked({.argv = {"qemu-img", "convert", "-O", "raw", overlay.string(), raw.string()}});
  return raw;
}

TEST(DecoyStickTest, AFatStickKeepsItsLabelAndFilesButNotItsIdentity) {
  auto dir = testing::MakeTestDir();
  auto stick = dir.path() / "stick.img";
  RunChecked({.argv = {"truncate", "-s", "40M", stick.string()}});
  RunChecked({.argv = {"sfdisk", "--quiet", stick.string()}, .stdin_data = "label: dos\nlabel-id: 0x12345678\nstart=2048, type=c\n"});
  RunChecked({.argv = {"mkfs.vfat", "-F", "32", "-i", "1234abcd", "-n", "LIVECHECK", "--offset", "2048", stick.string()}});
  auto file = dir.path() / "root.squashfs";
  WriteFileAtomic(file, "the root\n");
  RunChecked({.argv = {"mcopy", "-i", stick.string() + "@@1M", file.string(), "::root.squashfs"}});
  auto digest = Sha256File(stick);

  auto patches = MakeDecoyStick(stick, dir.path() / "decoy.qcow2");
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[0].what, "MBR disk signature");
  EXPECT_EQ(patches[1].what, "p1 FAT32 volume ID");
  EXPECT_EQ(Sha256File(stick), digest) << "the medium is never written";
  auto decoy = AsRaw(dir.path() / "decoy.qcow2");
  EXPECT_EQ(Blkid(decoy, "LABEL", 1 << 20), "LIVECHECK\n");
  EXPECT_EQ(Blkid(stick, "UUID", 1 << 20), "1234-ABCD\n");
  EXPECT_EQ(Blkid(decoy, "UUID", 1 << 20), "EDCB-5432\n");
  auto table = RunProcess({.argv = {"sfdisk", "--dump", decoy.string()}});
  EXPECT_NE(table.out.find("label-id: 0xedcba987"), std::string::npos) << table.out;
  auto copy = RunProcess({.argv = {"mtype", "-i", decoy.string() + "@@1M", "::root.squashfs"}});
  EXPECT_EQ(copy.out, "the root\n") << copy.err;
}

TEST(DecoyStickTest, AnIsoGetsOtherVolumeDates) {
  auto dir = testing::MakeTestDir();
  fs::create_directories(dir.path() / "tree/live");
  WriteFileAtomic(dir.path() / "tree/live/root.squashfs", "the root\n");
  auto iso = dir.path() / "live.iso";
  RunChecked({.argv = {"xorriso", "-as", "mkisofs", "-quiet", "-o", iso.string(), "-V", "LIVECHECK", "-R",
                       "--modification-date=2023111422132000", (dir.path() / "tree").string()}});
  auto patches = MakeDecoyStick(iso, dir.path() / "decoy.qcow2");
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[1].what, "ISO 9660 modification date");
  auto decoy = AsRaw(dir.path() / "decoy.qcow2");
  EXPECT_EQ(Blkid(iso, "UUID"), "2023-11-14-22-13-20-00\n");
  EXPECT_EQ(Blkid(decoy, "UUID"), "1980-01-01-00-00-00-00\n");
  EXPECT_EQ(Blkid(decoy, "LABEL"), "LIVECHECK\n");
  auto extracted = dir.path() / "extracted";
  auto r = RunProcess({.argv = {"xorriso", "-osirrox", "on", "-indev", decoy.string(), "-extract", "/live/root.squashfs",
                                extracted.string()}});
  EXPECT_EQ(ReadFile(extracted), "the root\n") << r.err;
}

TEST(DecoyStickTest, NothingToChangeIsAnError) {
  auto dir = testing::MakeTestDir();
  auto blank = dir.path() / "blank.img";
  WriteFileAtomic(blank, std::string(1 << 20, '\0'));
  EXPECT_TRUE(DecoyPatches([&](uint64_t, size_t) { return std::string(); }).empty());
  try {
    MakeDecoyStick(blank, dir.path() / "decoy.qcow2");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no FAT or ISO 9660 file system found"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "decoy.qcow2"));
}

}  // namespace
}  // namespace livecheck
