#include "harness/qemu_args.h"

namespace livecheck {

std::vector<std::string> QemuCommand(const MachineDescription& m) {
  // q35 is marginally faster than pc here and is what OVMF wants; pc's IDE
  // gives SeaBIOS a plain CD drive for the ISO.
  std::string machine = m.boot == BootMode::kBiosCdrom ? "pc" : "q35";
  std::vector<std::string> argv = {
      "qemu-system-x86_64", "-machine", machine + ",accel=" + m.accel, "-cpu", m.accel == "kvm" ? "qemu64" : "max",
      "-m", std::to_string(m.memory_mb), "-nodefaults", "-display", "none", "-no-reboot", "-nic", "none"};
  if (!m.serial_log.empty()) {
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
  if (!m.stick.empty()) {
    std::string drive = "if=none,id=stick,format=" + m.stick_format + ",file=" + m.stick.string();
    if (m.stick_read_only) drive += ",readonly=on";
    // Real sticks report removable media; QEMU's usb-storage does only when told.
    std::string device = "usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on";
    // bootindex only where firmware boots: with -kernel it clashes ("bootindex 0 has already been used").
    if (m.boot == BootMode::kBiosUsb || m.boot == BootMode::kUefiUsb) device += ",bootindex=0";
    argv.insert(argv.end(), {"-device", "qemu-xhci,id=xhci", "-drive", drive, "-device", device});
  }
  if (!m.internal_disk.empty()) {
    // An internal SATA disk on the machine's own AHCI (q35) or IDE (pc) controller.
    argv.insert(argv.end(), {"-drive", "if=none,id=internal,format=qcow2,file=" + m.internal_disk.string(), "-device",
                             std::string("ide-hd,drive=internal,bus=") + (machine == "q35" ? "ide.2" : "ide.1")});
  }
  if (!m.cdrom.empty()) {
    argv.insert(argv.end(), {"-drive", "if=none,id=cd,media=cdrom,readonly=on,file=" + m.cdrom.string(), "-device",
                             "ide-cd,drive=cd,bootindex=0"});
  }
  return argv;
}

}  // namespace livecheck
