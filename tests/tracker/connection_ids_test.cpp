// UDP connection ids: valid from their address for two minutes, unforgeable otherwise.
#include "actors/tracker/connection_ids.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::tracker {
namespace {

using namespace test;

TEST(TrackerConnectionIds, VerifyForTwoMinutesFromTheirAddress) {
  net::Rng rng(1);
  const ConnectionIds ids(rng);
  const PeerAddress client = ipv4_peer(1, 5000);
  const std::uint64_t id = ids.issue(client, at(1000s));
  EXPECT_TRUE(ids.verify(id, client, at(1000s)));
  EXPECT_TRUE(ids.verify(id, client, at(1060s)));
  EXPECT_TRUE(ids.verify(id, client, at(1119s)));
  EXPECT_TRUE(ids.verify(id, client, at(1120s)));
  EXPECT_FALSE(ids.verify(id, client, at(1121s)));
  EXPECT_FALSE(ids.verify(id, client, at(5000s)));
  // Issued "in the future" (a clock cannot go back, so this is a forgery of the time bits).
  EXPECT_FALSE(ids.verify(id, client, at(999s)));
}

TEST(TrackerConnectionIds, DoNotVerifyFromAnotherAddress) {
  net::Rng rng(2);
  const ConnectionIds ids(rng);
  const std::uint64_t id = ids.issue(ipv4_peer(1, 5000), at(10s));
  EXPECT_FALSE(ids.verify(id, ipv4_peer(2, 5000), at(10s)));
  EXPECT_FALSE(ids.verify(id, ipv6_peer(1, 5000), at(10s)));
  // The client's other sockets share its id.
  EXPECT_TRUE(ids.verify(id, ipv4_peer(1, 5001), at(10s)));
}

TEST(TrackerConnectionIds, DoNotComeBackWhenTheTimeBitsWrap) {
  net::Rng rng(3);
  const ConnectionIds ids(rng);
  const PeerAddress client = ipv4_peer(1, 5000);
  const std::uint64_t id = ids.issue(client, at(100s));
  // 2^16 seconds later the 16 time bits read the same, but the full issue time does not match.
  EXPECT_FALSE(ids.verify(id, client, at(100s + 65536s)));
}

TEST(TrackerConnectionIds, ForgeriesFail) {
  net::Rng rng(4);
  const ConnectionIds ids(rng);
  const PeerAddress client = ipv4_peer(1, 5000);
  const std::uint64_t id = ids.issue(client, at(10s));
  // Every single-bit change of a valid id fails.
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_FALSE(ids.verify(id ^ (std::uint64_t{1} << bit), client, at(10s))) << bit;
  }
  // Guesses with the right time bits fail (each is a 2^-48 chance).
  net::Rng guesser(99);
  int verified = 0;
  for (int guess = 0; guess < 100'000; ++guess) {
    const std::uint64_t forged = (id & 0xffff'0000'0000'0000) | (guesser.next() >> 16);
    if (ids.verify(forged, client, at(10s))) ++verified;
  }
  EXPECT_EQ(verified, 0);
  // Another tracker (another secret) does not accept this one's ids.
  net::Rng other_rng(5);
  const ConnectionIds other(other_rng);
  EXPECT_FALSE(other.verify(id, client, at(10s)));
}

}  // namespace
}  // namespace swarmlab::tracker
