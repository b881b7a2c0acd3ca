// The per-address rate limit.
#include "actors/tracker/rate_limiter.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::tracker {
namespace {

using namespace test;

int admitted(RateLimiter& limiter, const PeerAddress& source, net::TimePoint now, int tries) {
  int count = 0;
  for (int attempt = 0; attempt < tries; ++attempt)
    count += limiter.admit(source, now) ? 1 : 0;
  return count;
}

TEST(TrackerRateLimiter, BurstThenSteadyRate) {
  RateLimiter limiter(RateLimit{.requests_per_second = 10, .burst = 30}, 1);
  EXPECT_EQ(admitted(limiter, ipv4_peer(1), at(1s), 100), 30);
  // 10 per second afterwards.
  EXPECT_EQ(admitted(limiter, ipv4_peer(1), at(2s), 100), 10);
  EXPECT_EQ(admitted(limiter, ipv4_peer(1), at(2500ms), 100), 5);
  // A long pause refills the bucket to the burst, not beyond.
  EXPECT_EQ(admitted(limiter, ipv4_peer(1), at(100s), 100), 30);
}

TEST(TrackerRateLimiter, AddressesAreIndependentAndPortsDoNotCount) {
  RateLimiter limiter(RateLimit{.requests_per_second = 1, .burst = 3}, 1);
  EXPECT_EQ(admitted(limiter, ipv4_peer(1, 1000), at(1s), 2), 2);
  EXPECT_EQ(admitted(limiter, ipv4_peer(1, 2000), at(1s), 5), 1);
  EXPECT_EQ(admitted(limiter, ipv4_peer(2, 1000), at(1s), 5), 3);
  EXPECT_EQ(admitted(limiter, ipv6_peer(1, 1000), at(1s), 5), 3);
}

TEST(TrackerRateLimiter, OffAdmitsEverything) {
  RateLimiter limiter(RateLimit{.requests_per_second = 0, .burst = 1}, 1);
  EXPECT_FALSE(limiter.enabled());
  EXPECT_EQ(admitted(limiter, ipv4_peer(1), at(1s), 10'000), 10'000);
  EXPECT_EQ(limiter.tracked_count(), 0u);
}

TEST(TrackerRateLimiter, SweepForgetsRefilledAddressesAndTheTableIsBounded) {
  RateLimiter limiter(RateLimit{.requests_per_second = 1, .burst = 2}, 1);
  for (std::uint32_t number = 0; number < limits::rate_address_count_max; ++number) {
    limiter.admit(ipv4_peer(number), at(1s));
  }
  EXPECT_EQ(limiter.tracked_count(), limits::rate_address_count_max);
  // Past the table's size, newcomers share one bucket: two of them fit, the third does not.
  EXPECT_TRUE(limiter.admit(ipv4_peer(1'000'000), at(1s)));
  EXPECT_TRUE(limiter.admit(ipv4_peer(1'000'001), at(1s)));
  EXPECT_FALSE(limiter.admit(ipv4_peer(1'000'002), at(1s)));
  EXPECT_EQ(limiter.tracked_count(), limits::rate_address_count_max);
  limiter.sweep(at(1500ms));
  EXPECT_EQ(limiter.tracked_count(), limits::rate_address_count_max);
  limiter.sweep(at(2s));
  EXPECT_EQ(limiter.tracked_count(), 0u);
}

}  // namespace
}  // namespace swarmlab::tracker
