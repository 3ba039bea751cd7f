#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "builder/build_config.h"
#include "builder/image_builder.h"
#include "cli/commands.h"
#include "common/error.h"

namespace livecheck {

int RunBuildCommand(const BuildArgs& args) {
  auto config = LoadBuildConfig(args.config);
  auto variants = SelectVariants(config, args.variants);
  BuildOptions options{.out_dir = args.out, .jobs = args.jobs, .progress = [](const std::string& line) {
                         std::cout << line << std::endl;
                       }};
  auto start = std::chrono::steady_clock::now();
  auto outcomes = BuildImages(config, variants, options);
  int reused = 0;
  for (const auto& o : outcomes) reused += o.reused ? 1 : 0;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("built {} variant(s), reused {} unchanged, in {:.2f} s -> {}", outcomes.size() - reused,
                           reused, seconds, args.out)
            << std::endl;
  return kExitOk;
}

}  // namespace livecheck
