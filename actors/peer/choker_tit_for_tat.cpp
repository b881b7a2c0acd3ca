#include "actors/peer/choker_tit_for_tat.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace swarmlab::peer {
namespace {

// Faster uploader to us first; on equal rates a peer already unchoked keeps its slot (no flapping);
// then the lower key, which is unique.
bool regular_before(const PeerStats* a, const PeerStats* b) {
  return std::make_tuple(-a->download_rate_bytes_per_second, a->choked_by_us, a->peer) <
         std::make_tuple(-b->download_rate_bytes_per_second, b->choked_by_us, b->peer);
}

}  // namespace

TitForTatChoker::TitForTatChoker(const ChokerOptions& options)
    : options_(options), optimistic_(options) {
  assert(options.upload_slots >= 0);
  assert(options.upload_slots <= limits::upload_slots_max);
  assert(options.optimistic_slots >= 0);
}

ChokeDecision TitForTatChoker::decide(net::TimePoint now, std::span<const PeerStats> peers,
                                      net::Rng& rng) {
  std::vector<const PeerStats*> ranked;
  int snubbing_count = 0;
  for (const PeerStats& peer : peers) {
    if (!peer.peer_interested) continue;
    if (is_snubbing(peer, now, options_.snub_duration)) {
      ++snubbing_count;
    } else {
      ranked.push_back(&peer);
    }
  }
  std::sort(ranked.begin(), ranked.end(), regular_before);
  ChokeDecision decision;
  const auto regular_count =
      std::min(ranked.size(), static_cast<std::size_t>(options_.upload_slots));
  for (std::size_t i = 0; i < regular_count; ++i)
    decision.unchoke.push_back(ranked[i]->peer);
  std::sort(decision.unchoke.begin(), decision.unchoke.end());

  const int free_regular = options_.upload_slots - static_cast<int>(regular_count);
  const int optimistic_count = options_.optimistic_slots + std::min(free_regular, snubbing_count);
  decision.optimistic = optimistic_.update(now, peers, decision.unchoke, optimistic_count, rng);
  decision.unchoke.insert(decision.unchoke.end(), decision.optimistic.begin(),
                          decision.optimistic.end());
  std::sort(decision.unchoke.begin(), decision.unchoke.end());
  assert(std::adjacent_find(decision.unchoke.begin(), decision.unchoke.end()) ==
         decision.unchoke.end());
  assert(decision.unchoke.size() <= regular_count + static_cast<std::size_t>(optimistic_count));
  return decision;
}

}  // namespace swarmlab::peer
