#include "actors/peer/rate_meter.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer {
namespace {

using namespace std::chrono_literals;
constexpr net::TimePoint start{100s};

TEST(RateMeter, SteadyFlowMeasuresItsRate) {
  RateMeter meter(start);
  net::TimePoint now = start;
  for (int tick = 0; tick < 200; ++tick) {
    now += 100ms;
    meter.add(now, 1000);  // 10,000 B/s
  }
  EXPECT_NEAR(static_cast<double>(meter.rate_bytes_per_second(now)), 10'000, 1'300);
  EXPECT_EQ(meter.total_bytes(), 200'000);
}

TEST(RateMeter, YoungMeterDividesByItsAge) {
  RateMeter meter(start);
  meter.add(start + 1500ms, 3000);
  // 3000 bytes in 2 s of life (the current second counts whole): 1500 B/s.
  EXPECT_EQ(meter.rate_bytes_per_second(start + 2s), 1500);
}

TEST(RateMeter, OldTrafficLeavesTheWindow) {
  RateMeter meter(start);
  meter.add(start + 1s, 80'000);
  EXPECT_GT(meter.rate_bytes_per_second(start + 2s), 0);
  EXPECT_EQ(
      meter.rate_bytes_per_second(start + 1s + std::chrono::seconds(limits::rate_window_seconds)),
      0);
  // Adding after a long gap clears the stale buckets.
  meter.add(start + 60s, 800);
  EXPECT_LE(meter.rate_bytes_per_second(start + 60s), 800);
}

}  // namespace
}  // namespace swarmlab::peer

namespace swarmlab::peer {
namespace {

TEST(RateMeter, ClockStartingAtZeroCountsOnlyWhatWasAdded) {
  // A simulated clock starts at zero: the window must not reach before it.
  RateMeter meter(net::time_zero + std::chrono::milliseconds(2500));
  meter.add(net::time_zero + std::chrono::seconds(3), 4000);
  EXPECT_EQ(meter.rate_bytes_per_second(net::time_zero + std::chrono::milliseconds(3500)), 4000);
}

}  // namespace
}  // namespace swarmlab::peer
