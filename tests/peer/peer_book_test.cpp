#include "actors/peer/peer_book.hpp"

#include <boost/asio/ip/address_v4.hpp>

#include <gtest/gtest.h>

#include <set>

namespace swarmlab::peer {
namespace {

using namespace std::chrono_literals;
using State = PeerBook::State;
constexpr net::TimePoint start{1s};

net::Endpoint endpoint(unsigned char last, std::uint16_t port = 6881) {
  return {boost::asio::ip::address_v4({10, 0, 0, last}), port};
}

TEST(PeerBook, AddsEachAddressOnceAndRespectsItsSize) {
  PeerBook book(2);
  EXPECT_TRUE(book.add(endpoint(1)));
  EXPECT_FALSE(book.add(endpoint(1)));
  EXPECT_TRUE(book.add(endpoint(2)));
  EXPECT_FALSE(book.add(endpoint(3)));
  EXPECT_FALSE(PeerBook().add(endpoint(4, 0)));
  EXPECT_EQ(book.ready_count(), 2u);
}

TEST(PeerBook, DrawsEveryReadyAddressOnceAtRandom) {
  PeerBook book;
  for (unsigned char last = 1; last <= 20; ++last)
    book.add(endpoint(last));
  net::Rng rng(7);
  std::set<net::Endpoint> drawn;
  while (auto next = book.take_next(start, rng))
    drawn.insert(*next);
  EXPECT_EQ(drawn.size(), 20u);
  EXPECT_EQ(book.count(State::connecting), 20u);
}

TEST(PeerBook, FailedConnectsBackOffThenRetire) {
  PeerBook book;
  net::Rng rng(1);
  book.add(endpoint(1));
  net::TimePoint now = start;
  for (int attempt = 1; attempt < limits::connect_attempts_max; ++attempt) {
    ASSERT_EQ(book.take_next(now, rng), endpoint(1));
    book.on_connect_failed(endpoint(1), now);
    EXPECT_EQ(book.state(endpoint(1)), State::waiting);
    const net::TimePoint retry = *book.next_retry_at();
    EXPECT_EQ(retry - now, limits::reconnect_delay_base * (1 << (attempt - 1)));
    EXPECT_FALSE(book.take_next(retry - 1ns, rng));
    now = retry;
  }
  ASSERT_EQ(book.take_next(now, rng), endpoint(1));
  book.on_connect_failed(endpoint(1), now);
  EXPECT_EQ(book.state(endpoint(1)), State::retired);
  EXPECT_FALSE(book.next_retry_at());
}

TEST(PeerBook, ClosedConnectionsReturnUnlessTheReasonForbidsIt) {
  PeerBook book;
  net::Rng rng(1);
  book.add(endpoint(1));
  book.add(endpoint(2));
  book.on_connected(endpoint(1));
  book.on_connected(endpoint(2));
  EXPECT_EQ(book.ready_count(), 0u);
  book.on_closed(endpoint(1), CloseReason::peer_closed, start);
  book.on_closed(endpoint(2), CloseReason::seed_to_seed, start);
  EXPECT_EQ(book.state(endpoint(1)), State::waiting);
  EXPECT_EQ(book.state(endpoint(2)), State::retired);
}

TEST(PeerBook, DuplicateLeavesTheAddressToTheSurvivingConnection) {
  PeerBook book;
  net::Rng rng(1);
  book.add(endpoint(1));
  ASSERT_EQ(book.take_next(start, rng), endpoint(1));
  // The peer's own connection to us told us its listening port, then our dial lost to it.
  book.on_connected(endpoint(1));
  book.on_closed(endpoint(1), CloseReason::duplicate, start);
  EXPECT_EQ(book.state(endpoint(1)), State::connected);
  // With nobody holding the address, a duplicate is tried again later.
  book.add(endpoint(2));
  ASSERT_EQ(book.take_next(start, rng), endpoint(2));
  book.on_closed(endpoint(2), CloseReason::duplicate, start);
  EXPECT_EQ(book.state(endpoint(2)), State::waiting);
}

TEST(PeerBook, BanCoversEveryPortOfTheAddress) {
  PeerBook book;
  book.add(endpoint(1, 1000));
  book.add(endpoint(1, 2000));
  book.add(endpoint(2, 1000));
  book.ban(endpoint(1).address);
  EXPECT_TRUE(book.is_banned(endpoint(1).address));
  EXPECT_EQ(book.state(endpoint(1, 1000)), State::banned);
  EXPECT_EQ(book.state(endpoint(1, 2000)), State::banned);
  EXPECT_EQ(book.ready_count(), 1u);
  EXPECT_FALSE(book.add(endpoint(1, 3000)));
  // An incoming connection from a banned address does not revive it.
  book.on_connected(endpoint(1, 1000));
  EXPECT_EQ(book.state(endpoint(1, 1000)), State::banned);
}

}  // namespace
}  // namespace swarmlab::peer
