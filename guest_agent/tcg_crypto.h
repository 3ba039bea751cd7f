#pragma once
// Under QEMU's TCG every guest instruction is translated, and vector
// instructions (SSSE3, AVX, AVX2, SHA-NI) become slow helper calls: OpenSSL's
// SHA-256, which picks its fastest code for the CPU it sees, runs about 3x
// slower there than its plain x86-64 code (measured: the agent hashing a
// 179 MB root tree under qemu-x86_64 -cpu max took 11.6 s with the vector
// paths and 3.5 s without). OpenSSL reads its capability mask once, before
// main, from OPENSSL_ia32cap, so the agent re-executes itself with a mask
// when it finds itself under TCG: QEMU's hypervisor signature says so
// ("TCGTCGTCGTCG" at CPUID 0x40000000, whatever CPU model livecheck chose),
// and its `max` model's brand does too. KVM ("KVMKVMKVM") keeps the vector code.
#include <string>
#include <string_view>

namespace livecheck::agent {

/// The OPENSSL_ia32cap value that hides SSSE3, AVX, AVX2, BMI1/2 and SHA.
inline constexpr const char* kScalarCryptoMask = "~0x1000020000000000:~0x20000128";

/// Whether a CPU with this brand string (CPUID 0x80000002-4) and hypervisor
/// signature (CPUID 0x40000000, "" without the hypervisor bit) runs under TCG.
bool IsTcg(std::string_view brand, std::string_view hypervisor);

/// This CPU's brand string, "" when it has none.
std::string CpuBrand();

/// The hypervisor's CPUID signature, "" on bare metal.
std::string HypervisorSignature();

/// Under TCG and without OPENSSL_ia32cap set: sets the mask and
/// executes /proc/self/exe again with the same arguments. Returns if nothing
/// was to be done or the exec failed (the agent then runs with the default paths).
void ReexecWithScalarCryptoOnTcg(char** argv);

}  // namespace livecheck::agent
