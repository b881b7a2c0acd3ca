#include "actors/peer/optimistic_unchoke.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

bool contains(std::span<const PeerKey> keys, PeerKey key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The eligible peers, in key order so that the draw below does not depend on the input order.
std::vector<const PeerStats*> eligible_peers(std::span<const PeerStats> peers,
                                             std::span<const PeerKey> regular) {
  std::vector<const PeerStats*> eligible;
  for (const PeerStats& peer : peers) {
    if (peer.peer_interested && !std::binary_search(regular.begin(), regular.end(), peer.peer)) {
      eligible.push_back(&peer);
    }
  }
  std::sort(eligible.begin(), eligible.end(),
            [](const PeerStats* a, const PeerStats* b) { return a->peer < b->peer; });
  return eligible;
}

}  // namespace

OptimisticUnchoke::OptimisticUnchoke(const ChokerOptions& options)
    : rotation_period_(options.optimistic_rotation_period),
      new_peer_age_max_(options.new_peer_age_max),
      new_peer_weight_(options.new_peer_optimistic_weight) {
  assert(rotation_period_.count() > 0);
  assert(new_peer_weight_ >= 1);
}

int OptimisticUnchoke::weight(const PeerStats& peer, net::TimePoint now) const {
  return now - peer.connected_at < new_peer_age_max_ ? new_peer_weight_ : 1;
}

std::vector<PeerKey> OptimisticUnchoke::update(net::TimePoint now, std::span<const PeerStats> peers,
                                               std::span<const PeerKey> regular, int slot_count,
                                               net::Rng& rng) {
  assert(slot_count >= 0);
  assert(std::is_sorted(regular.begin(), regular.end()));
  const std::vector<const PeerStats*> eligible = eligible_peers(peers, regular);
  const auto is_eligible = [&](PeerKey key) {
    return std::any_of(eligible.begin(), eligible.end(),
                       [key](const PeerStats* peer) { return peer->peer == key; });
  };
  const bool rotate = !rotated_at_ || now - *rotated_at_ >= rotation_period_;
  const std::vector<PeerKey> previous = holders_;
  if (rotate) {
    holders_.clear();
    rotated_at_ = now;
  } else {
    std::erase_if(holders_, [&](PeerKey key) { return !is_eligible(key); });
  }
  if (holders_.size() > static_cast<std::size_t>(slot_count)) holders_.resize(slot_count);

  std::vector<const PeerStats*> pool;
  while (holders_.size() < static_cast<std::size_t>(slot_count)) {
    // Previous holders are drawn only when nobody else is left, so that the slot really rotates.
    for (bool allow_previous : {false, true}) {
      pool.clear();
      for (const PeerStats* peer : eligible) {
        if (contains(holders_, peer->peer)) continue;
        if (rotate && !allow_previous && contains(previous, peer->peer)) continue;
        pool.push_back(peer);
      }
      if (!pool.empty()) break;
    }
    if (pool.empty()) break;
    std::uint64_t total_weight = 0;
    for (const PeerStats* peer : pool)
      total_weight += static_cast<std::uint64_t>(weight(*peer, now));
    std::uint64_t draw = rng.below(total_weight);
    for (const PeerStats* peer : pool) {
      const auto peer_weight = static_cast<std::uint64_t>(weight(*peer, now));
      if (draw < peer_weight) {
        holders_.push_back(peer->peer);
        break;
      }
      draw -= peer_weight;
    }
  }
  std::vector<PeerKey> result = holders_;
  std::sort(result.begin(), result.end());
  assert(result.size() <= static_cast<std::size_t>(slot_count));
  return result;
}

}  // namespace swarmlab::peer
