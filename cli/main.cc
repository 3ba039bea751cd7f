// livecheck: build and verify Linux live images.
//
// Subcommands:
//   build   build image variants from a TOML file (builder/)
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "builder/build_config.h"
#include "builder/image_builder.h"
#include "common/error.h"

namespace livecheck {
namespace {

int RunBuild(const std::string& config_file, const std::vector<std::string>& variant_names, const std::string& out,
             int jobs) {
  auto config = LoadBuildConfig(config_file);
  auto variants = SelectVariants(config, variant_names);
  BuildOptions options{.out_dir = out, .jobs = jobs, .progress = [](const std::string& line) {
                         std::cout << line << std::endl;
                       }};
  auto start = std::chrono::steady_clock::now();
  auto outcomes = BuildImages(config, variants, options);
  int reused = 0;
  for (const auto& o : outcomes) reused += o.reused ? 1 : 0;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("built {} variant(s), reused {} unchanged, in {:.2f} s -> {}", outcomes.size() - reused,
                           reused, seconds, out)
            << std::endl;
  return kExitOk;
}

int Main(int argc, char** argv) {
  CLI::App app{"livecheck: build and verify Linux live images"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "livecheck 0.1.0");

  auto* build = app.add_subcommand("build", "Build live image variants (squashfs, initramfs, boot media)");
  std::string config_file = "builder/variants.toml";
  std::vector<std::string> variant_names;
  std::string out = "out/images";
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  build->add_option("--config", config_file, "Variants file (TOML)")->capture_default_str();
  build->add_option("--variant", variant_names, "Build only these variants (repeatable)");
  build->add_option("--out", out, "Output directory")->capture_default_str();
  build->add_option("--jobs,-j", jobs, "Variants built at once")->check(CLI::Range(1, 64))->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints usage errors; map them to our documented "bad input" code.
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (*build) return RunBuild(config_file, variant_names, out, jobs);
  } catch (const Error& e) {
    std::cerr << "livecheck: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "livecheck: internal error: " << e.what() << std::endl;
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace
}  // namespace livecheck

int main(int argc, char** argv) {
  // Output piped into `head` must not kill a build half-way: writes just fail.
  signal(SIGPIPE, SIG_IGN);
  return livecheck::Main(argc, argv);
}
