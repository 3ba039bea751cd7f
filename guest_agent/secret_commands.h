#pragma once
// Secrets the host plants for the no-trace checks (canary, ram-residue).
// The host sends them hex-encoded, so the raw token never sits in the
// serial line's buffers; the agent decodes, writes and wipes its copy.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

/// Decodes lowercase or uppercase hex; throws std::runtime_error on bad input.
std::string DecodeHex(const std::string& hex);

/// Appends the decoded secret (and a newline) to every path, as a session
/// would write its files and its shell history, then syncs.
/// [{path, written, errno}].
nlohmann::json PlantSecret(const std::string& hex, const std::vector<std::string>& paths);

/// Mounts a fresh tmpfs at `dir`, writes the decoded secret into a file
/// there, then unmounts it: afterwards only freed pages can hold it.
/// {mounted, written, unmounted, errno}.
nlohmann::json SecretInTmpfs(const std::string& hex, const std::string& dir);

}  // namespace livecheck::agent
