// Swarm: the tracker's state for one torrent: its peers (one PeerTable per address family), how
// many downloads completed, and when it last saw an announce. It applies one announce at a time
// and picks the peers a reply lists. Part of actors/tracker; pure logic, no I/O.
//
// Identity: within a family, a peer is its peer id, and an address (with port) holds one peer.
//  - A known peer id from its known address: refreshed.
//  - A known peer id from a new address: moved there if it proves itself with the same `key` it
//    announced before (or never sent one); otherwise refused, so nobody can take over another
//    peer's entry with a peer id seen in a reply.
//  - A new peer id from a known address: the client restarted there; the entry takes the new id.
//  - event=stopped removes the peer (and whatever else sat on the requester's address).
// A client announcing over IPv4 and IPv6 is one peer in each table.
#pragma once

#include "actors/tracker/peer_table.hpp"
#include "record/observer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::tracker {

using record::AnnounceEvent;

// One announce as a swarm sees it.
struct PeerAnnounce {
  // Where other peers reach the announcing one: the request's source address and announced port.
  PeerAddress address;
  PeerId peer_id{};
  std::optional<std::uint64_t> key;
  bool seeder = false;  // left == 0
  AnnounceEvent event = AnnounceEvent::none;
};

enum class SwarmUpdate : std::uint8_t {
  added,
  refreshed,
  removed,        // event=stopped of a listed peer
  absent,         // event=stopped of a peer that was not listed
  swarm_full,     // a new peer that does not fit (it is served, but not listed)
  peer_id_taken,  // a known peer id from another address, without its key
};

struct SwarmCounts {
  std::uint32_t seeders = 0;
  std::uint32_t leechers = 0;
  std::uint32_t completed = 0;  // event=completed announces of peers that were leechers
  friend bool operator==(const SwarmCounts&, const SwarmCounts&) = default;
};

// Which families a reply draws from.
enum class FamilyPolicy : std::uint8_t {
  same_only,        // UDP: one datagram carries one family
  same_then_other,  // HTTP: peers6 and peers can travel together
};

class Swarm {
 public:
  Swarm(std::uint64_t hash_seed, net::TimePoint created);

  // `may_add` says whether the registry has room for one more peer (in this swarm and overall).
  SwarmUpdate update(const PeerAnnounce& announce, net::TimePoint now, bool may_add);

  // Appends up to `count` live peers for the requester: of its own family first, then (with
  // same_then_other) of the other.
  void sample(std::size_t count, const Requester& requester, FamilyPolicy policy,
              net::TimePoint live_since, net::Rng& rng, std::vector<ListedPeer>& out) const;

  std::size_t expire(net::TimePoint cutoff);

  SwarmCounts counts() const;
  std::size_t peer_count() const { return peer_count_; }
  bool empty() const { return peer_count() == 0; }
  net::TimePoint last_activity() const { return last_activity_; }
  const PeerTable& table(PeerAddress::Family family) const { return tables_[slot(family)]; }

 private:
  static std::size_t slot(PeerAddress::Family family) {
    return family == PeerAddress::Family::ipv4 ? 0 : 1;
  }
  SwarmUpdate apply(PeerTable& table, const PeerAnnounce& announce, net::TimePoint now,
                    bool may_add);
  SwarmUpdate stop(PeerTable& table, const PeerAnnounce& announce);
  SwarmUpdate update_known(PeerTable& table, PeerTable::Index index, const PeerAnnounce& announce,
                           net::TimePoint now);

  // Counts of both tables together, kept next to each other and to the time of the last announce:
  // an announce to one family then reads nothing of the other family's table.
  std::uint32_t peer_count_ = 0;
  std::uint32_t seeder_count_ = 0;
  std::uint32_t completed_ = 0;
  net::TimePoint last_activity_{};
  std::array<PeerTable, 2> tables_;  // IPv4, IPv6
};

}  // namespace swarmlab::tracker
