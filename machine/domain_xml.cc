#include "machine/domain_xml.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/xml_escape.h"
#include "machine/decoy_stick.h"

namespace livecheck {
namespace {

std::string Esc(const std::string& text) { return XmlEscape(text); }

std::string BootOrder(bool boots) { return boots ? "      <boot order='1'/>\n" : ""; }

}  // namespace

std::string DomainXml(const MachineDescription& m, const std::string& name) {
  bool pc = m.boot == BootMode::kBiosCdrom;
  if (m.usb == UsbEmulation::kUas) throw Error("--backend libvirt: a UAS stick is not supported (use xhci or ehci)");
  if (!m.internal_disks.empty() && m.internal_disk_bus == DiskBus::kNvme)
    throw Error("--backend libvirt: an NVMe internal disk is not supported (use ahci or virtio)");
  std::string os = fmt::format("    <type arch='x86_64' machine='{}'>hvm</type>\n", pc ? "pc" : "q35");
  if (m.boot == BootMode::kDirectKernel)
    os += fmt::format("    <kernel>{}</kernel>\n    <initrd>{}</initrd>\n    <cmdline>{}</cmdline>\n",
                      Esc(m.kernel.string()), Esc(m.initrd.string()), Esc(m.append));
  if (m.boot == BootMode::kUefiUsb)
    os += fmt::format("    <loader readonly='yes' type='pflash'>{}</loader>\n    <nvram>{}</nvram>\n",
                      Esc(m.ovmf_code.string()), Esc(m.ovmf_vars.string()));

  std::string devices = "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n";
  if (!m.console_socket.empty())
    devices += fmt::format("    <serial type='unix'>\n      <source mode='bind' path='{}'/>\n      <log file='{}'/>\n"
                           "      <target port='0'/>\n    </serial>\n",
                           Esc(m.console_socket.string()), Esc(m.serial_log.string()));
  else
    devices += fmt::format("    <serial type='file'>\n      <source path='{}'/>\n      <target port='0'/>\n    </serial>\n",
                           Esc(m.serial_log.string()));
  if (!m.agent_socket.empty())
    devices += fmt::format("    <serial type='unix'>\n      <source mode='bind' path='{}'/>\n      <target port='1'/>\n"
                           "    </serial>\n",
                           Esc(m.agent_socket.string()));
  bool firmware_boot = m.boot == BootMode::kBiosUsb || m.boot == BootMode::kUefiUsb;
  if (!m.stick.empty() || !m.decoy_stick.empty())
    devices += m.usb == UsbEmulation::kEhci ? "    <controller type='usb' model='ich9-ehci1'/>\n"
                                            : "    <controller type='usb' model='qemu-xhci'/>\n";
  std::string decoy;
  if (!m.decoy_stick.empty())
    decoy = fmt::format("    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
                        "      <source file='{}'/>\n      <target dev='{}' bus='usb' removable='{}'/>\n"
                        "      <serial>{}</serial>\n      <alias name='ua-{}'/>\n    </disk>\n",
                        Esc(m.decoy_stick.string()), kDecoyTarget, m.stick_removable ? "on" : "off", kDecoySerial,
                        kDecoyDrive);
  if (m.decoy_first) devices += decoy;
  if (!m.stick.empty()) {
    devices += fmt::format("    <disk type='file' device='disk'>\n      <driver name='qemu' type='{}'/>\n"
                           "      <source file='{}'/>\n      <target dev='{}' bus='usb' removable='{}'/>\n"
                           "{}{}      <alias name='ua-stick'/>\n    </disk>\n",
                           m.stick_format, Esc(m.stick.string()), kStickTarget, m.stick_removable ? "on" : "off", m.stick_read_only ? "      <readonly/>\n" : "",
                           BootOrder(firmware_boot));
  }
  if (!m.decoy_first) devices += decoy;
  for (size_t i = 0; i < m.internal_disks.size(); ++i) {
    bool virtio = m.internal_disk_bus == DiskBus::kVirtio;
    devices += fmt::format("    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
                           "      <source file='{}'/>\n      <target dev='{}' bus='{}'/>\n"
                           "      <alias name='ua-{}'/>\n    </disk>\n",
                           Esc(m.internal_disks[i].string()), InternalTarget(i, virtio),
                           virtio ? "virtio" : (pc ? "ide" : "sata"), InternalDriveName(i));
  }
  if (!m.cdrom.empty())
    devices += fmt::format("    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n"
                           "      <source file='{}'/>\n      <target dev='hdc' bus='{}'/>\n      <readonly/>\n"
                           "{}      <alias name='ua-cd'/>\n    </disk>\n",
                           Esc(m.cdrom.string()), pc ? "ide" : "sata", BootOrder(true));
  devices += "    <memballoon model='none'/>\n";

  return fmt::format(
      "<domain type='{}'>\n"
      "  <name>{}</name>\n"
      "  <memory unit='MiB'>{}</memory>\n"
      "  <vcpu>1</vcpu>\n"
      "  <os>\n{}  </os>\n"
      "  <features><acpi/></features>\n"
      "  <on_poweroff>destroy</on_poweroff>\n"
      "  <on_reboot>destroy</on_reboot>\n"
      "  <on_crash>destroy</on_crash>\n"
      "  <devices>\n{}  </devices>\n"
      "  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>\n"
      "</domain>\n",
      m.accel == "kvm" ? "kvm" : "qemu", Esc(name), m.memory_mb, os, devices);
}

}  // namespace livecheck
