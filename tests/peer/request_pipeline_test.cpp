#include "actors/peer/request_pipeline.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer {
namespace {

using namespace literals;
using namespace std::chrono_literals;

TEST(RequestPipeline, DepthFollowsTheRate) {
  // 1 MiB/s for 3 s is 3 MiB, which is 192 blocks of 16 KiB.
  EXPECT_EQ(request_queue_depth({.download_rate_bytes_per_second = 1024 * 1024}), 192_blocks);
  EXPECT_EQ(
      request_queue_depth({.download_rate_bytes_per_second = 1024 * 1024, .queue_time_target = 1s}),
      64_blocks);
}

TEST(RequestPipeline, DepthIsClamped) {
  EXPECT_EQ(request_queue_depth({.download_rate_bytes_per_second = 0}),
            BlockCount(limits::request_queue_depth_min));
  EXPECT_EQ(request_queue_depth({.download_rate_bytes_per_second = 1000}),
            BlockCount(limits::request_queue_depth_min));
  EXPECT_EQ(request_queue_depth({.download_rate_bytes_per_second = std::int64_t{1} << 40}),
            BlockCount(limits::request_queue_depth_max));
}

TEST(RequestPipeline, TimeoutWithoutRateIsTheMaximum) {
  EXPECT_EQ(request_timeout({.queued_bytes = 16_KiB}), limits::request_timeout_max);
}

TEST(RequestPipeline, TimeoutScalesWithQueuedBytes) {
  // 160 KiB at 16 KiB/s is 10 s; three times that plus a 1 s round trip is 31 s.
  EXPECT_EQ(
      request_timeout(
          {.download_rate_bytes_per_second = 16 * 1024, .queued_bytes = 160_KiB, .round_trip = 1s}),
      31s);
}

TEST(RequestPipeline, TimeoutIsClamped) {
  EXPECT_EQ(request_timeout({.download_rate_bytes_per_second = 100 * 1024 * 1024,
                             .queued_bytes = 16_KiB,
                             .round_trip = 10ms}),
            limits::request_timeout_min);
  EXPECT_EQ(request_timeout({.download_rate_bytes_per_second = 1024, .queued_bytes = 1_MiB}),
            limits::request_timeout_max);
}

}  // namespace
}  // namespace swarmlab::peer
