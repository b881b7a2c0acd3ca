#include "actors/peer/choker_strategic.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

__extension__ using Int128 = __int128;

// d_a / u_a > d_b / u_b, exactly, by cross-multiplying (no floating point in decisions).
bool higher_return(const StrategicChoker::Estimate& a, const StrategicChoker::Estimate& b) {
  assert(a.upload_bytes_per_second > 0);
  assert(b.upload_bytes_per_second > 0);
  return static_cast<Int128>(a.download_bytes_per_second) * b.upload_bytes_per_second >
         static_cast<Int128>(b.download_bytes_per_second) * a.upload_bytes_per_second;
}

std::int64_t equal_split_guess(const PeerStats& peer) {
  return peer.announce_rate_bytes_per_second / StrategicChoker::assumed_peer_slots;
}

}  // namespace

StrategicChoker::StrategicChoker(const ChokerOptions& options)
    : capacity_bytes_per_second_(options.upload_capacity_bytes_per_second) {
  assert(capacity_bytes_per_second_ >= upload_estimate_min_bytes_per_second);
}

std::optional<StrategicChoker::Estimate> StrategicChoker::estimate(PeerKey peer) const {
  const auto found = estimates_.find(peer);
  if (found == estimates_.end()) return std::nullopt;
  return found->second;
}

void StrategicChoker::update_estimates(std::span<const PeerStats> peers) {
  std::map<PeerKey, Estimate> updated;
  for (const PeerStats& peer : peers) {
    const auto previous = estimates_.find(peer.peer);
    Estimate entry;
    if (previous == estimates_.end()) {
      entry.download_bytes_per_second = std::max<std::int64_t>(equal_split_guess(peer), 1);
      entry.upload_bytes_per_second = equal_split_guess(peer);
    } else {
      entry = previous->second;
    }
    const bool reciprocates = !peer.chokes_us;
    if (entry.unchoked_last_round && !reciprocates) {
      entry.upload_bytes_per_second += std::max<std::int64_t>(entry.upload_bytes_per_second / 5, 1);
      entry.reciprocated_rounds = 0;
    } else if (entry.unchoked_last_round) {
      if (++entry.reciprocated_rounds >= reciprocation_rounds) {
        entry.upload_bytes_per_second -= entry.upload_bytes_per_second / 10;
        entry.reciprocated_rounds = 0;
      }
    }
    if (reciprocates && peer.download_rate_bytes_per_second > 0) {
      entry.download_bytes_per_second = peer.download_rate_bytes_per_second;
    }
    entry.upload_bytes_per_second =
        std::clamp(entry.upload_bytes_per_second, upload_estimate_min_bytes_per_second,
                   capacity_bytes_per_second_);
    entry.unchoked_last_round = false;
    const bool inserted = updated.emplace(peer.peer, entry).second;
    assert(inserted && "peer keys must be unique");
  }
  estimates_ = std::move(updated);
}

ChokeDecision StrategicChoker::decide(net::TimePoint, std::span<const PeerStats> peers, net::Rng&) {
  update_estimates(peers);
  std::vector<std::pair<PeerKey, const Estimate*>> ranked;
  for (const PeerStats& peer : peers) {
    if (peer.peer_interested) ranked.emplace_back(peer.peer, &estimates_.at(peer.peer));
  }
  // Best return per byte first; then the lower key, which is unique.
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (higher_return(*a.second, *b.second)) return true;
    if (higher_return(*b.second, *a.second)) return false;
    return a.first < b.first;
  });
  ChokeDecision decision;
  std::int64_t committed = 0;
  for (const auto& [peer, entry] : ranked) {
    // As in the paper, the last peer unchoked may take the sum past the capacity.
    if (committed >= capacity_bytes_per_second_) break;
    committed += entry->upload_bytes_per_second;
    estimates_.at(peer).unchoked_last_round = true;
    decision.unchoke.push_back(peer);
  }
  std::sort(decision.unchoke.begin(), decision.unchoke.end());
  assert(decision.unchoke.size() <= ranked.size());
  return decision;
}

}  // namespace swarmlab::peer
