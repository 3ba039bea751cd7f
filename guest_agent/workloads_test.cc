#include "guest_agent/workloads.h"

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck::agent {
namespace {

TEST(WorkloadsTest, EachWorkloadReportsAFigureWithItsUnit) {
  auto dir = testing::MakeTestDir();
  auto d = dir.path().string();
  auto data = dir.path() / "lower.bin";
  WriteFileAtomic(data, std::string(1 << 20, 'q'));
  std::vector<nlohmann::json> requests = {
      {{"workload", "small-files"}, {"dir", d + "/small"}, {"count", 50}},
      {{"workload", "stat-walk"}, {"root", d}},
      {{"workload", "seq-write"}, {"file", d + "/seq.bin"}, {"size_mb", 2}},
      {{"workload", "seq-read"}, {"file", d + "/seq.bin"}},
      {{"workload", "copy-up"}, {"file", data.string()}},
      {{"workload", "random-read"}, {"file", data.string()}, {"count", 100}},
      {{"workload", "cold-read"}, {"file", data.string()}}};
  std::vector<std::string> units = {"files/s", "entries/s", "MB/s", "MB/s", "ms", "IOPS", "MB/s"};
  for (size_t i = 0; i < requests.size(); ++i) {
    auto f = RunWorkload(requests[i]);
    EXPECT_EQ(f["workload"], requests[i]["workload"]);
    EXPECT_EQ(f["unit"], units[i]) << f.dump();
    EXPECT_GT(f["value"].get<double>(), 0) << f.dump();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "small")) << "small-files cleans up";
  EXPECT_EQ(fs::file_size(data), 1u << 20) << "copy-up writes one byte in place";
}

TEST(WorkloadsTest, UnknownWorkloadAndMissingFileAreErrors) {
  EXPECT_THROW(RunWorkload({{"workload", "fork-bomb"}}), std::runtime_error);
  EXPECT_THROW(RunWorkload({{"workload", "seq-read"}, {"file", "/nonexistent/x"}}), std::runtime_error);
}

}  // namespace
}  // namespace livecheck::agent
