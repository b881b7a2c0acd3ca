// A free rider: downloads but never uploads (every peer stays choked). A research strategy to
// measure how well the swarm's incentives hold up; it still takes optimistic unchokes from others.
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
};

}  // namespace swarmlab::peer
