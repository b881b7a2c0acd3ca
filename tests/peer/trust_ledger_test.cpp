// TrustLedger: who a failed piece's senders are to blame, against the trust_points_* limits.
#include "actors/peer/trust_ledger.hpp"

#include "actors/peer/session_limits.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmlab::peer {
namespace {

const net::Address honest = boost::asio::ip::make_address("10.0.1.1");
const net::Address liar = boost::asio::ip::make_address("10.0.2.1");
const net::Address other = boost::asio::ip::make_address("10.0.3.1");

// Failures it takes a sender starting at zero to reach the ban level.
constexpr int failures_to_ban_level =
    (-limits::trust_points_ban_level + limits::trust_points_per_failure - 1) /
    limits::trust_points_per_failure;

TEST(TrustLedger, LoneSenderIsBannedAtOnce) {
  TrustLedger ledger;
  const std::vector<net::Address> senders{liar};
  EXPECT_EQ(ledger.blame(senders), liar);
  EXPECT_FALSE(ledger.blame({}).has_value());
}

TEST(TrustLedger, LeastTrustedSenderIsBannedWhenItReachesTheLevel) {
  TrustLedger ledger;
  const std::vector<net::Address> good_piece{honest};
  ledger.credit(good_piece);
  const std::vector<net::Address> senders{honest, liar};
  for (int failure = 1; failure < failures_to_ban_level; ++failure) {
    ASSERT_FALSE(ledger.blame(senders).has_value()) << failure;
  }
  EXPECT_EQ(ledger.blame(senders), liar);
  EXPECT_EQ(ledger.trust(honest) - ledger.trust(liar), 1);
}

TEST(TrustLedger, SendersTiedForLeastTrustedAreNotBanned) {
  TrustLedger ledger;
  const std::vector<net::Address> senders{honest, liar};
  for (int failure = 0; failure < 2 * failures_to_ban_level; ++failure) {
    ASSERT_FALSE(ledger.blame(senders).has_value()) << failure;
  }
  EXPECT_LE(ledger.trust(honest), limits::trust_points_ban_level);
  EXPECT_EQ(ledger.trust(honest), ledger.trust(liar));
  // A tie among the others does not shield a lower one.
  const std::vector<net::Address> three{honest, liar, other};
  const std::vector<net::Address> good_pieces{honest, other};
  TrustLedger fresh;
  for (int piece = 0; piece < 3; ++piece)
    fresh.credit(good_pieces);
  std::optional<net::Address> banned;
  for (int failure = 0; failure < 2 * failures_to_ban_level && !banned; ++failure) {
    banned = fresh.blame(three);
  }
  EXPECT_EQ(banned, liar);
}

TEST(TrustLedger, CreditStopsAtTheMaximum) {
  TrustLedger ledger;
  const std::vector<net::Address> senders{honest};
  for (int piece = 0; piece < 3 * limits::trust_points_max; ++piece)
    ledger.credit(senders);
  EXPECT_EQ(ledger.trust(honest), limits::trust_points_max);
  EXPECT_EQ(ledger.trust(other), 0);
}

TEST(TrustLedger, ForgivingGivesBackWhatTheFailuresCostUpToTheMaximum) {
  TrustLedger ledger;
  const std::vector<net::Address> senders{honest, liar};
  EXPECT_FALSE(ledger.blame(senders).has_value());
  EXPECT_FALSE(ledger.blame(senders).has_value());
  ledger.forgive(honest, 2);
  EXPECT_EQ(ledger.trust(honest), 0);
  EXPECT_EQ(ledger.trust(liar), -2 * limits::trust_points_per_failure);
  ledger.forgive(honest, 3 * limits::trust_points_max);
  EXPECT_EQ(ledger.trust(honest), limits::trust_points_max);
}

}  // namespace
}  // namespace swarmlab::peer
