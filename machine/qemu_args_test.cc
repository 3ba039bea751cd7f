#include "machine/qemu_args.h"

#include <algorithm>

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(QemuArgsTest, DirectKernelWithReadOnlyStick) {
  MachineDescription m{.kernel = "/k", .initrd = "/i", .append = "quiet", .stick = "/s.img", .serial_log = "/log"};
  EXPECT_EQ(QemuCommand(m),
            (std::vector<std::string>{"qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt", "-m", "1024",
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

// The decoy takes the USB port after the medium's, with its own serial; a
// CD boot gets a USB controller for it alone.
TEST(QemuArgsTest, DecoyStickAfterTheMediumOnTheSameBus) {
  MachineDescription m{.stick = "/s.qcow2", .stick_format = "qcow2", .decoy_stick = "/d.qcow2"};
  auto argv = QemuCommand(m);
  auto at = [&](const std::string& arg) { return std::find(argv.begin(), argv.end(), arg) - argv.begin(); };
  auto decoy = at("usb-storage,bus=xhci.0,drive=decoy,id=decoydev,removable=on,serial=LIVECHECK-DECOY");
  EXPECT_LT(decoy, static_cast<long>(argv.size()));
  EXPECT_LT(at("usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on"), decoy);
  EXPECT_LT(at("if=none,id=decoy,format=qcow2,file=/d.qcow2"), decoy);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "qemu-xhci,id=xhci"), 1);

  m.decoy_first = true;
  argv = QemuCommand(m);
  EXPECT_LT(at("usb-storage,bus=xhci.0,drive=decoy,id=decoydev,removable=on,serial=LIVECHECK-DECOY"),
            at("usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on"));

  MachineDescription cd{.boot = BootMode::kBiosCdrom, .cdrom = "/live.iso", .decoy_stick = "/d.qcow2"};
  argv = QemuCommand(cd);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "qemu-xhci,id=xhci"), 1);
  EXPECT_NE(at("usb-storage,bus=xhci.0,drive=decoy,id=decoydev,removable=on,serial=LIVECHECK-DECOY"),
            static_cast<long>(argv.size()));
}

TEST(QemuArgsTest, RunnerChannelsInternalDiskAndNoShutdown) {
  MachineDescription m{.kernel = "/k", .initrd = "/i", .stick = "/run/stick.qcow2", .stick_format = "qcow2",
                       .stick_read_only = false, .serial_log = "/run/console.log", .qmp_socket = "/run/qmp.sock",
                       .agent_socket = "/run/agent.sock", .internal_disks = {"/run/internal.qcow2"}, .no_shutdown = true};
  auto argv = QemuCommand(m);
  auto after = [&](const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == flag && argv[i + 1] == value) return true;
    return false;
  };
  EXPECT_TRUE(after("-serial", "file:/run/console.log"));                       // ttyS0
  EXPECT_TRUE(after("-serial", "unix:/run/agent.sock,server=on,wait=off"));     // ttyS1: the agent
  EXPECT_TRUE(after("-qmp", "unix:/run/qmp.sock,server=on,wait=off"));
  EXPECT_TRUE(after("-drive", "if=none,id=stick,format=qcow2,file=/run/stick.qcow2"));  // writable overlay
  EXPECT_TRUE(after("-drive", "if=none,id=internal,format=qcow2,file=/run/internal.qcow2"));
  EXPECT_TRUE(after("-device", "ide-hd,drive=internal,bus=ide.2"));
  EXPECT_NE(std::find(argv.begin(), argv.end(), "-no-shutdown"), argv.end());
  // The console comes before the agent: ttyS0 must be the log, ttyS1 the agent.
  auto console = std::find(argv.begin(), argv.end(), "file:/run/console.log");
  auto agent = std::find(argv.begin(), argv.end(), "unix:/run/agent.sock,server=on,wait=off");
  EXPECT_LT(console, agent);
}

