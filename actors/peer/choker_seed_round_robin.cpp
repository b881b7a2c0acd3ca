#include "actors/peer/choker_seed_round_robin.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace swarmlab::peer {
namespace {

enum class Turn : int { in_progress = 0, waiting = 1, over = 2 };

struct Ranked {
  Turn turn;
  net::TimePoint since;
  PeerKey peer;
};

// Peers in the middle of their turn first, then those waiting longest, then those whose turn is
// over; within a group the earlier state change first; then the key, which is unique.
bool ranked_before(const Ranked& a, const Ranked& b) {
  return std::make_tuple(a.turn, a.since, a.peer) < std::make_tuple(b.turn, b.since, b.peer);
}

}  // namespace

RoundRobinSeedChoker::RoundRobinSeedChoker(const ChokerOptions& options) : options_(options) {
  assert(options.upload_slots >= 0);
  assert(options.seed_turn_duration.count() > 0);
  assert(options.seed_turn_quota.value() > 0);
}

ChokeDecision RoundRobinSeedChoker::decide(net::TimePoint now, std::span<const PeerStats> peers,
                                           net::Rng&) {
  std::vector<Ranked> ranked;
  for (const PeerStats& peer : peers) {
    if (!peer.peer_interested) continue;
    Turn turn = Turn::waiting;
    if (!peer.choked_by_us) {
      const bool over = now - peer.choke_changed_at >= options_.seed_turn_duration ||
                        peer.uploaded_since_unchoke >= options_.seed_turn_quota;
      turn = over ? Turn::over : Turn::in_progress;
    }
    ranked.push_back({turn, peer.choke_changed_at, peer.peer});
  }
  std::sort(ranked.begin(), ranked.end(), ranked_before);
  ChokeDecision decision;
  const auto count = std::min(ranked.size(), static_cast<std::size_t>(options_.upload_slots));
  for (std::size_t i = 0; i < count; ++i)
    decision.unchoke.push_back(ranked[i].peer);
  std::sort(decision.unchoke.begin(), decision.unchoke.end());
  assert(decision.unchoke.size() <= static_cast<std::size_t>(options_.upload_slots));
  return decision;
}

}  // namespace swarmlab::peer
