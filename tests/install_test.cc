// The installed layout and the Debian package, as a CI user gets them:
// `cmake --install` into a throwaway DESTDIR, then the installed livecheck
// (its agent and data found relative to itself) runs doctor, build and a
// run from a directory outside the source tree; `cpack -G DEB` builds the
// package, read back with dpkg-deb and checked with lintian; the pipeline
// templates parse as YAML and call only what the package installs.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <set>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

const fs::path kBuildDir = LIVECHECK_BUILD_DIR;
const fs::path kSource = LIVECHECK_SOURCE_DIR;

ProcessResult Exec(std::vector<std::string> argv, const fs::path& cwd = {}, int minutes = 5) {
  return RunProcess({.argv = std::move(argv), .cwd = cwd.string(), .timeout = std::chrono::minutes(minutes)});
}

// `cmake --install` of this build tree under DESTDIR `dest`, prefix /usr.
void InstallInto(const fs::path& dest) {
  auto install = RunProcess({.argv = {"cmake", "--install", kBuildDir.string(), "--prefix", "/usr"},
                             .extra_env = {{"DESTDIR", dest.string()}},
                             .timeout = std::chrono::minutes(2)});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
}

TEST(InstallTest, InstalledLivecheckRunsFromAnyDirectory) {
  auto dir = testing::MakeTestDir();
  auto dest = dir.path() / "dest";
  ASSERT_NO_FATAL_FAILURE(InstallInto(dest));
  auto usr = dest / "usr";
  for (const char* file : {"bin/livecheck", "libexec/livecheck/livecheck-agent", "share/livecheck/variants.toml",
                           "share/livecheck/scenarios/guarantees.toml", "share/livecheck/scenarios/images/live-boot.toml",
                           "share/livecheck/fixtures/variants.toml", "share/livecheck/fixtures/scenarios/controls.toml",
                           "share/doc/livecheck/README.md", "share/doc/livecheck/copyright"})
    EXPECT_TRUE(fs::exists(usr / file)) << file;
  EXPECT_FALSE(fs::exists(usr / "bin/livecheck-agent")) << "the agent is not a command";
  auto livecheck = (usr / "bin/livecheck").string();

  auto version = Exec({livecheck, "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_search(version.out, std::regex(R"(^livecheck \d+\.\d+\.\d+ \(git ([0-9a-f]{12}|unknown)\))")))
      << version.out;

  // Outside the source tree: no builder/variants.toml or scenarios/ here.
  auto elsewhere = dir.path() / "elsewhere";
  fs::create_directories(elsewhere);
  auto doctor = Exec({livecheck, "doctor"}, elsewhere);
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  auto build = Exec({livecheck, "build", "--variant", "direct-overlay-xz"}, elsewhere);
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  EXPECT_TRUE(fs::exists(elsewhere / "out/images/direct-overlay-xz/manifest.json"));
  auto run = Exec({livecheck, "run", "--variant", "direct-overlay-xz", "--accel", "tcg"}, elsewhere, 10);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  auto report = nlohmann::json::parse(ReadFile(elsewhere / "out/report/report.json"));
  std::set<std::string> scenarios;
  for (const auto& r : report["results"]) scenarios.insert(r["scenario"].get<std::string>());
  EXPECT_TRUE(scenarios.count("guarantees")) << "the installed default scenario set ran: " << run.out;
}

TEST(InstallTest, DebianPackageHasItsFilesAndDependenciesAndPassesLintian) {
  auto dir = testing::MakeTestDir();
  auto cpack = Exec({"cpack", "-G", "DEB", "--config", (kBuildDir / "CPackConfig.cmake").string(), "-B",
                    dir.path().string()},
                   kBuildDir, 5);
  ASSERT_EQ(cpack.exit_code, 0) << cpack.out << cpack.err;
  fs::path deb;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".deb") deb = e.path();
  ASSERT_FALSE(deb.empty()) << cpack.out;
  EXPECT_TRUE(std::regex_match(deb.filename().string(), std::regex(R"(livecheck_\d+\.\d+\.\d+_amd64\.deb)")))
      << deb.filename();

  auto info = Exec({"dpkg-deb", "--info", deb.string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  for (const char* dependency : {"qemu-system-x86", "ovmf", "squashfs-tools", "mtools", "syslinux", "xorriso",
                                 "grub-efi-amd64-bin", "busybox-static", "unionfs-fuse", "fuse-overlayfs",
                                 "libguestfs0", "libvirt0"})
    EXPECT_NE(info.out.find(dependency), std::string::npos) << dependency << "\n" << info.out;
  EXPECT_NE(info.out.find("Recommends: linux-image-amd64"), std::string::npos) << info.out;

  auto contents = Exec({"dpkg-deb", "--contents", deb.string()});
  ASSERT_EQ(contents.exit_code, 0) << contents.err;
  for (const char* file : {"./usr/bin/livecheck", "./usr/libexec/livecheck/livecheck-agent",
                           "./usr/share/livecheck/variants.toml", "./usr/share/livecheck/scenarios/guarantees.toml",
                           "./usr/share/doc/livecheck/copyright"})
    EXPECT_NE(contents.out.find(file), std::string::npos) << file << "\n" << contents.out;

  // Errors fail; warnings and notes are printed for the reader. The static
  // agent's tag is overridden by the package itself (its lintian overrides).
  auto lintian = Exec({"lintian", "--fail-on", "error", deb.string()}, {}, 5);
  std::cout << lintian.out << lintian.err;
  EXPECT_EQ(lintian.exit_code, 0) << lintian.out << lintian.err;
}

// The GitHub Actions and GitLab CI templates: valid YAML, and every
// livecheck subcommand they call exists in the installed command.
TEST(InstallTest, PipelineTemplatesParseAndCallRealSubcommands) {
  auto dir = testing::MakeTestDir();
  ASSERT_NO_FATAL_FAILURE(InstallInto(dir.path()));
  auto installed = (dir.path() / "usr/bin/livecheck").string();
  for (const char* name : {"github-actions.yml", "gitlab-ci.yml"}) {
    auto file = kSource / "ci/templates" / name;
    auto parse = Exec({"python3", "-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))", file.string()});
    EXPECT_EQ(parse.exit_code, 0) << name << ": " << parse.err;
    // Command lines only: "livecheck build ...", "- livecheck run ...", "run: livecheck doctor".
    std::regex call(R"(^\s*(?:-\s+)?(?:run:\s+)?livecheck ([a-z]+))");
    std::istringstream lines(ReadFile(file));
    int calls = 0;
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, call)) continue;
      ++calls;
      auto help = Exec({installed, m[1].str(), "--help"});
      EXPECT_EQ(help.exit_code, 0) << name << " calls `livecheck " << m[1] << "`, which does not exist";
    }
    EXPECT_GE(calls, 3) << name << " builds, runs and compares";
  }
}

}  // namespace
}  // namespace livecheck
