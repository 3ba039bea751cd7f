#pragma once
#include <string>
#include <vector>

namespace livecheck {

struct BuildArgs {
  std::string config = "builder/variants.toml";
  std::vector<std::string> variants;
  std::string out = "out/images";
  int jobs = 1;
};
int RunBuildCommand(const BuildArgs& args);

struct RunArgs {
  std::vector<std::string> scenarios;  ///< files or directories; default: scenarios/
  std::vector<std::string> variants;
  std::string config = "builder/variants.toml";
  std::string images = "out/images";
  std::string report_dir = "out/report";
  std::string accel = "auto";
  std::string shard;  ///< "K/N"
  int jobs = 1;
  int repeat = 1;
  int retry_errors = 0;  ///< --retry-errors: reruns of an infrastructure ERROR
  double timeout = 0;  ///< seconds; 0: each scenario's own
  bool recalibrate = false;  ///< measure the host reference even if cached
  bool keep = false;
  std::string runtime_dir = "/tmp";  ///< where each VM's private directory is made
  // --image: a medium livecheck did not build.
  std::string image;
  std::string boot;
  std::string kernel, initrd, append;
  std::string internal_disk;  ///< "", or a comma-separated list of auto, hazards and disk image files
  std::string decoy_stick;    ///< attach a decoy stick in every run: after or before the medium
  bool fixed_stick = false;   ///< the stick reports fixed media in every run (stick_removable = false)
  std::string ready_pattern = "[#$] $";
  std::string shell_prompt = "[#$] $";
  std::string guest = "auto";
  std::vector<std::string> checks;
  int memory_mb = 2048;
  bool no_disk_diff = false;
  std::string backend = "qemu";
  std::string kernel_entry = "auto";  ///< direct boots: auto (PVH when built) or bzimage
  std::string cpu;  ///< QEMU -cpu; empty: x86-64-v2 under TCG, qemu64 under KVM
  std::vector<std::string> connect;  ///< libvirt URIs; runs are spread over them
  std::string evidence;  ///< write an evidence bundle here (must not exist)
  std::string sign_key;  ///< Ed25519 private key (PEM) to sign it with
  std::string version;   ///< "livecheck 0.1.0 (git ...)", for the bundle
};
int RunRunCommand(const RunArgs& args);

int RunDoctorCommand(const std::string& images);

int RunVerifyCommand(const std::string& dir, const std::string& key);

struct BenchArgs {
  std::string backends = "overlay,unionfs-fuse,fuse-overlayfs,aufs";
  std::string compressors = "xz,zstd,lz4,gzip";
  std::string workloads;  ///< comma-separated; default: all
  std::string images = "out/images";
  std::string report_dir = "out/bench";
  std::string accel = "auto";
  int repeat = 3;
  int jobs = 1;
  bool no_toram = false;
};
int RunBenchCommand(const BenchArgs& args);

/// Exit 0: no regression; 1: a figure regressed; 2: incompatible or malformed reports.
/// `raw`: compare figures as measured, not normalised by the two host references.
int RunCompareCommand(const std::string& baseline, const std::string& current, double threshold_percent, bool raw);

}  // namespace livecheck
