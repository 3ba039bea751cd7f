#pragma once
// Random access to the bytes of a disk image or a medium: what the disk
// layout parsers (evidence/disk_layout.h) and the decoy stick's patcher
// (machine/decoy_stick.h) read through, so they can be fed a file or, in
// tests and fuzzers, bytes in memory.
#include <cstdint>
#include <functional>
#include <string>

namespace livecheck {

/// The bytes at [offset, offset + length); fewer past the end.
using ByteReader = std::function<std::string(uint64_t offset, size_t length)>;

/// pread(2) on `path`, opened once. A file that cannot be opened reads as
/// empty: callers that need it say so before (CanOpenForReading).
ByteReader FileByteReader(const std::string& path);
ByteReader MemoryByteReader(std::string bytes);

/// Whether `path` opens for reading; errno tells why not.
bool CanOpenForReading(const std::string& path);

/// `width` bytes at `at`, little-endian; bytes past the end read as 0
/// (structures read from a disk may claim more than it holds).
uint64_t LittleEndian(const std::string& bytes, size_t at, int width);

}  // namespace livecheck
