#include "machine/boot_entry.h"

#include <gtest/gtest.h>

#include <map>

namespace livecheck {
namespace {

ReadMediumFile Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> std::optional<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SyslinuxConfigTest, DefaultLabelWithInitrdInAppend) {
  std::string error;
  auto entry = ParseSyslinuxConfig("/isolinux/isolinux.cfg",
                                   Files({{"/isolinux/isolinux.cfg",
                                           "serial 0 115200\ndefault live\nprompt 0\nlabel rescue\n  kernel /r/vmlinuz\n"
                                           "  append initrd=/r/initrd.img\nlabel live\n  kernel /live/vmlinuz\n"
                                           "  append initrd=/live/initrd.img boot=live console=ttyS0,115200\n"}}),
                                   error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->kernel, "/live/vmlinuz");
  EXPECT_EQ(entry->initrds, std::vector<std::string>{"/live/initrd.img"});
  EXPECT_EQ(entry->append, "boot=live console=ttyS0,115200");
  EXPECT_EQ(entry->source, "/isolinux/isolinux.cfg: label live");
}

// Debian live's layout: a menu module as default, labels in an included
// file, the default one marked with "menu default", relative includes.
TEST(SyslinuxConfigTest, MenuDefaultInAnIncludedFile) {
  std::string error;
  auto entry = ParseSyslinuxConfig(
      "/isolinux/isolinux.cfg",
      Files({{"/isolinux/isolinux.cfg", "include menu.cfg\ndefault vesamenu.c32\nprompt 0\ntimeout 0\n"},
             {"/isolinux/menu.cfg", "menu hshift 0\nmenu include stdmenu.cfg\ninclude live.cfg\n"},
             {"/isolinux/stdmenu.cfg", "menu background splash.png\n"},
             {"/isolinux/live.cfg", "label live-amd64-failsafe\n\tlinux /live/vmlinuz\n\tinitrd /live/initrd.img\n"
                                    "\tappend boot=live nomodeset\nlabel live-amd64\n\tmenu label ^Live system\n"
                                    "\tmenu default\n\tlinux /live/vmlinuz\n\tinitrd /live/initrd.img\n"
                                    "\tappend boot=live components quiet splash\n"}}),
      error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->kernel, "/live/vmlinuz");
  EXPECT_EQ(entry->initrds, std::vector<std::string>{"/live/initrd.img"});
  EXPECT_EQ(entry->append, "boot=live components quiet splash");
  EXPECT_EQ(entry->source, "/isolinux/live.cfg: label live-amd64");
}

TEST(SyslinuxConfigTest, RelativePathsAndSeveralInitrds) {
  std::string error;
  auto entry = ParseSyslinuxConfig("/syslinux/syslinux.cfg",
                                   Files({{"/syslinux/syslinux.cfg",
                                           "LABEL one\nKERNEL vmlinuz\nAPPEND initrd=ucode.img,initrd.img quiet "
                                           "BOOT_IMAGE=x\n"}}),
                                   error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->kernel, "/syslinux/vmlinuz");
  EXPECT_EQ(entry->initrds, (std::vector<std::string>{"/syslinux/ucode.img", "/syslinux/initrd.img"}));
  EXPECT_EQ(entry->append, "quiet");
}

TEST(SyslinuxConfigTest, ErrorsNameTheFile) {
  std::string error;
  EXPECT_FALSE(ParseSyslinuxConfig("/isolinux/isolinux.cfg", Files({}), error));
  EXPECT_EQ(error, "/isolinux/isolinux.cfg: not on the medium");
  EXPECT_FALSE(ParseSyslinuxConfig("/s.cfg", Files({{"/s.cfg", "include /s.cfg\n"}}), error));
  EXPECT_EQ(error, "/s.cfg: includes nest deeper than 8");
  EXPECT_FALSE(ParseSyslinuxConfig("/s.cfg", Files({{"/s.cfg", "default x\nlabel x\n"}}), error));
  EXPECT_EQ(error, "/s.cfg: no label with a kernel");
  EXPECT_FALSE(ParseSyslinuxConfig("/s.cfg", Files({{"/s.cfg", "label x\nkernel /k\n"}}), error));
  EXPECT_EQ(error, "/s.cfg: label x has no initrd");
}

TEST(GrubConfigTest, DefaultIndexAndTitle) {
  const std::string cfg =
      "set timeout=0\nset default=\"1\"\nmenuentry 'first' {\n  linux /a/vmlinuz quiet\n  initrd /a/initrd\n}\n"
      "menuentry \"Live system\" --class debian {\n  linux /live/vmlinuz boot=live components\n"
      "  initrd /live/initrd.img\n}\n";
  std::string error;
  auto entry = ParseGrubConfig("/boot/grub/grub.cfg", cfg, error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->kernel, "/live/vmlinuz");
  EXPECT_EQ(entry->initrds, std::vector<std::string>{"/live/initrd.img"});
  EXPECT_EQ(entry->append, "boot=live components");
  EXPECT_EQ(entry->source, "/boot/grub/grub.cfg: menuentry 'Live system'");
  auto by_title = ParseGrubConfig("/g.cfg", "set default='first'\n" + cfg.substr(cfg.find("menuentry")), error);
  ASSERT_TRUE(by_title) << error;
  EXPECT_EQ(by_title->kernel, "/a/vmlinuz");
}

TEST(GrubConfigTest, SubmenusAreSkippedAndVariablesRefused) {
  std::string error;
  auto entry = ParseGrubConfig("/g.cfg",
                               "submenu 'more' {\n menuentry 'inner' {\n  linux /in\n  initrd /in.img\n }\n}\n"
                               "menuentry 'outer' {\n linux /out root=x\n initrd /out.img\n}\n",
                               error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->kernel, "/out");
  EXPECT_FALSE(ParseGrubConfig("/g.cfg", "menuentry 'x' {\n linux ($root)/k\n initrd /i\n}\n", error));
  EXPECT_NE(error.find("give --kernel/--initrd"), std::string::npos) << error;
  EXPECT_FALSE(ParseGrubConfig("/g.cfg", "set x=1\n", error));
  EXPECT_EQ(error, "/g.cfg: no menuentry with a linux line");
}

}  // namespace
}  // namespace livecheck
