#include "guest_agent/tcg_crypto.h"

#include <gtest/gtest.h>

namespace livecheck::agent {
namespace {

TEST(TcgCryptoTest, RecognisesQemusTcgCpuOnly) {
  EXPECT_TRUE(IsTcgBrand("QEMU TCG CPU version 2.5+"));
  EXPECT_FALSE(IsTcgBrand("QEMU Virtual CPU version 2.5+"));  // KVM's qemu64: vector code is fast there
  EXPECT_FALSE(IsTcgBrand("AMD EPYC 7B13 64-Core Processor"));
  EXPECT_FALSE(IsTcgBrand(""));
}

TEST(TcgCryptoTest, ReadsThisCpusBrandAndLeavesANativeHostAlone) {
  auto brand = CpuBrand();
  EXPECT_FALSE(brand.empty()) << "every x86-64 CPU since 2004 has a brand string";
  EXPECT_EQ(brand.find('\0'), std::string::npos);
  // The tests run on the host, not under TCG: no mask, no exec.
  ASSERT_FALSE(IsTcgBrand(brand)) << brand;
  char name[] = "agent";
  char* argv[] = {name, nullptr};
  ReexecWithScalarCryptoOnTcg(argv);
  EXPECT_EQ(std::getenv("OPENSSL_ia32cap"), nullptr);
}

}  // namespace
}  // namespace livecheck::agent
