#include "machine/domain_xml.h"

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

MachineDescription DirectMachine() {
  return {.kernel = "/img/vmlinuz", .initrd = "/img/initrd.img", .append = "console=ttyS0 x=<&>",
          .stick = "/run/stick.qcow2", .stick_format = "qcow2", .stick_read_only = false,
          .serial_log = "/run/console.log", .agent_socket = "/run/agent.sock",
          .internal_disks = {"/run/internal.qcow2"}};
}

TEST(DomainXmlTest, DescribesTheSameMachineAsTheQemuCommand) {
  auto xml = DomainXml(DirectMachine(), "livecheck-a1");
  EXPECT_NE(xml.find("<domain type='qemu'>"), std::string::npos);
  EXPECT_NE(xml.find("<features><acpi/></features>"), std::string::npos) << "poweroff must end the guest";
  EXPECT_NE(xml.find("<cmdline>console=ttyS0 x=&lt;&amp;&gt;</cmdline>"), std::string::npos);
  EXPECT_NE(xml.find("<target dev='sda' bus='usb' removable='on'/>"), std::string::npos);
  EXPECT_NE(xml.find("<target dev='sdb' bus='sata'/>"), std::string::npos);
  EXPECT_NE(xml.find("<source mode='bind' path='/run/agent.sock'/>"), std::string::npos);
  EXPECT_EQ(xml.find("<boot order"), std::string::npos) << "a direct boot boots no disk";
  auto uefi = DirectMachine();
  uefi.boot = BootMode::kUefiUsb;
  uefi.ovmf_vars = "/run/vars.fd";
  auto uefi_xml = DomainXml(uefi, "u");
  EXPECT_NE(uefi_xml.find("<nvram>/run/vars.fd</nvram>"), std::string::npos);
  EXPECT_NE(uefi_xml.find("<boot order='1'/>"), std::string::npos);
  auto decoy = DirectMachine();
  decoy.decoy_stick = "/run/decoy.qcow2";
  auto decoy_xml = DomainXml(decoy, "d");
  EXPECT_NE(decoy_xml.find("<source file='/run/decoy.qcow2'/>\n      <target dev='sdy' bus='usb' removable='on'/>\n"
                           "      <serial>LIVECHECK-DECOY</serial>\n      <alias name='ua-decoy'/>"),
            std::string::npos)
      << decoy_xml;
  EXPECT_LT(decoy_xml.find("<source file='/run/stick.qcow2'/>"), decoy_xml.find("<source file='/run/decoy.qcow2'/>"));
  auto several = DirectMachine();
  several.internal_disks.push_back("/run/internal2.qcow2");
  several.stick_removable = false;
  auto several_xml = DomainXml(several, "s");
  EXPECT_NE(several_xml.find("<target dev='sda' bus='usb' removable='off'/>"), std::string::npos);
  EXPECT_NE(several_xml.find("<source file='/run/internal2.qcow2'/>\n      <target dev='sdc' bus='sata'/>\n"
                             "      <alias name='ua-internal2'/>"),
            std::string::npos)
      << several_xml;
  auto nvme = DirectMachine();
  nvme.internal_disk_bus = DiskBus::kNvme;
  EXPECT_ERROR_CONTAINS(DomainXml(nvme, "n"), "NVMe");
}

// libvirt's own schema accepts it (virt-xml-validate from libvirt-clients).
TEST(DomainXmlTest, ValidatesAgainstLibvirtsSchema) {
  if (!HaveExecutable("virt-xml-validate")) GTEST_SKIP() << "virt-xml-validate (libvirt-clients) not installed";
  auto dir = testing::MakeTestDir();
  auto machines = std::vector<MachineDescription>{DirectMachine()};
  auto iso = DirectMachine();
  iso.boot = BootMode::kBiosCdrom;
  iso.stick.clear();
  iso.cdrom = "/img/live.iso";
  iso.console_socket = "/run/console.sock";
  machines.push_back(iso);
  for (size_t i = 0; i < machines.size(); ++i) {
    auto file = dir.path() / ("domain" + std::to_string(i) + ".xml");
    WriteFileAtomic(file, DomainXml(machines[i], "livecheck-test"));
    auto r = RunProcess({.argv = {"virt-xml-validate", file.string(), "domain"}});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << ReadFile(file);
  }
}

}  // namespace
}  // namespace livecheck
