#include "record/sampler.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmlab::record {
namespace {

using testing::at_ms;
using testing::query;
using testing::Rows;
using testing::sample;
using testing::ScratchDirectory;
using testing::small_run;

TEST(Sampler, TakesOneTickPerIntervalAndSkipsMissedOnes) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("sampler.sqlite");
  {
    Recorder recorder(path);
    recorder.begin_run(small_run());
    Sampler sampler(recorder, std::chrono::milliseconds(1000), at_ms(0));
    std::uint64_t uploaded_bytes = 0;
    auto collect = [&](std::vector<HostSample>& rows) {
      rows.push_back(sample(1, uploaded_bytes, 0, 8));
      rows.push_back(sample(2, 0, uploaded_bytes, 0));
    };
    // The engine checks at these times; samples are due at 0, 1000, 2000, ...
    for (const std::int64_t now_ms : {0, 400, 999, 1000, 1500, 3700, 3800, 4000}) {
      uploaded_bytes = static_cast<std::uint64_t>(now_ms) * 10;
      sampler.poll(at_ms(now_ms), collect);
    }
    EXPECT_EQ(sampler.next_due(), at_ms(5000));
    sampler.take(at_ms(4200), collect);
    EXPECT_EQ(sampler.next_due(), at_ms(5000));
    recorder.finish_run(at_ms(4200), "", Outcome::completed);
  }
  EXPECT_EQ(
      query(path, "SELECT time_ns / 1000000, uploaded_bytes FROM samples WHERE host_id = 1"),
      (Rows{
          {"0", "0"}, {"1000", "10000"}, {"3700", "37000"}, {"4000", "40000"}, {"4200", "40000"}}));
  EXPECT_EQ(query(path, "SELECT count(*) FROM samples WHERE host_id = 2"), (Rows{{"5"}}));
}

}  // namespace
}  // namespace swarmlab::record
