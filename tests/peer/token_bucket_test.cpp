#include "actors/peer/token_bucket.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer {
namespace {

using namespace std::chrono_literals;
constexpr net::TimePoint start{10s};

TEST(TokenBucket, UnlimitedNeverWaits) {
  TokenBucket bucket(0, 1000, start);
  EXPECT_TRUE(bucket.is_unlimited());
  EXPECT_EQ(bucket.take(start, 1'000'000'000), 0ns);
}

TEST(TokenBucket, BurstIsFreeThenDebtIsPaidAtTheRate) {
  TokenBucket bucket(1000, 500, start);
  EXPECT_EQ(bucket.take(start, 500), 0ns);
  // 250 bytes of debt at 1000 B/s: a quarter of a second.
  EXPECT_EQ(bucket.take(start, 250), 250ms);
  // Debt accumulates across callers: the next one waits behind it.
  EXPECT_EQ(bucket.take(start, 250), 500ms);
}

TEST(TokenBucket, RefillsWithTimeUpToTheBurst) {
  TokenBucket bucket(1000, 500, start);
  EXPECT_EQ(bucket.take(start, 500), 0ns);
  EXPECT_EQ(bucket.tokens(), 0);
  EXPECT_EQ(bucket.take(start + 100ms, 0), 0ns);
  EXPECT_EQ(bucket.tokens(), 100);
  EXPECT_EQ(bucket.take(start + 10s, 0), 0ns);
  EXPECT_EQ(bucket.tokens(), 500);
}

TEST(TokenBucket, AvailableLooksAheadWithoutTaking) {
  TokenBucket bucket(1000, 500, start);
  EXPECT_EQ(bucket.take(start, 700), 200ms);
  EXPECT_EQ(bucket.available(start), -200);
  EXPECT_EQ(bucket.available(start + 300ms), 100);
  EXPECT_EQ(bucket.available(start + 10s), 500);  // never above the burst
  EXPECT_EQ(bucket.tokens(), -200);               // nothing was taken or refilled
}

TEST(TokenBucket, SmallStepsAddUpExactly) {
  TokenBucket bucket(3, 100, start);
  EXPECT_EQ(bucket.take(start, 100), 0ns);
  // 3 B/s: one token every 333.33 ms; a thousand 1 ms steps make 3 tokens, not 0.
  net::TimePoint now = start;
  for (int step = 0; step < 1000; ++step) {
    now += 1ms;
    bucket.take(now, 0);
  }
  EXPECT_EQ(bucket.tokens(), 3);
}

TEST(TokenBucket, LongRunKeepsTheRate) {
  TokenBucket bucket(16 * 1024, 32 * 1024, start);
  net::TimePoint now = start;
  std::int64_t sent = 0;
  // A sender that waits as told: after the burst, 16 KiB blocks go out at the rate.
  for (int block = 0; block < 100; ++block) {
    now += bucket.take(now, 16 * 1024);
    sent += 16 * 1024;
  }
  const double seconds = net::to_seconds(now - start);
  EXPECT_NEAR(static_cast<double>(sent - 32 * 1024) / seconds, 16 * 1024, 16);
}

}  // namespace
}  // namespace swarmlab::peer