TEST(QemuArgsTest, UsbEmulationsAndDiskBuses) {
  auto has = [](const std::vector<std::string>& argv, const std::string& value) {
    return std::find(argv.begin(), argv.end(), value) != argv.end();
  };
  auto uas = QemuCommand({.stick = "/s", .usb = UsbEmulation::kUas, .internal_disks = {"/d"}, .internal_disk_bus = DiskBus::kNvme});
  EXPECT_TRUE(has(uas, "usb-uas,bus=xhci.0,id=stickdev"));
  EXPECT_TRUE(has(uas, "scsi-hd,bus=stickdev.0,scsi-id=0,lun=0,drive=stick,removable=on"));
  EXPECT_TRUE(has(uas, "nvme,drive=internal,serial=livecheck-internal"));
  auto ehci = QemuCommand({.boot = BootMode::kBiosUsb, .stick = "/s", .usb = UsbEmulation::kEhci, .internal_disks = {"/d"},
                           .internal_disk_bus = DiskBus::kVirtio});
  EXPECT_TRUE(has(ehci, "usb-ehci,id=ehci"));
  EXPECT_TRUE(has(ehci, "usb-storage,bus=ehci.0,drive=stick,id=stickdev,removable=on,bootindex=0"));
  EXPECT_TRUE(has(ehci, "virtio-blk-pci,drive=internal"));
  auto fixed = QemuCommand({.stick = "/s", .usb = UsbEmulation::kUas, .stick_removable = false});
  EXPECT_TRUE(has(fixed, "scsi-hd,bus=stickdev.0,scsi-id=0,lun=0,drive=stick,removable=off"));
  auto fixed_xhci = QemuCommand({.stick = "/s", .stick_removable = false});
  EXPECT_TRUE(has(fixed_xhci, "usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=off"));
}

// Several internal disks: each its own drive id and port, in order.
TEST(QemuArgsTest, SeveralInternalDisksTakeOnePortEach) {
  auto argv = QemuCommand({.stick = "/s", .internal_disks = {"/a", "/b", "/c"}});
  auto has = [&](const std::string& value) { return std::find(argv.begin(), argv.end(), value) != argv.end(); };
  EXPECT_TRUE(has("if=none,id=internal,format=qcow2,file=/a"));
  EXPECT_TRUE(has("ide-hd,drive=internal,bus=ide.2"));
  EXPECT_TRUE(has("if=none,id=internal2,format=qcow2,file=/b"));
  EXPECT_TRUE(has("ide-hd,drive=internal2,bus=ide.3"));
  EXPECT_TRUE(has("ide-hd,drive=internal3,bus=ide.4"));
  auto nvme = QemuCommand({.internal_disks = {"/a", "/b"}, .internal_disk_bus = DiskBus::kNvme});
  EXPECT_NE(std::find(nvme.begin(), nvme.end(), "nvme,drive=internal2,serial=livecheck-internal2"), nvme.end());
  auto pc = QemuCommand({.boot = BootMode::kBiosCdrom, .cdrom = "/cd.iso", .internal_disks = {"/a", "/b"}});
  EXPECT_NE(std::find(pc.begin(), pc.end(), "ide-hd,drive=internal2,bus=ide.1,unit=1"), pc.end());
  EXPECT_ERROR_CONTAINS(QemuCommand({.boot = BootMode::kBiosCdrom, .cdrom = "/cd.iso", .internal_disks = {"/a", "/b", "/c"}}),
                        "3 internal disks: the pc machine takes at most 2");
  EXPECT_ERROR_CONTAINS(QemuCommand({.internal_disks = {"/a", "/b", "/c", "/d", "/e"}}),
                        "5 internal disks: the q35 machine takes at most 4");
}

TEST(QemuArgsTest, KvmUsesPortableCpuModel) {
  // -cpu host aborts on these machines (MSR 0x10a); max under KVM means host.
  auto argv = QemuCommand({.accel = "kvm"});
  EXPECT_EQ(argv[2], "q35,accel=kvm");
  EXPECT_EQ(argv[4], "qemu64");
}

TEST(QemuArgsTest, ChosenCpuModelReplacesTheDefault) {
  auto argv = QemuCommand({.accel = "tcg", .cpu = "max"});
  EXPECT_EQ(argv[3], "-cpu");
  EXPECT_EQ(argv[4], "max");
}

TEST(QemuArgsTest, TcgRunsOnSmallHostPagesKvmOnQemusDefault) {
  EXPECT_EQ(HostPagesFor({.accel = "tcg"}), HostPages::kSmall);
  EXPECT_EQ(HostPagesFor({.accel = "kvm"}), HostPages::kQemuDefault);
}

TEST(QemuArgsTest, CdromBootUsesPcMachine) {
  MachineDescription m{.boot = BootMode::kBiosCdrom, .cdrom = "/live.iso"};
  auto argv = QemuCommand(m);
  EXPECT_EQ(argv[2], "pc,accel=tcg");
  EXPECT_EQ(argv.back(), "ide-cd,drive=cd,bootindex=0");
}

}  // namespace
}  // namespace livecheck
