#include "builder/bootloader_config.h"

#include <fmt/format.h>

namespace livecheck {

std::string ReferenceCommandLine() { return "console=ttyS0,115200 quiet panic=-1 no_timer_check"; }

std::string KernelCommandLine(const std::string& extra) {
  std::string cmdline = ReferenceCommandLine() + " cryptomgr.notests";
  if (!extra.empty()) cmdline += " " + extra;
  return cmdline;
}

std::string SyslinuxConfig(const std::string& cmdline) {
  return fmt::format(
      "SERIAL 0 115200\n"
      "DEFAULT live\n"
      "TIMEOUT 0\n"
      "PROMPT 0\n"
      "LABEL live\n"
      "  KERNEL /live/vmlinuz\n"
      "  APPEND initrd=/live/initrd.img {}\n",
      cmdline);
}

std::string GrubEmbeddedConfig(const std::string& label, const std::string& cmdline) {
  return fmt::format(
      "serial --unit=0 --speed=115200\n"
      "terminal_input serial console\n"
      "terminal_output serial console\n"
      "set timeout=0\n"
      "search --no-floppy --label {0} --set=root\n"
      "echo 'livecheck: booting from' $root\n"
      "linux ($root)/live/vmlinuz {1}\n"
      "initrd ($root)/live/initrd.img\n"
      "boot\n",
      label, cmdline);
}

}  // namespace livecheck
