// livecheck: build and verify Linux live images.
//
//   livecheck build    build image variants from a TOML file (builder/)
//   livecheck run      boot variants under QEMU, run scenarios, write reports (runner/, reports/)
//   livecheck doctor   what this host has and lacks
#include <signal.h>

#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "common/error.h"
#include "common/install_layout.h"
#include "common/interrupt.h"
#include "common/process.h"
#include "machine/libvirt_domain.h"

namespace livecheck {
namespace {

int Main(int argc, char** argv) {
  CLI::App app{"livecheck: build and verify Linux live images"};
  app.require_subcommand(1);
  const std::string version = fmt::format("livecheck {} (git {})", LIVECHECK_VERSION, LIVECHECK_GIT_REVISION);
  app.set_version_flag("--version", version);
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  BuildArgs build_args{.jobs = cores};
  auto* build = app.add_subcommand("build", "Build live image variants (squashfs, initramfs, boot media)");
  build->add_option("--config", build_args.config, "Variants file (TOML)")->capture_default_str();
  build->add_option("--variant", build_args.variants, "Build only these variants (repeatable)");
  build->add_option("--out", build_args.out, "Output directory")->capture_default_str();
  build->add_option("--jobs,-j", build_args.jobs, "Variants built at once")->check(CLI::Range(1, 64))->capture_default_str();

  RunArgs run_args{.jobs = cores};
  run_args.version = version;
  auto* run = app.add_subcommand("run", "Boot variants in QEMU, run scenarios and checks, write reports");
  run->add_option("scenarios", run_args.scenarios, "Scenario files or directories (default: scenarios/)");
  run->add_option("--variant", run_args.variants, "Only these variants (repeatable)");
  run->add_option("--config", run_args.config, "Variants file (TOML)")->capture_default_str();
  run->add_option("--images", run_args.images, "Image directory (built or reused)")->capture_default_str();
  run->add_option("--report-dir", run_args.report_dir, "Where report.json, junit.xml, report.html go")
      ->capture_default_str();
  run->add_option("-j,--jobs", run_args.jobs, "VMs at once")->check(CLI::Range(1, 64))->capture_default_str();
  run->add_option("--repeat", run_args.repeat, "Runs of every pair (timings: min/median/max)")
      ->check(CLI::Range(1, 100))->capture_default_str();
  run->add_option("--retry-errors", run_args.retry_errors,
                  "Rerun a run whose ERROR is the infrastructure's (QEMU killed, a channel timed out) up to N more "
                  "times; FAILs and the image's ERRORs never")
      ->check(CLI::Range(0, 10))->capture_default_str();
  run->add_option("--accel", run_args.accel, "auto (probe KVM with a real boot), kvm or tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))->capture_default_str();
  run->add_option("--shard", run_args.shard, "Run only shard K of N (K/N)");
  run->add_option("--timeout", run_args.timeout, "Per-run timeout in seconds (default: the scenario's)")
      ->check(CLI::PositiveNumber);
  run->add_flag("--recalibrate", run_args.recalibrate,
                "Measure the host reference again (default: once per host boot and accelerator)");
  run->add_flag("--keep", run_args.keep, "Keep the VMs' runtime directories");
  run->add_option("--backend", run_args.backend, "qemu (livecheck starts QEMU) or libvirt")
      ->check(CLI::IsMember({"qemu", "libvirt"}))->capture_default_str();
  run->add_option("--connect", run_args.connect,
                  "With --backend libvirt: connection URI (repeatable: runs are spread over them; "
                  "default qemu:///system)");
  run->add_option("--kernel-entry", run_args.kernel_entry,
                  "Direct boots: auto (the variant's vmlinux through PVH when it has one) or bzimage (vmlinuz)")
      ->check(CLI::IsMember({"auto", "bzimage"}))->capture_default_str();
  run->add_option("--cpu", run_args.cpu,
                  "QEMU CPU model of the guests (qemu backend), e.g. max for an x86-64-v3 image "
                  "(default: x86-64-v2 under TCG, qemu64 under KVM)");
  run->add_option("--evidence", run_args.evidence,
                  "Also write an evidence bundle to this new directory (reports, logs, scenarios, input hashes, "
                  "host facts, a manifest of SHA-256s; a name ending in .tar: one tar archive; see livecheck verify)");
  run->add_option("--sign-key", run_args.sign_key, "With --evidence: sign the manifest with this Ed25519 key (PEM)");
  run->add_flag("--fixed-stick", run_args.fixed_stick,
                "The stick reports fixed media, as many USB SSDs do (scenarios: stick_removable = false)");
  run->add_flag("--decoy-stick{after}", run_args.decoy_stick,
                "Attach a decoy: a second USB stick with the medium's label and files but other file-system "
                "identities, after the medium on the USB bus, or before it with --decoy-stick=before "
                "(scenarios: decoy_stick = true or \"before\"; judged by own-medium)")
      ->check(CLI::IsMember({"after", "before"}));
  run->add_flag("--no-disk-diff", run_args.no_disk_diff,
                "Do not list the files that changed on a written disk (libguestfs, ~10 s per disk)");
  run->add_option("--image", run_args.image, "Test this live medium (USB image or ISO) instead of built variants");
  run->add_option("--boot", run_args.boot,
                  "With --image: usb-bios, usb-uefi, cdrom, iso-usb, or extracted (the medium's default boot entry "
                  "booted directly, with the agent)");
  run->add_option("--kernel", run_args.kernel, "With --image: boot this kernel directly (the image is the medium)");
  run->add_option("--initrd", run_args.initrd, "With --kernel: its initramfs");
  run->add_option("--append", run_args.append, "With --kernel: the kernel command line");
  run->add_option("--internal-disk", run_args.internal_disk,
                  "Attach internal disks (with --image), or replace the scenarios' ones: a comma-separated list (at most 4) "
                  "of auto or realistic (ext4+swap+FAT), hazards (ext4-dirty-journal, persistence-decoys, ...), or disk "
                  "images (never modified)");
  run->add_option("--ready-pattern", run_args.ready_pattern, "With --image: console regex meaning booted")
      ->capture_default_str();
  run->add_option("--shell-prompt", run_args.shell_prompt, "With --image: console regex of a root shell prompt")
      ->capture_default_str();
  run->add_option("--guest", run_args.guest,
                  "With --image: agent (livecheck's agent appended to --initrd), shell (a root shell on the "
                  "console), none (host-side checks only, the others SKIP); auto: agent with --kernel, else shell")
      ->check(CLI::IsMember({"auto", "agent", "shell", "none"}))->capture_default_str();
  run->add_option("--check", run_args.checks, "With --image and no scenario: checks to run (repeatable)");
  run->add_option("--memory", run_args.memory_mb, "With --image: guest RAM in MiB")
      ->check(CLI::Range(256, 65536))->capture_default_str();
  run->add_option("--runtime-dir", run_args.runtime_dir, "Parent of the VMs' private runtime directories")
      ->check(CLI::ExistingDirectory)->capture_default_str();

  BenchArgs bench_args;
  auto* bench = app.add_subcommand("bench", "Compare union backends and squashfs compressors, with numbers");
  bench->add_option("--backends", bench_args.backends, "Comma-separated union backends")->capture_default_str();
  bench->add_option("--compressors", bench_args.compressors, "Comma-separated squashfs compressors")->capture_default_str();
  bench->add_option("--workloads", bench_args.workloads, "Comma-separated workloads (default: all)");
  bench->add_option("--repeat", bench_args.repeat, "Fresh VMs per combination")->check(CLI::Range(1, 50))->capture_default_str();
  bench->add_option("--report-dir", bench_args.report_dir, "Where bench.json and bench.html go")->capture_default_str();
  bench->add_option("--images", bench_args.images, "Image directory")->capture_default_str();
  bench->add_option("--accel", bench_args.accel, "auto, kvm or tcg")->check(CLI::IsMember({"auto", "kvm", "tcg"}))->capture_default_str();
  bench->add_option("-j,--jobs", bench_args.jobs, "VMs at once (1 gives the cleanest figures)")->check(CLI::Range(1, 64))->capture_default_str();
  bench->add_flag("--no-toram", bench_args.no_toram, "Skip the RAM-copy timing boots");

  std::string baseline, current;
  double threshold = 10;
  auto* compare = app.add_subcommand("compare", "Compare two run or bench reports; exit 1 on a regression");
  compare->add_option("baseline", baseline, "Baseline report.json or bench.json")->required();
  compare->add_option("current", current, "Current report of the same kind")->required();
  bool compare_raw = false;
  compare->add_flag("--raw", compare_raw,
                    "Compare figures as measured (default: the baseline is scaled by the two host references)");
  compare->add_option("--threshold", threshold, "Percent worse that counts (if also beyond the repetitions' range)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();

  std::string verify_dir, verify_key;
  auto* verify = app.add_subcommand("verify", "Check an evidence bundle: every file, the signature, every verdict");
  verify->add_option("dir", verify_dir, "The bundle (run --evidence DIR or DIR.tar)")->required();
  verify->add_option("--key", verify_key, "The signer's Ed25519 public key (PEM)");

  std::string doctor_images = "out/images";
  auto* doctor = app.add_subcommand("doctor", "Show what this host has and what is missing");
  doctor->add_option("--images", doctor_images, "Image directory (for the KVM probe)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the usage error; map it to our documented "bad input" code.
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  // Without --config, a checkout's builder/variants.toml, else the installed one.
  auto exe_dir = ExecutableDir();
  if (build->count("--config") == 0) build_args.config = DefaultDataPath(build_args.config, "variants.toml", exe_dir);
  if (run->count("--config") == 0) run_args.config = DefaultDataPath(run_args.config, "variants.toml", exe_dir);
  // Ctrl-C or SIGTERM at any point: every child process (QEMU, image tools,
  // libguestfs's appliance) and every libvirt domain goes at once, then the
  // command unwinds like any failure, removing its temporary directories.
  InstallInterruptHandler();
  InterruptAction kill_children(KillChildProcesses);
  InterruptAction destroy_domains(DestroyAllDomains);
  int rc = kExitOk;
  try {
    if (*build) rc = RunBuildCommand(build_args);
    if (*run) rc = RunRunCommand(run_args);
    if (*doctor) rc = RunDoctorCommand(doctor_images);
    if (*verify) rc = RunVerifyCommand(verify_dir, verify_key);
    if (*bench) rc = RunBenchCommand(bench_args);
    if (*compare) rc = RunCompareCommand(baseline, current, threshold, compare_raw);
  } catch (const Error& e) {
    std::cerr << "livecheck: " << e.what() << std::endl;
    rc = e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "livecheck: internal error: " << e.what() << std::endl;
    rc = kExitBadInput;
  }
  // Whatever failed on the way out of an interrupted command failed because of the signal.
  return Interrupted() ? kExitInterrupted : rc;
}

}  // namespace
}  // namespace livecheck

int main(int argc, char** argv) {
  // Output piped into `head` must not kill a build or run half-way: writes just fail.
  signal(SIGPIPE, SIG_IGN);
  return livecheck::Main(argc, argv);
}
