// A free rider: downloads but never uploads (every peer stays choked, and no allowed-fast pieces
// are offered, which a choked peer could fetch). A research strategy to measure how well the
// swarm's incentives hold up; it still takes optimistic unchokes and allowed-fast offers from
// others.
// Part of actors/peer; pure logic.
#pragma once

#include "actors/peer/choker.hpp"

namespace swarmlab::peer {

class FreeRiderChoker final : public Choker {
 public:
  std::string_view name() const override { return "free-rider"; }
  ChokeDecision decide(net::TimePoint, std::span<const PeerStats>, net::Rng&) override {
    return {};
  }
  bool offers_allowed_fast() const override { return false; }
};

}  // namespace swarmlab::peer
