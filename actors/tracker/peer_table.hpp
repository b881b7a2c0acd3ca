// PeerTable: the peers of one address family in one swarm. Peers live in a dense vector, so that a
// reply can sample them uniformly in O(peers wanted), and are found through two indices: by peer
// id (a client's identity) and by address (where it is reached; one peer per address and port).
// Removal swaps the last peer into the hole, so the vector's order depends only on the sequence of
// announces, never on hashing. Part of actors/tracker; pure logic, no I/O.
//
// Terms: a peer is "live" at time t when it announced at or after t (the caller passes the cutoff
// derived from the peer timeout); a seeder announced left = 0; everyone else is a leecher.
#pragma once

#include "actors/tracker/seeded_hash.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::tracker {

using protocol::PeerAddress;
using protocol::PeerId;

struct StoredPeer {
  PeerAddress address;
  PeerId peer_id{};
  net::TimePoint last_seen{};
  // A digest of the client's `key` parameter, when it sent one (BEP 3: proves identity when the
  // client's address changes).
  std::optional<std::uint64_t> key;
  bool seeder = false;
};

// A peer as a reply lists it: a view of its entry, valid until the swarm next changes (a reply is
// encoded before anything else happens to the swarm). Pointers are never compared or ordered to
// decide anything.
using ListedPeer = const StoredPeer*;

// Who asks: never listed back to itself, whether by address or by peer id.
struct Requester {
  PeerAddress address;
  PeerId peer_id{};
};

class PeerTable {
 public:
  using Index = std::uint32_t;

  explicit PeerTable(std::uint64_t hash_seed);

  std::size_t size() const { return peers_.size(); }
  bool empty() const { return peers_.empty(); }
  std::uint32_t seeder_count() const { return seeder_count_; }
  std::uint32_t leecher_count() const {
    return static_cast<std::uint32_t>(peers_.size()) - seeder_count_;
  }
  const StoredPeer& at(Index index) const { return peers_.at(index); }

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
  void check_index(Index index) const;

  std::vector<StoredPeer> peers_;
  boost::unordered_flat_map<PeerId, Index, SeededHash, SameKey> by_peer_id_;
  boost::unordered_flat_map<PeerAddress, Index, SeededHash, SameKey> by_address_;
  std::uint32_t seeder_count_ = 0;
};

}  // namespace swarmlab::tracker
