#include "machine/cpu_model.h"

#include "common/error.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(CpuModelTest, DefaultPerAcceleratorUnlessChosen) {
  EXPECT_EQ(CpuModelFor("tcg", ""), "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt");
  EXPECT_EQ(CpuModelFor("kvm", ""), "qemu64");
  EXPECT_EQ(CpuModelFor("tcg", "max"), "max");
  EXPECT_EQ(CpuModelName("max,+avx2"), "max");
  EXPECT_EQ(CpuModelName("Nehalem"), "Nehalem");
}

TEST(CpuModelTest, ModelsFromThisHostsQemu) {
  auto help = RunChecked({.argv = {"qemu-system-x86_64", "-cpu", "help"}});
  auto models = CpuModelsFromHelp(help.out);
  EXPECT_TRUE(models.count("max"));
  EXPECT_TRUE(models.count("qemu64"));
  EXPECT_TRUE(models.count("Nehalem-v1"));
  EXPECT_FALSE(models.count("Available"));
  EXPECT_TRUE(models.count(CpuModelName(kTcgCpu)));
  EXPECT_NO_THROW(CheckCpuModel("max,+avx2"));
  EXPECT_NO_THROW(CheckCpuModel(kTcgCpu));
}

TEST(CpuModelTest, UnknownOrMalformedModelIsBadInput) {
  try {
    CheckCpuModel("Pentium-9000");
    FAIL() << "no such model";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_EQ(std::string(e.what()),
              "--cpu 'Pentium-9000': this QEMU has no CPU model 'Pentium-9000' (see qemu-system-x86_64 -cpu help)");
  }
  EXPECT_THROW(CheckCpuModel(",+avx2"), Error);
  EXPECT_THROW(CheckCpuModel("max -machine pc"), Error);
}

}  // namespace
}  // namespace livecheck
