#include "builder/image_builder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "builder/boot_media.h"
#include "builder/bootloader_config.h"
#include "builder/build_cache.h"
#include "builder/cpio_archive.h"
#include "builder/embedded_scripts.h"
#include "builder/exclude_list.h"
#include "builder/guest_kernel.h"
#include "builder/kernel_entry.h"
#include "builder/initramfs.h"
#include "builder/manifest.h"
#include "builder/required_modules.h"
#include "builder/rootfs.h"
#include "builder/squashfs_image.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/interrupt.h"
#include "common/sha256.h"

namespace livecheck {
namespace {

// Bumped whenever the builder's output for equal inputs changes.
constexpr const char* kBuilderVersion = "livecheck-builder/3";

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// State shared by the variants of one `livecheck build`.
struct BuildContext {
  const BuildConfig& config;
  const BuildOptions& options;
  FileDigests digests;
  OnceMap stages;
  std::mutex index_mutex;
  std::map<std::string, ModuleIndex> module_indexes;
  std::mutex progress_mutex;

  void Progress(const std::string& variant, const std::string& line) {
    if (!options.progress) return;
    std::lock_guard lock(progress_mutex);
    options.progress(fmt::format("[{}] {}", variant, line));
  }

  const ModuleIndex& Modules(const fs::path& dir) {
    std::lock_guard lock(index_mutex);
    auto it = module_indexes.find(dir.string());
    if (it == module_indexes.end()) it = module_indexes.emplace(dir.string(), LoadModuleIndex(dir)).first;
    return it->second;
  }
};

// Where the root file system comes from, and its cache key.
struct RootfsSource {
  bool builtin = true;
  fs::path dir;  ///< user tree (when !builtin)
  ExcludeList exclude;
  std::string key;
};

RootfsSource ResolveRootfs(BuildContext& ctx, const VariantConfig& variant, const fs::path& busybox) {
  RootfsSource source;
  Sha256 key;
  key.UpdateField(kBuilderVersion);
  if (!variant.rootfs) {
    key.UpdateField("builtin");
    key.UpdateField(ctx.digests.Get(busybox));
    key.UpdateField(kRootfsInitScript);
    key.UpdateField(std::to_string(variant.bench_data_mb));
  } else {
    std::error_code ec;
    if (!fs::is_directory(*variant.rootfs, ec))
      throw Error(fmt::format("{}: rootfs {} does not exist or is not a directory", variant.defined_at,
                              variant.rootfs->string()));
    source.builtin = false;
    source.dir = *variant.rootfs;
    source.exclude = ExcludeList(variant.exclude);
    if (variant.exclude_file) source.exclude.Append(ExcludeList::FromFile(*variant.exclude_file));
    key.UpdateField("tree");
    key.UpdateField(source.dir.string());
    for (const auto& p : source.exclude.patterns()) key.UpdateField(p);
    key.UpdateField(FingerprintTree(source.dir, source.exclude));
  }
  source.key = key.HexDigest();
  return source;
}

// Stage: squashfs (+ its file listing), shared by variants with equal inputs.
struct SquashfsResult {
  fs::path image;
  std::vector<RootfsEntry> listing;
  double build_seconds = 0;
};

SquashfsResult BuildSquashfsStage(BuildContext& ctx, const VariantConfig& variant, const RootfsSource& rootfs,
                                  const fs::path& busybox) {
  Sha256 key;
  key.UpdateField(rootfs.key);
  key.UpdateField(Name(variant.compressor));
  key.UpdateField(std::to_string(ctx.config.source_date_epoch));
  auto digest = key.HexDigest();
  auto image = CachedStagePath(ctx.options.out_dir, "squashfs", digest, ".img");
  auto listing_file = CachedStagePath(ctx.options.out_dir, "squashfs", digest, ".json");

  ctx.stages.Run("squashfs-" + digest, [&] {
    if (fs::exists(image) && fs::exists(listing_file)) return;
    auto start = Clock::now();
    TempDir work(ctx.options.out_dir / ".cache", ".rootfs-");
    SquashfsSpec spec{.compressor = variant.compressor, .epoch = ctx.config.source_date_epoch};
    std::vector<RootfsEntry> listing;
    if (rootfs.builtin) {
      auto tree_dir = work.path() / "tree";
      fs::create_directory(tree_dir);
      MaterializeTree(BuiltinRootfsTree(busybox, variant.bench_data_mb), tree_dir, ctx.config.source_date_epoch);
      spec.source_dir = tree_dir;
      listing = ListRootfs(tree_dir, ExcludeList());
    } else {
      // A user's tree is packed as it is: owners and times kept, like a hand-run mksquashfs.
      spec.source_dir = rootfs.dir;
      spec.all_root = false;
      spec.clamp_file_times = false;
      listing = ListRootfs(rootfs.dir, rootfs.exclude, &spec.excluded_paths);
    }
    ctx.Progress(variant.name, fmt::format("squashfs: mksquashfs -comp {} ({} entries)", Name(variant.compressor),
                                           listing.size()));
    spec.progress = [&ctx, &variant](const std::string& line) { ctx.Progress(variant.name, line); };
    BuildSquashfs(spec, image);
    double seconds = SecondsSince(start);
    nlohmann::json j = {{"build_seconds", seconds}, {"rootfs", RootfsToJson(listing)}};
    WriteFileAtomic(listing_file, j.dump());
  });
  auto j = nlohmann::json::parse(ReadFile(listing_file));
  return {image, RootfsFromJson(j.at("rootfs")), j.value("build_seconds", 0.0)};
}

// Stage: initramfs, shared by variants with equal plans.
fs::path BuildInitramfsStage(BuildContext& ctx, const VariantConfig& variant, const InitramfsPlan& plan,
                             const fs::path& busybox, const fs::path& agent) {
  Sha256 key;
  key.UpdateField(kBuilderVersion);
  key.UpdateField(kLiveInitScript);
  key.UpdateField(plan.live_conf);
  key.UpdateField(plan.fault_script);
  key.UpdateField(plan.medium_fault_script);
  key.UpdateField(ctx.digests.Get(busybox));
  key.UpdateField(ctx.digests.Get(agent));
  key.UpdateField(std::to_string(ctx.config.source_date_epoch));
  for (const auto& m : plan.modules) {
    key.UpdateField(fmt::format("{} {} {} {}", m.group, m.load.path, m.load.params, m.load.optional));
    key.UpdateField(ctx.digests.Get(plan.modules_dir / m.load.path));
  }
  for (const auto& b : plan.union_binaries) {
    key.UpdateField(b.string());
    key.UpdateField(ctx.digests.Get(b));
  }
  auto digest = key.HexDigest();
  auto image = CachedStagePath(ctx.options.out_dir, "initramfs", digest, ".img");
  ctx.stages.Run("initramfs-" + digest, [&] {
    if (fs::exists(image)) return;
    ctx.Progress(variant.name, fmt::format("initramfs: {} modules, union {}", plan.modules.size(),
                                           Name(variant.union_backend)));
    WriteCpioArchive(InitramfsTree(plan, busybox, agent), image, CpioCompression::kZstd, ctx.config.source_date_epoch);
  });
  return image;
}

// Stage: the uncompressed kernel a direct boot enters through PVH, shared by
// every variant with that kernel. A kernel that cannot boot that way leaves
// a marker with the reason, so it is not decompressed again.
PvhExtraction PvhKernelStage(BuildContext& ctx, const GuestKernel& kernel, fs::path& elf) {
  Sha256 key;
  key.UpdateField(kBuilderVersion);
  key.UpdateField(ctx.digests.Get(kernel.image));
  auto digest = key.HexDigest();
  elf = CachedStagePath(ctx.options.out_dir, "vmlinux", digest, ".elf");
  auto refused = CachedStagePath(ctx.options.out_dir, "vmlinux", digest, ".no-pvh");
  ctx.stages.Run("vmlinux-" + digest, [&] {
    if (fs::exists(elf) || fs::exists(refused)) return;
    auto outcome = ExtractPvhKernel(kernel.image, elf);
    if (!outcome.extracted) WriteFileAtomic(refused, outcome.reason + "\n");
  });
  if (fs::exists(elf)) return {.extracted = true, .reason = ""};
  auto reason = ReadFile(refused);
  while (!reason.empty() && reason.back() == '\n') reason.pop_back();
  return {.extracted = false, .reason = reason};
}

std::string VariantKey(BuildContext& ctx, const VariantConfig& variant, const GuestKernel& kernel,
                       const fs::path& squashfs, const fs::path& initramfs, const std::string& cmdline) {
  Sha256 key;
  key.UpdateField(kBuilderVersion);
  key.UpdateField(Name(variant.boot));
  key.UpdateField(variant.label);
  key.UpdateField(cmdline);
  key.UpdateField(std::to_string(ctx.config.source_date_epoch));
  key.UpdateField(ctx.digests.Get(kernel.image));
  // Stage files are content-addressed: their names carry their input keys.
  key.UpdateField(squashfs.filename().string());
  key.UpdateField(initramfs.filename().string());
  return key.HexDigest();
}

bool StillValid(const fs::path& dir, const std::string& key) {
  auto manifest = ReadManifest(dir / "manifest.json");
  if (!manifest || manifest->cache_key != key) return false;
  std::error_code ec;
  for (const auto& a : manifest->artifacts)
    if (fs::file_size(dir / a.file, ec) != a.size || ec) return false;
  return true;
}

// Replaces `final_dir` by `staging` so that readers see the old or the new variant, never a mix.
void MoveIntoPlace(const fs::path& staging, const fs::path& final_dir) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(final_dir, ec)) {
    old = final_dir.parent_path() / fmt::format(".old-{}-{}", final_dir.filename().string(), getpid());
    fs::remove_all(old, ec);
    fs::rename(final_dir, old);
  }
  fs::rename(staging, final_dir);
  if (!old.empty()) fs::remove_all(old, ec);
}

