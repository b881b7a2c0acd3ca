// PeerTable: the peers of one address family in one swarm. Peers live in two parallel dense
// arrays with the same index:
//  - the listed records (ListedPeers): what a reply lists and what decides whether it lists it
//    (compact address, seeder flag, second of the last announce), 12 bytes each for IPv4, so
//    that listing a swarm's peers reads one short run of memory and never a peer id or a key;
//  - the identities: the peer id, the key digest and the exact time of the last announce; an
//    announce only writes them (the by-peer-id index finds the peer), and they are read when a
//    peer moves, stops or is removed, when HTTP lists peer ids, and for a peer whose last second
//    is the cutoff's own.
// Peers are found through two indices: by peer id (a client's identity) and by address (where it
// is reached; one peer per address and port). A reply samples uniformly in O(peers wanted).
// Removal swaps the last peer into the hole in both arrays, so their order depends only on the
// sequence of announces, never on hashing. Part of actors/tracker; pure logic, no I/O.
//
// Terms: a peer is "live" at time t when it announced at or after t (the caller passes the cutoff
// derived from the peer timeout); a seeder announced left = 0; everyone else is a leecher.
#pragma once

#include "actors/tracker/listed_peers.hpp"
#include "actors/tracker/seeded_hash.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace swarmlab::tracker {

using protocol::PeerAddress;
using protocol::PeerId;

// A peer as the swarm takes it in (and as PeerTable::at gives it back, assembled from both
// arrays).
struct StoredPeer {
  PeerAddress address;
  PeerId peer_id{};
  net::TimePoint last_seen{};
  // A digest of the client's `key` parameter, when it sent one (BEP 3: proves identity when the
  // client's address changes).
  std::optional<std::uint64_t> key;
  bool seeder = false;
};

class PeerTable;

// A peer as a reply lists it: a view of its entries, valid until the swarm next changes (a reply
// is encoded before anything else happens to the swarm). Views are compared only by tests; the
// table's address is never compared or ordered to decide anything.
class ListedPeer {
 public:
  ListedPeer(const PeerTable& table, std::uint32_t index) : table_(&table), index_(index) {}

  // The compact form (BEP 23 / BEP 7): 6 bytes for IPv4, 18 for IPv6.
  std::span<const std::uint8_t> compact() const;
  PeerAddress address() const;
  const PeerId& peer_id() const;

  friend bool operator==(const ListedPeer&, const ListedPeer&) = default;

 private:
  const PeerTable* table_;
  std::uint32_t index_;
};

// Who asks: never listed back to itself, whether by address or by peer id.
struct Requester {
  PeerAddress address;
  PeerId peer_id{};
};

class PeerTable {
 public:
  using Index = std::uint32_t;

  // Every peer of the table has an address of `family`.
  PeerTable(std::uint64_t hash_seed, PeerAddress::Family family);

  PeerAddress::Family family() const { return listed_.family(); }
  std::size_t size() const { return identities_.size(); }
  bool empty() const { return identities_.empty(); }
  std::uint32_t seeder_count() const { return seeder_count_; }
  std::uint32_t leecher_count() const { return static_cast<std::uint32_t>(size()) - seeder_count_; }
  // The whole entry, assembled (a copy).
  StoredPeer at(Index index) const;
  PeerAddress address(Index index) const { return listed_.address(index); }
  bool has_address(Index index, const PeerAddress& address) const {
    return listed_.has_address(index, address);
  }
  // The compact form (BEP 23 / BEP 7), as a reply carries it.
  std::span<const std::uint8_t> compact(Index index) const { return listed_.compact(index); }
  bool seeder(Index index) const { return listed_.seeder(index); }
  const PeerId& peer_id(Index index) const { return identities_.at(index).peer_id; }
  const std::optional<std::uint64_t>& key(Index index) const { return identities_.at(index).key; }
  net::TimePoint last_seen(Index index) const { return identities_.at(index).last_seen; }

  std::optional<Index> find_by_peer_id(const PeerId& peer_id) const;
  std::optional<Index> find_by_address(const PeerAddress& address) const;

  // The peer id and the address must both be new to the table.
  void insert(const StoredPeer& peer);
  void remove(Index index);
  // Refreshes a known peer: time, seeder state, key. Identity changes go through the two below.
  void refresh(Index index, net::TimePoint now, bool seeder, std::optional<std::uint64_t> key);
  // The peer at `index` now has this peer id (a client restarted on the same address and port);
  // the id must be new to the table.
  void change_peer_id(Index index, const PeerId& peer_id);
  // The peer at `index` now has this address (its address changed); the address must be new.
  void change_address(Index index, const PeerAddress& address);

  static constexpr Index no_index = ~Index{0};
  // Entries a sample leaves out (the requester's own, found by peer id and by address).
  struct Exclusion {
    Index first = no_index;
    Index second = no_index;
  };
  // The requester's entries in this table: by peer id and, in its own family, by address.
  Exclusion exclusion_of(const Requester& requester) const;

  // Appends up to `count` live peers other than the excluded ones, chosen uniformly at random
  // without repetition (a sparse Fisher-Yates shuffle: O(count) draws while few peers are
  // skipped).
  void sample(std::size_t count, Exclusion excluded, net::TimePoint live_since, net::Rng& rng,
              std::vector<ListedPeer>& out) const;

  // Removes every peer last seen before `cutoff`; returns how many.
  std::size_t expire(net::TimePoint cutoff);

 private:
  // Who the peer is, and exactly when it last announced.
  struct Identity {
    PeerId peer_id{};
    std::optional<std::uint64_t> key;
    net::TimePoint last_seen{};
  };

  // Whether the peer at `index` announced at or after `live_since`, whose second is given: the
  // listed record decides unless the two seconds are the same.
  bool live(Index index, net::TimePoint live_since, std::uint32_t live_since_seconds) const {
    const std::uint32_t seen = listed_.seen_seconds(index);
    if (seen != live_since_seconds) return seen > live_since_seconds;
    return identities_[index].last_seen >= live_since;
  }
  void check_index(Index index) const;
  void check_pairing(Index index) const;

  ListedPeers listed_;
  std::vector<Identity> identities_;  // same indices as listed_
  boost::unordered_flat_map<PeerId, Index, SeededHash, SameKey> by_peer_id_;
  boost::unordered_flat_map<PeerAddress, Index, SeededHash, SameKey> by_address_;
  std::uint32_t seeder_count_ = 0;
};

inline std::span<const std::uint8_t> ListedPeer::compact() const {
  return table_->compact(index_);
}
inline PeerAddress ListedPeer::address() const {
  return table_->address(index_);
}
inline const PeerId& ListedPeer::peer_id() const {
  return table_->peer_id(index_);
}

}  // namespace swarmlab::tracker
