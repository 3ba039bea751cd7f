#include "machine/qemu_args.h"

#include <fmt/format.h>

#include "common/error.h"
#include "machine/cpu_model.h"
#include "machine/decoy_stick.h"

namespace livecheck {

std::vector<std::string> QemuCommand(const MachineDescription& m) {
  // q35 is marginally faster than pc here and is what OVMF wants; pc's IDE
  // gives SeaBIOS a plain CD drive for the ISO.
  std::string machine = m.boot == BootMode::kBiosCdrom ? "pc" : "q35";
  std::vector<std::string> argv = {
      "qemu-system-x86_64", "-machine", machine + ",accel=" + m.accel, "-cpu", CpuModelFor(m.accel, m.cpu),
      "-m", std::to_string(m.memory_mb), "-nodefaults", "-display", "none", "-no-reboot", "-nic", "none"};
  if (!m.console_socket.empty()) {
    argv.insert(argv.end(), {"-chardev", "socket,id=console,path=" + m.console_socket.string() +
                                             ",server=on,wait=off,logfile=" + m.serial_log.string(),
                             "-serial", "chardev:console"});
  } else if (!m.serial_log.empty()) {
    argv.insert(argv.end(), {"-serial", "file:" + m.serial_log.string()});
  } else {
    argv.insert(argv.end(), {"-serial", "null"});
  }
  if (!m.agent_socket.empty())
    argv.insert(argv.end(), {"-serial", "unix:" + m.agent_socket.string() + ",server=on,wait=off"});
  if (m.no_shutdown) argv.push_back("-no-shutdown");
  if (!m.qmp_socket.empty()) argv.insert(argv.end(), {"-qmp", "unix:" + m.qmp_socket.string() + ",server=on,wait=off"});
  if (m.boot == BootMode::kUefiUsb) {
    argv.insert(argv.end(), {"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + m.ovmf_code.string(),
                             "-drive", "if=pflash,format=raw,unit=1,file=" + m.ovmf_vars.string()});
  }
  if (m.boot == BootMode::kDirectKernel) {
    argv.insert(argv.end(), {"-kernel", m.kernel.string(), "-initrd", m.initrd.string(), "-append", m.append});
  }
  // The USB controller, then the stick and the decoy on it (the decoy after
  // the stick, or before it).
  if (!m.stick.empty() || !m.decoy_stick.empty()) {
    argv.insert(argv.end(), {"-device", m.usb == UsbEmulation::kEhci ? "usb-ehci,id=ehci" : "qemu-xhci,id=xhci"});
    // Most sticks report removable media; QEMU's usb-storage does only when
    // told. The device to unplug is always id=stickdev.
    std::string removable = m.stick_removable ? ",removable=on" : ",removable=off";
    std::string bus = m.usb == UsbEmulation::kEhci ? "ehci.0" : "xhci.0";
    auto add_stick = [&](const std::string& drive_id, const std::string& device_id, const std::string& drive,
                         const std::string& extra) {
      argv.insert(argv.end(), {"-drive", drive});
      if (m.usb == UsbEmulation::kUas)
        argv.insert(argv.end(), {"-device", "usb-uas,bus=" + bus + ",id=" + device_id, "-device",
                                 "scsi-hd,bus=" + device_id + ".0,scsi-id=0,lun=0,drive=" + drive_id + removable + extra});
      else
        argv.insert(argv.end(),
                    {"-device", "usb-storage,bus=" + bus + ",drive=" + drive_id + ",id=" + device_id + removable + extra});
    };
    // QEMU gives each device the next free port, so the order here is the
    // order of the ports.
    auto add_decoy = [&] {
      if (!m.decoy_stick.empty())
        add_stick(kDecoyDrive, "decoydev",
                  std::string("if=none,id=") + kDecoyDrive + ",format=qcow2,file=" + m.decoy_stick.string(),
                  std::string(",serial=") + kDecoySerial);
    };
    if (m.decoy_first) add_decoy();
    if (!m.stick.empty()) {
      std::string drive = "if=none,id=stick,format=" + m.stick_format + ",file=" + m.stick.string();
      if (m.stick_read_only) drive += ",readonly=on";
      // bootindex only where firmware boots: with -kernel it clashes ("bootindex 0 has already been used").
      std::string boot = (m.boot == BootMode::kBiosUsb || m.boot == BootMode::kUefiUsb) ? ",bootindex=0" : "";
      add_stick("stick", "stickdev", drive, boot);
    }
    if (!m.decoy_first) add_decoy();
  }
  if (m.internal_disks.size() > (machine == "q35" ? kMaxInternalDisks : 2))
    throw Error(fmt::format("{} internal disks: the {} machine takes at most {}", m.internal_disks.size(), machine,
                            machine == "q35" ? kMaxInternalDisks : 2));
  for (size_t i = 0; i < m.internal_disks.size(); ++i) {
    // The machine's own disks: SATA on its AHCI (q35: ports 2-5) or IDE
    // (pc: the second channel) controller, NVMe, or virtio-blk.
    auto id = InternalDriveName(i);
    argv.insert(argv.end(), {"-drive", fmt::format("if=none,id={},format=qcow2,file={}", id, m.internal_disks[i].string())});
    switch (m.internal_disk_bus) {
      case DiskBus::kAhci:
        argv.insert(argv.end(), {"-device", machine == "q35" ? fmt::format("ide-hd,drive={},bus=ide.{}", id, 2 + i)
                                                             : fmt::format("ide-hd,drive={},bus=ide.1,unit={}", id, i)});
        break;
      case DiskBus::kNvme:
        argv.insert(argv.end(), {"-device", fmt::format("nvme,drive={},serial=livecheck-{}", id, id)});
        break;
      case DiskBus::kVirtio:
        argv.insert(argv.end(), {"-device", "virtio-blk-pci,drive=" + id});
        break;
    }
  }
  if (!m.cdrom.empty()) {
    argv.insert(argv.end(), {"-drive", "if=none,id=cd,media=cdrom,readonly=on,file=" + m.cdrom.string(), "-device",
                             "ide-cd,drive=cd,bootindex=0"});
  }
  return argv;
}

HostPages HostPagesFor(const MachineDescription& machine) {
  return machine.accel == "tcg" ? HostPages::kSmall : HostPages::kQemuDefault;
}

}  // namespace livecheck