VariantOutcome BuildVariant(BuildContext& ctx, const VariantConfig& variant) {
  auto start = Clock::now();
  VariantOutcome outcome{.variant = variant.name, .dir = ctx.options.out_dir / variant.name};

  // 1. Inputs: kernel, its modules, busybox, the root tree.
  // A user's root tree boots its own kernel unless the variant names one.
  std::optional<GuestKernel> tree_kernel;
  if (variant.rootfs && !variant.kernel && !variant.modules) tree_kernel = FindKernelInTree(*variant.rootfs);
  auto kernel = tree_kernel ? *tree_kernel : FindGuestKernel(variant.kernel, variant.modules);
  if (tree_kernel) ctx.Progress(variant.name, fmt::format("kernel {} from the root tree", kernel.version));
  const auto& index = ctx.Modules(kernel.modules_dir);
  auto busybox = BusyboxPath();
  auto agent = AgentPath();
  auto identity = MediumIdentityFor(variant.boot, variant.label, ctx.config.source_date_epoch);
  auto plan = PlanInitramfs(variant, kernel, index, identity);
  auto rootfs = ResolveRootfs(ctx, variant, busybox);
  auto cmdline = KernelCommandLine(variant.cmdline);

  // 2. Stages, each cached by its inputs.
  auto squashfs = BuildSquashfsStage(ctx, variant, rootfs, busybox);
  auto initramfs = BuildInitramfsStage(ctx, variant, plan, busybox, agent);
  auto key = VariantKey(ctx, variant, kernel, squashfs.image, initramfs, cmdline);
  if (StillValid(outcome.dir, key)) {
    outcome.reused = true;
    outcome.seconds = SecondsSince(start);
    ctx.Progress(variant.name, "unchanged, reused");
    return outcome;
  }

  // 3. Assemble the variant in a staging directory.
  TempDir staging(ctx.options.out_dir, fmt::format(".staging-{}-", variant.name));
  const auto& dir = staging.path();
  ReplaceWithCopy(kernel.image, dir / "vmlinuz");
  LinkOrCopy(initramfs, dir / "initrd.img");
  LinkOrCopy(squashfs.image, dir / "root.squashfs");
  MediaInputs media{.kernel = dir / "vmlinuz", .initrd = dir / "initrd.img", .squashfs = dir / "root.squashfs",
                    .label = variant.label, .cmdline = cmdline, .epoch = ctx.config.source_date_epoch, .seed = key,
                    .identity = identity};
  TempDir scratch(ctx.options.out_dir / ".cache", ".media-");
  std::vector<std::pair<std::string, std::string>> artifacts = {
      {"kernel", "vmlinuz"}, {"initrd", "initrd.img"}, {"squashfs", "root.squashfs"}};
  // The bootloader paths load vmlinuz from the medium: that is the boot under test.
  std::string entry = "bootloader";
  PvhExtraction pvh;
  if (variant.boot == BootPath::kDirect) {
    fs::path elf;
    pvh = PvhKernelStage(ctx, kernel, elf);
    entry = pvh.extracted ? "pvh" : "bzimage";
    if (pvh.extracted) {
      LinkOrCopy(elf, dir / "vmlinux");
      artifacts.push_back({"kernel-elf", "vmlinux"});
    }
  }
  ctx.Progress(variant.name, fmt::format("media: {}", Name(variant.boot)));
  switch (variant.boot) {
    case BootPath::kDirect: BuildDirectStick(media, dir / "stick.img"); artifacts.push_back({"stick", "stick.img"}); break;
    case BootPath::kUsbBios: BuildBiosStick(media, dir / "stick.img", scratch.path()); artifacts.push_back({"stick", "stick.img"}); break;
    case BootPath::kUsbUefi: BuildUefiStick(media, dir / "stick.img", scratch.path()); artifacts.push_back({"stick", "stick.img"}); break;
    case BootPath::kIso: BuildHybridIso(media, dir / "live.iso", scratch.path()); artifacts.push_back({"iso", "live.iso"}); break;
  }

  // 4. The manifest, written last: its presence marks the variant complete.
  BuildManifest manifest{.variant = variant.name,
                         .boot = std::string(Name(variant.boot)),
                         .compressor = std::string(Name(variant.compressor)),
                         .union_backend = std::string(Name(variant.union_backend)),
                         .toram = variant.toram,
                         .label = variant.label,
                         .medium_fs = MediumFsType(variant.boot),
                         .kernel_version = kernel.version,
                         .kernel_cmdline = cmdline,
                         .kernel_entry = entry,
                         .kernel_entry_reason = pvh.reason,
                         .cache_key = key,
                         .source_date_epoch = ctx.config.source_date_epoch,
                         .squashfs_stage = squashfs.image.stem().string(),
                         .rootfs = squashfs.listing};
  for (auto backend : BootableUnions(variant)) manifest.unions.emplace_back(Name(backend));
  for (const auto& m : plan.modules) manifest.initramfs_modules.push_back(m.load.name);
  for (const auto& [name, file] : artifacts)
    manifest.artifacts.push_back({name, file, fs::file_size(dir / file), ctx.digests.Get(dir / file)});
  WriteFileAtomic(dir / "manifest.json", ManifestToJson(manifest).dump(2) + "\n");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  MoveIntoPlace(dir, outcome.dir);
  staging.Release();
  outcome.seconds = SecondsSince(start);
  ctx.Progress(variant.name, fmt::format("built in {:.1f} s", outcome.seconds));
  return outcome;
}

