#include "evidence/ram_copy_check.h"

#include "common/testing.h"

namespace livecheck {
namespace {

using testing::Mount;

TEST(RamCopyCheckTest, RamCopyVerifiesEveryManifestFile) {
  std::vector<RootfsEntry> manifest = {{"/bin/busybox", "file", 0755, 3, "aa", ""}, {"/etc", "dir", 0755, 0, "", ""},
                                       {"/etc/passwd", "file", 0644, 3, "bb", ""}};
  nlohmann::json e = {{"toram", true},
                      {"mounts_before", {Mount("/run/live/toram", "tmpfs", "rw")}},
                      {"unplugged", true},
                      {"files", {{{"path", "/bin/busybox"}, {"sha256", "aa"}}, {{"path", "/etc/passwd"}, {"sha256", "bb"}}}}};
  EXPECT_EQ(CheckRamCopy(e, manifest).status, Status::kPass);

  auto broken = e;
  broken["files"][1] = {{"path", "/etc/passwd"}, {"error", "EIO"}};
  auto r = CheckRamCopy(broken, manifest);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary,
            "the system depended on the stick: 1 of 2 files failed verification after the unplug (first: /etc/passwd EIO)");

  auto mounted = e;
  mounted["mounts_before"].push_back(Mount("/run/live/medium", "vfat", "ro", "/dev/sda1"));
  EXPECT_EQ(CheckRamCopy(mounted, manifest).summary, "the medium is still mounted at /run/live/medium (vfat)");

  auto died = e;
  died["verify_error"] = "the guest stopped answering (timeout)";
  EXPECT_EQ(CheckRamCopy(died, manifest).status, Status::kFail);

  auto control = e;
  control["toram"] = false;
  EXPECT_EQ(CheckRamCopy(control, manifest).status, Status::kFail);
}

TEST(RamCopyCheckTest, RamCopyReadback) {
  nlohmann::json e = {{"unplugged", true}, {"digests_before", "a  /bin/x\n"}, {"status_before", 0},
                      {"digests_after", "a  /bin/x\n"}, {"status_after", 0}};
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kPass);
  e["status_after"] = 1;
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kFail);
  e["status_after"] = 0;
  e["verify_error"] = "the shell stopped answering";
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kFail);
}

}  // namespace
}  // namespace livecheck
