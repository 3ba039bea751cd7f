#include "guest_agent/tcg_crypto.h"

#include <cpuid.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace livecheck::agent {

bool IsTcg(std::string_view brand, std::string_view hypervisor) {
  return hypervisor == "TCGTCGTCGTCG" || brand.find("QEMU TCG CPU") != std::string_view::npos;
}

std::string CpuBrand() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000004) return "";
  char brand[49] = {};
  for (unsigned leaf = 0; leaf < 3; ++leaf) {
    __get_cpuid(0x80000002 + leaf, &eax, &ebx, &ecx, &edx);
    unsigned regs[4] = {eax, ebx, ecx, edx};
    std::memcpy(brand + leaf * 16, regs, sizeof regs);
  }
  return brand;
}

std::string HypervisorSignature() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1u << 31)) == 0) return "";
  // Above the basic range: __get_cpuid would refuse it, the raw instruction answers.
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char signature[13] = {};
  unsigned regs[3] = {ebx, ecx, edx};
  std::memcpy(signature, regs, sizeof regs);
  return signature;
}

void ReexecWithScalarCryptoOnTcg(char** argv) {
  if (std::getenv("OPENSSL_ia32cap") != nullptr || !IsTcg(CpuBrand(), HypervisorSignature())) return;
  setenv("OPENSSL_ia32cap", kScalarCryptoMask, 1);
  execv("/proc/self/exe", argv);
}

}  // namespace livecheck::agent