// Serialises concurrent `livecheck build` runs on one output directory.
class DirectoryLock {
 public:
  DirectoryLock(const fs::path& dir, const std::function<void(const std::string&)>& progress) {
    auto path = dir / ".lock";
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(DescribeIoError("create", path, errno));
    // Polled rather than blocking: a blocked flock would not return for Ctrl-C.
    bool said = false;
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      int error = errno;
      if (error != EWOULDBLOCK && error != EINTR) {
        close(fd_);
        throw Error(DescribeIoError("lock", path, error));
      }
      if (!said && progress) progress(fmt::format("waiting for another build of {} to finish", dir.string()));
      said = true;
      if (Interrupted()) {
        close(fd_);
        ThrowIfInterrupted();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~DirectoryLock() { close(fd_); }

 private:
  int fd_ = -1;
};

// A build killed mid-way (Ctrl-C, SIGKILL) leaves its staging directories and
// temporary files; under the lock nobody else is using them.
void RemoveLeftovers(const fs::path& out_dir) {
  std::error_code ec;
  for (const auto& dir : {out_dir, out_dir / ".cache"}) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      auto name = entry.path().filename().string();
      bool leftover = name.starts_with(".staging-") || name.starts_with(".old-") || name.starts_with(".rootfs-") ||
                      name.starts_with(".media-") || name.find(".tmp") != std::string::npos;
      if (leftover) fs::remove_all(entry.path(), ec);
    }
  }
}

}  // namespace

std::vector<VariantOutcome> BuildImages(const BuildConfig& config, const std::vector<VariantConfig>& variants,
                                        const BuildOptions& options) {
  std::error_code ec;
  fs::create_directories(options.out_dir / ".cache", ec);
  if (ec) throw Error(DescribeIoError("create", options.out_dir / ".cache", ec.value()));
  DirectoryLock lock(options.out_dir, options.progress);
  RemoveLeftovers(options.out_dir);
  BuildContext ctx{.config = config, .options = options};

  std::vector<VariantOutcome> outcomes(variants.size());
  std::vector<std::string> errors(variants.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < variants.size(); i = next++) {
      try {
        outcomes[i] = BuildVariant(ctx, variants[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
        ctx.Progress(variants[i].name, fmt::format("FAILED: {}", e.what()));
      }
    }
  };
  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(variants.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  for (size_t i = 0; i < variants.size(); ++i)
    if (!errors[i].empty()) throw Error(fmt::format("variant {}: {}", variants[i].name, errors[i]));
  return outcomes;
}

}  // namespace livecheck
