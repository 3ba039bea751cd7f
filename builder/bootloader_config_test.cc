#include "builder/bootloader_config.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(BootloaderConfigTest, CommandLineKeepsConsoleAndPanicSettings) {
  EXPECT_EQ(KernelCommandLine(""), "console=ttyS0,115200 quiet panic=-1 no_timer_check cryptomgr.notests");
  EXPECT_EQ(KernelCommandLine("live.toram=1"),
            "console=ttyS0,115200 quiet panic=-1 no_timer_check cryptomgr.notests live.toram=1");
  EXPECT_EQ(ReferenceCommandLine(), "console=ttyS0,115200 quiet panic=-1 no_timer_check");
}

TEST(BootloaderConfigTest, SyslinuxBootsLiveKernelWithInitrd) {
  auto cfg = SyslinuxConfig("console=ttyS0");
  EXPECT_NE(cfg.find("KERNEL /live/vmlinuz\n"), std::string::npos);
  EXPECT_NE(cfg.find("APPEND initrd=/live/initrd.img console=ttyS0\n"), std::string::npos);
  EXPECT_NE(cfg.find("TIMEOUT 0\n"), std::string::npos);
}

TEST(BootloaderConfigTest, GrubSearchesTheLabel) {
  auto cfg = GrubEmbeddedConfig("LIVECHECK", "quiet");
  EXPECT_NE(cfg.find("search --no-floppy --label LIVECHECK --set=root\n"), std::string::npos);
  EXPECT_NE(cfg.find("linux ($root)/live/vmlinuz quiet\n"), std::string::npos);
  EXPECT_NE(cfg.find("initrd ($root)/live/initrd.img\n"), std::string::npos);
}

}  // namespace
}  // namespace livecheck
