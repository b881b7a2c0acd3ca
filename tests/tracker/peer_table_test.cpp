// PeerTable's layout: listed entries and identities stay paired through every change, the compact
// form a reply copies is the wire form, and the order of peers depends only on the announces.
#include "actors/tracker/peer_table.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::tracker {
namespace {

using namespace test;

StoredPeer stored(std::uint32_t number, net::TimePoint seen = at(0s), bool seeder = false) {
  return StoredPeer{.address = ipv4_peer(number, static_cast<std::uint16_t>(6000 + number)),
                    .peer_id = peer_id(number),
                    .last_seen = seen,
                    .key = std::uint64_t{1000} + number,
                    .seeder = seeder};
}

// Every field of the entry at `index` belongs to the peer made from `number`.
void expect_peer_at(const PeerTable& table, PeerTable::Index index, std::uint32_t number) {
  const StoredPeer peer = table.at(index);
  EXPECT_EQ(peer.address, ipv4_peer(number, static_cast<std::uint16_t>(6000 + number)));
  EXPECT_EQ(peer.peer_id, peer_id(number));
  EXPECT_EQ(peer.key, std::uint64_t{1000} + number);
  EXPECT_EQ(table.find_by_peer_id(peer_id(number)), index);
  EXPECT_EQ(table.find_by_address(peer.address), index);
}

TEST(TrackerPeerTable, CompactFormIsTheWireForm) {
  PeerTable four(1, PeerAddress::Family::ipv4);
  four.insert(StoredPeer{.address = PeerAddress::ipv4({192, 0, 2, 7}, 0x1ae1),
                         .peer_id = peer_id(1),
                         .last_seen = at(0s),
                         .key = std::nullopt,
                         .seeder = false});
  EXPECT_EQ(std::vector(four.compact(0).begin(), four.compact(0).end()),
            (std::vector<std::uint8_t>{192, 0, 2, 7, 0x1a, 0xe1}));

  PeerTable six(2, PeerAddress::Family::ipv6);
  const PeerAddress address = ipv6_peer(0x01020304, 0xbeef);
  six.insert(StoredPeer{.address = address,
                        .peer_id = peer_id(2),
                        .last_seen = at(0s),
                        .key = std::nullopt,
                        .seeder = false});
  const std::vector<std::uint8_t> expected{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,    0,
                                           0,    0,    0,    1,    2, 3, 4, 0xbe, 0xef};
  EXPECT_EQ(std::vector(six.compact(0).begin(), six.compact(0).end()), expected);
  EXPECT_EQ(six.address(0), address);

  std::vector<ListedPeer> listed;
  net::Rng rng(1);
  six.sample(10, {}, at(0s), rng, listed);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].address(), address);
  EXPECT_EQ(listed[0].peer_id(), peer_id(2));
  EXPECT_EQ(listed[0].compact().size(), protocol::compact_ipv6_size_bytes);
}

TEST(TrackerPeerTable, RemovalMovesTheLastPeerWhole) {
  PeerTable table(3, PeerAddress::Family::ipv4);
  for (std::uint32_t number = 1; number <= 5; ++number)
    table.insert(stored(number, at(1s)));
  table.refresh(4, at(7s), true, std::nullopt);  // peer 5: a seeder seen later, key kept
  table.remove(1);                               // peer 2 goes; peer 5 takes its place
  ASSERT_EQ(table.size(), 4u);
  expect_peer_at(table, 0, 1);
  expect_peer_at(table, 1, 5);
  expect_peer_at(table, 2, 3);
  expect_peer_at(table, 3, 4);
  EXPECT_TRUE(table.seeder(1));
  EXPECT_EQ(table.at(1).last_seen, at(7s));
  EXPECT_FALSE(table.seeder(2));
  EXPECT_EQ(table.seeder_count(), 1u);
  EXPECT_FALSE(table.find_by_peer_id(peer_id(2)));
  EXPECT_FALSE(table.find_by_address(stored(2).address));
  // Removing the last entry moves nothing.
  table.remove(3);
  expect_peer_at(table, 1, 5);
  expect_peer_at(table, 2, 3);
}

TEST(TrackerPeerTable, ExpiryKeepsEntriesAndIdentitiesPaired) {
  PeerTable table(4, PeerAddress::Family::ipv4);
  for (std::uint32_t number = 1; number <= 6; ++number) {
    table.insert(stored(number, at(number % 2 == 0 ? 10s : 1s), number == 6));
  }
  EXPECT_EQ(table.expire(at(5s)), 3u);
  ASSERT_EQ(table.size(), 3u);
  // 1 goes and 6 moves into its place; 3 goes and 5 moves in; 5 goes and 4 moves in.
  expect_peer_at(table, 0, 6);
  expect_peer_at(table, 1, 2);
  expect_peer_at(table, 2, 4);
  EXPECT_TRUE(table.seeder(0));
  EXPECT_EQ(table.seeder_count(), 1u);
  EXPECT_EQ(table.leecher_count(), 2u);
}

