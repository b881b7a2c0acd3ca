#include "actors/peer/choker_seed_fastest_upload.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace swarmlab::peer {
namespace {

// Faster upload to the peer first; on equal rates a peer already unchoked keeps its slot; then the
// lower key, which is unique.
bool fastest_before(const PeerStats* a, const PeerStats* b) {
  return std::make_tuple(-a->upload_rate_bytes_per_second, a->choked_by_us, a->peer) <
         std::make_tuple(-b->upload_rate_bytes_per_second, b->choked_by_us, b->peer);
}

}  // namespace

FastestUploadSeedChoker::FastestUploadSeedChoker(const ChokerOptions& options)
    : options_(options), optimistic_(options) {
  assert(options.upload_slots >= 0);
  assert(options.optimistic_slots >= 0);
}

ChokeDecision FastestUploadSeedChoker::decide(net::TimePoint now, std::span<const PeerStats> peers,
                                              net::Rng& rng) {
  std::vector<const PeerStats*> ranked;
  for (const PeerStats& peer : peers) {
    if (peer.peer_interested) ranked.push_back(&peer);
  }
  std::sort(ranked.begin(), ranked.end(), fastest_before);
  ChokeDecision decision;
  const auto count = std::min(ranked.size(), static_cast<std::size_t>(options_.upload_slots));
  for (std::size_t i = 0; i < count; ++i)
    decision.unchoke.push_back(ranked[i]->peer);
  std::sort(decision.unchoke.begin(), decision.unchoke.end());
  decision.optimistic =
      optimistic_.update(now, peers, decision.unchoke, options_.optimistic_slots, rng);
  decision.unchoke.insert(decision.unchoke.end(), decision.optimistic.begin(),
                          decision.optimistic.end());
  std::sort(decision.unchoke.begin(), decision.unchoke.end());
  assert(std::adjacent_find(decision.unchoke.begin(), decision.unchoke.end()) ==
         decision.unchoke.end());
  return decision;
}

}  // namespace swarmlab::peer
