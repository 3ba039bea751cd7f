#include "builder/agent_injection.h"

#include <fstream>

#include <fmt/format.h>

#include "builder/cpio_archive.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/sha256.h"

namespace livecheck {

AgentInjection InjectAgent(const fs::path& initrd, const std::string& append, const fs::path& agent,
                           const fs::path& out) {
  if (append.find("rdinit=") != std::string::npos)
    throw Error("--append: has its own rdinit=, but the injected agent starts as rdinit= (use --guest shell)");
  AgentInjection injection{.initrd = out, .append = append + (append.empty() ? "" : " ") + "rdinit=" + kInjectedInit};
  injection.agent_sha256 = Sha256File(agent);
  injection.agent_bytes = fs::file_size(agent);
  FileTree tree;
  tree.AddFile(std::string(kInjectedInit).substr(1), agent, 0755);
  auto archive = out.string() + ".agent.cpio";
  WriteCpioArchive(tree, archive, CpioCompression::kNone, 0);
  injection.archive_bytes = fs::file_size(archive);

  std::ofstream o(out, std::ios::binary | std::ios::trunc);
  for (const auto& part : {initrd, fs::path(archive)}) {
    std::ifstream in(part, std::ios::binary);
    if (!in) throw Error(fmt::format("{}: cannot read", part.string()));
    o << in.rdbuf();
    // The kernel skips zero padding between archives; the next must start aligned.
    auto size = static_cast<uint64_t>(o.tellp());
    if (size % 4) o << std::string(4 - size % 4, '\0');
  }
  if (!o.flush()) throw Error(fmt::format("{}: cannot write the initrd with the agent", out.string()));
  fs::remove(archive);
  return injection;
}

}  // namespace livecheck
