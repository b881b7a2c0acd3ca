// The optimistic unchoke: slots given by chance rather than merit, so that peers we have no rate
// for yet (new ones in particular) can show what they give back, and so that peers with nothing to
// offer still get pieces to trade. Shared by the chokers that use it. Part of actors/peer; pure
// logic.
//
// The holders keep their slots for one rotation period (30 s), then are replaced. A replacement is
// drawn among interested peers that are not regularly unchoked, excluding the previous holders if
// anyone else is eligible. New peers (connected for less than new_peer_age_max) weigh
// new_peer_optimistic_weight times as much as others, as in mainline BitTorrent, since they have
// nothing yet and need a first piece to start trading.
#pragma once

#include "actors/peer/choker.hpp"

#include <span>
#include <vector>

namespace swarmlab::peer {

class OptimisticUnchoke {
 public:
  explicit OptimisticUnchoke(const ChokerOptions& options);

  // The holders after this round: at most `slot_count` peers, none of them in `regular` (sorted by
  // key), in key order. Holders stay until their period ends, or until they stop being eligible.
  std::vector<PeerKey> update(net::TimePoint now, std::span<const PeerStats> peers,
                              std::span<const PeerKey> regular, int slot_count, net::Rng& rng);

 private:
  int weight(const PeerStats& peer, net::TimePoint now) const;

  net::Duration rotation_period_;
  net::Duration new_peer_age_max_;
  int new_peer_weight_;
  // Current holders, in the order they got their slots.
  std::vector<PeerKey> holders_;
  // When the current period began; nullopt before the first round.
  std::optional<net::TimePoint> rotated_at_;
};

}  // namespace swarmlab::peer
