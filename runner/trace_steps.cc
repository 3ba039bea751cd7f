#include "runner/trace_steps.h"

#include "common/json_fields.h"
#include "evidence/trace_checks.h"
#include "evidence/token_scan.h"
#include "runner/guest_access.h"
#include "runner/machine_control.h"

namespace livecheck {
namespace {

// Where a session's secrets go: its files in the union, its shell history, tmpfs.
const std::vector<std::string> kCanaryPaths = {"/root/livecheck-canary.txt", "/root/.bash_history",
                                               "/root/.ash_history", "/livecheck-canary.txt",
                                               "/tmp/livecheck-canary.txt", "/run/livecheck-canary.txt",
                                               "/dev/shm/livecheck-canary.txt"};

}  // namespace

asio::awaitable<void> PlantCanary(RunContext& ctx) {
  std::string token = RandomSecretToken("LCCANARY");
  ctx.canary = nlohmann::json::object();
  ctx.canary["token"] = token;
  ctx.canary["planted"] = co_await ctx.access.PlantCanary(ctx, token, kCanaryPaths);
  co_return;  // cppcheck 2.10 takes a coroutine without one for a function missing its return
}

CheckResult ScanForCanary(RunContext& ctx) {
  nlohmann::json evidence = ctx.canary;
  std::string token = StringField(evidence, "token");
  if (token.empty()) return {"canary", Status::kError, "the canary step did not run", evidence};
  evidence["scanned"] = nlohmann::json::array();
  evidence["findings"] = nlohmann::json::array();
  for (const auto& file : ctx.session.DiskFiles()) {
    std::error_code ec;
    evidence["scanned"].push_back({{"drive", file.drive}, {"file", file.path.string()},
                                   {"bytes", static_cast<int64_t>(fs::file_size(file.path, ec))}});
    for (auto offset : FindToken(file.path, token, 20)) {
      nlohmann::json finding = {{"drive", file.drive}, {"file", file.path.string()}, {"file_offset", offset}};
      if (!file.overlay) finding["guest_offset"] = offset;
      else if (auto guest = OverlayGuestOffset(file.path, offset)) finding["guest_offset"] = *guest;
      evidence["findings"].push_back(finding);
    }
  }
  return CheckCanary(evidence);
}

asio::awaitable<CheckResult> CheckRamResidueNow(RunContext& ctx) {
  std::string token = RandomSecretToken("LCSECRET");
  nlohmann::json evidence = {{"max", ctx.request.scenario.ram_residue_max}};
  evidence["secret"] = co_await ctx.access.PlantSecretInTmpfs(ctx, token);
  auto dump = ctx.session.dir() / "memory.dump";
  co_await ctx.machine.DumpMemory(ctx, dump);
  std::error_code ec;
  evidence["dump_bytes"] = static_cast<int64_t>(fs::file_size(dump, ec));
  evidence["count"] = static_cast<int64_t>(FindToken(dump, token, 100000).size());
  fs::remove(dump, ec);
  co_return CheckRamResidue(evidence);
}

}  // namespace livecheck
