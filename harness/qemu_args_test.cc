#include "harness/qemu_args.h"

#include <algorithm>

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(QemuArgsTest, DirectKernelWithReadOnlyStick) {
  MachineDescription m{.kernel = "/k", .initrd = "/i", .append = "quiet", .stick = "/s.img", .serial_log = "/log"};
  EXPECT_EQ(QemuCommand(m),
            (std::vector<std::string>{"qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "1024",
                                      "-nodefaults", "-display", "none", "-no-reboot", "-nic", "none", "-serial",
                                      "file:/log", "-kernel", "/k", "-initrd", "/i", "-append", "quiet", "-device",
                                      "qemu-xhci,id=xhci", "-drive",
                                      "if=none,id=stick,format=raw,file=/s.img,readonly=on", "-device",
                                      "usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on"}));
}

TEST(QemuArgsTest, FirmwareBootPutsBootindexOnStick) {
  MachineDescription m{.boot = BootMode::kUefiUsb, .stick = "/s.img", .ovmf_vars = "/vars.fd"};
  auto argv = QemuCommand(m);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on,bootindex=0"),
            argv.end());
  EXPECT_NE(std::find(argv.begin(), argv.end(), "if=pflash,format=raw,unit=1,file=/vars.fd"), argv.end());
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "-kernel"), argv.end());
}

TEST(QemuArgsTest, CdromBootUsesPcMachine) {
  MachineDescription m{.boot = BootMode::kBiosCdrom, .cdrom = "/live.iso"};
  auto argv = QemuCommand(m);
  EXPECT_EQ(argv[2], "pc,accel=tcg");
  EXPECT_EQ(argv.back(), "ide-cd,drive=cd,bootindex=0");
}

}  // namespace
}  // namespace livecheck