TEST(TrackerPeerTable, IdentityChangesTouchOnlyTheirHalf) {
  PeerTable table(5, PeerAddress::Family::ipv4);
  table.insert(stored(1, at(1s), true));
  table.insert(stored(2, at(2s)));
  table.change_peer_id(0, peer_id(9));
  EXPECT_EQ(table.peer_id(0), peer_id(9));
  EXPECT_FALSE(table.key(0));  // a restarted client's old key proves nothing
  EXPECT_TRUE(table.has_address(0, stored(1).address));
  EXPECT_TRUE(table.seeder(0));
  EXPECT_EQ(table.at(0).last_seen, at(1s));

  const PeerAddress moved = ipv4_peer(77, 7777);
  table.change_address(1, moved);
  EXPECT_TRUE(table.has_address(1, moved));
  EXPECT_FALSE(table.has_address(1, stored(2).address));
  EXPECT_EQ(table.find_by_address(moved), 1u);
  EXPECT_FALSE(table.find_by_address(stored(2).address));
  EXPECT_EQ(table.peer_id(1), peer_id(2));
  EXPECT_EQ(table.key(1), std::uint64_t{1002});
  EXPECT_EQ(table.at(1).last_seen, at(2s));
}

TEST(TrackerPeerTable, ListedRecordsAreDense) {
  // What a reply reads per peer: 12 bytes for IPv4 (compact form, seeder flag, a second), 24 for
  // IPv6.
  EXPECT_EQ(ListedPeers(PeerAddress::Family::ipv4).record_size_bytes(), 12u);
  EXPECT_EQ(ListedPeers(PeerAddress::Family::ipv6).record_size_bytes(), 24u);
  ListedPeers listed(PeerAddress::Family::ipv4);
  listed.push_back(ipv4_peer(1, 1111), 7, true);
  listed.push_back(ipv4_peer(2, 2222), 9, false);
  listed.copy(1, 0);
  listed.pop_back();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed.address(0), ipv4_peer(2, 2222));
  EXPECT_EQ(listed.seen_seconds(0), 9u);
  EXPECT_FALSE(listed.seeder(0));
}

// Within the second where the cutoff falls, the exact time decides; elsewhere the second does.
TEST(TrackerPeerTable, LivenessIsExactAroundTheCutoffSecond) {
  PeerTable table(6, PeerAddress::Family::ipv4);
  const std::vector<net::TimePoint> seen{at(9999ms), at(10200ms), at(10500ms), at(10700ms),
                                         at(11s)};
  for (std::uint32_t number = 1; number <= seen.size(); ++number) {
    table.insert(stored(number, seen[number - 1]));
  }
  std::vector<ListedPeer> listed;
  net::Rng rng(2);
  table.sample(10, {}, at(10500ms), rng, listed);
  std::vector<PeerAddress> addresses;
  for (const ListedPeer& peer : listed)
    addresses.push_back(peer.address());
  EXPECT_EQ(addresses,
            (std::vector<PeerAddress>{stored(3).address, stored(4).address, stored(5).address}));
  // Expiry draws the same line.
  EXPECT_EQ(table.expire(at(10500ms)), 2u);
  EXPECT_FALSE(table.find_by_peer_id(peer_id(1)));
  EXPECT_FALSE(table.find_by_peer_id(peer_id(2)));
  EXPECT_TRUE(table.find_by_peer_id(peer_id(3)));
  // A refresh moves the peer's second along with its time.
  table.refresh(*table.find_by_peer_id(peer_id(3)), at(20s), false, std::nullopt);
  listed.clear();
  table.sample(10, {}, at(19s), rng, listed);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].peer_id(), peer_id(3));
}

// The same announces give the same order and the same samples, whatever the indices' hash seeds.
TEST(TrackerPeerTable, OrderDependsOnlyOnTheAnnounces) {
  const auto build = [](std::uint64_t hash_seed) {
    PeerTable table(hash_seed, PeerAddress::Family::ipv4);
    for (std::uint32_t number = 1; number <= 200; ++number)
      table.insert(stored(number));
    for (std::uint32_t number = 3; number <= 200; number += 7) {
      table.remove(*table.find_by_peer_id(peer_id(number)));
    }
    table.change_address(*table.find_by_peer_id(peer_id(11)), ipv4_peer(999));
    return table;
  };
  const PeerTable one = build(11);
  const PeerTable other = build(12345);
  ASSERT_EQ(one.size(), other.size());
  for (PeerTable::Index index = 0; index < one.size(); ++index) {
    EXPECT_EQ(one.address(index), other.address(index));
    EXPECT_EQ(one.peer_id(index), other.peer_id(index));
  }
  net::Rng rng_one(21);
  net::Rng rng_other(21);
  std::vector<ListedPeer> sample_one;
  std::vector<ListedPeer> sample_other;
  one.sample(50, {}, at(0s), rng_one, sample_one);
  other.sample(50, {}, at(0s), rng_other, sample_other);
  ASSERT_EQ(sample_one.size(), 50u);
  ASSERT_EQ(sample_other.size(), 50u);
  for (std::size_t position = 0; position < 50; ++position) {
    EXPECT_EQ(sample_one[position].address(), sample_other[position].address());
  }
}

}  // namespace
}  // namespace swarmlab::tracker
