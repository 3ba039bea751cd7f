// Finding a run's secret token in raw bytes: disk images and overlays after
// the session (canary), a guest memory dump (ram-residue).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// Byte offsets of every occurrence of `token` in `file` (read in chunks that
/// overlap by the token's length, so none is missed at a chunk border); at
/// most `max_hits`. Throws Error when the file cannot be read.
std::vector<uint64_t> FindToken(const fs::path& file, const std::string& token, size_t max_hits = 100);

/// The guest-visible offset of byte `file_offset` of a qcow2 overlay (its own
/// data clusters, from `qemu-img map`), or nullopt for metadata.
std::optional<uint64_t> OverlayGuestOffset(const fs::path& overlay, uint64_t file_offset);

/// A fresh random token for one run: a fixed prefix and 128 random bits in hex.
std::string RandomSecretToken(const std::string& prefix);

/// `text` as lowercase hex (how secrets travel to the agent).
std::string HexEncode(const std::string& text);

}  // namespace livecheck
