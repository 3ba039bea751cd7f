#include "guest_agent/tcg_crypto.h"

#include <gtest/gtest.h>

namespace livecheck::agent {
namespace {

TEST(TcgCryptoTest, RecognisesTcgBySignatureOrBrand) {
  EXPECT_TRUE(IsTcg("QEMU Virtual CPU version 2.5+", "TCGTCGTCGTCG"));  // livecheck's TCG model
  EXPECT_TRUE(IsTcg("QEMU TCG CPU version 2.5+", ""));                  // -cpu max
  EXPECT_FALSE(IsTcg("QEMU Virtual CPU version 2.5+", "KVMKVMKVM"));     // KVM: vector code is fast there
  EXPECT_FALSE(IsTcg("AMD EPYC 7B13 64-Core Processor", "Microsoft Hv"));
  EXPECT_FALSE(IsTcg("AMD EPYC 7B13 64-Core Processor", ""));
  EXPECT_FALSE(IsTcg("", ""));
}

TEST(TcgCryptoTest, ReadsThisCpusBrandAndLeavesANativeHostAlone) {
  auto brand = CpuBrand();
  EXPECT_FALSE(brand.empty()) << "every x86-64 CPU since 2004 has a brand string";
  EXPECT_EQ(brand.find('\0'), std::string::npos);
  // The tests run on the host, not under TCG: no mask, no exec.
  ASSERT_FALSE(IsTcg(brand, HypervisorSignature())) << brand << " / " << HypervisorSignature();
  char name[] = "agent";
  char* argv[] = {name, nullptr};
  ReexecWithScalarCryptoOnTcg(argv);
  EXPECT_EQ(std::getenv("OPENSSL_ia32cap"), nullptr);
}

}  // namespace
}  // namespace livecheck::agent
