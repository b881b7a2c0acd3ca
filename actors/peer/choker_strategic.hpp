// A strategic peer in the manner of BitTyrant: M. Piatek, T. Isdal, T. Anderson,
// A. Krishnamurthy, A. Venkataramani, "Do incentives build robustness in BitTorrent?", NSDI 2007.
// A research strategy. Part of actors/peer; pure integer logic.
//
// For every peer p it keeps two estimates:
// - d_p, the download rate p would give us while it unchokes us: the measured rate once p has
//   unchoked us, before that p's announce rate (its own download rate, a proxy for its upload
//   capacity) split over the upload slots p is assumed to have;
// - u_p, the upload rate we must give p to be reciprocated: initially the same equal-split
// estimate. Each round it unchokes interested peers in decreasing order of d_p / u_p (return per
// byte given) until the sum of u_p reaches its upload capacity. After a round, for each peer it
// unchoked:
// - p did not unchoke us: u_p grows by 20% (we gave too little to be noticed);
// - p unchoked us for `reciprocation_rounds` (3) rounds in a row: u_p shrinks by 10% (we may be
//   giving more than needed).
// The paper's constants are gamma = 0.1, delta = 0.2, r = 3.
//
//   d/u ratio ranking:  p3 [d=40 u=10] 4.0 | p1 [d=30 u=10] 3.0 | p2 [d=20 u=20] 1.0 | ...
//   capacity 25:        unchoke p3 (10), p1 (20), p2 (40 >= 25: last one), stop
#pragma once

#include "actors/peer/choker.hpp"

#include <map>
#include <optional>

namespace swarmlab::peer {

class StrategicChoker final : public Choker {
 public:
  struct Estimate {
    std::int64_t download_bytes_per_second = 0;  // d_p
    std::int64_t upload_bytes_per_second = 0;    // u_p
    // Consecutive rounds in which p unchoked us while we unchoked it.
    int reciprocated_rounds = 0;
    bool unchoked_last_round = false;
  };

  // The equal-split guesses assume a peer shares its upload among this many peers.
  static constexpr std::int64_t assumed_peer_slots = limits::upload_slots_default + 1;
  static constexpr int reciprocation_rounds = 3;
  // u_p never drops below this (so that d_p / u_p is defined) nor rises above our capacity.
  static constexpr std::int64_t upload_estimate_min_bytes_per_second = 1024;

  explicit StrategicChoker(const ChokerOptions& options);

  std::string_view name() const override { return "strategic"; }
  ChokeDecision decide(net::TimePoint now, std::span<const PeerStats> peers,
                       net::Rng& rng) override;
  std::optional<Estimate> estimate(PeerKey peer) const;

 private:
  void update_estimates(std::span<const PeerStats> peers);

  std::int64_t capacity_bytes_per_second_;
  // Per connected peer; an ordered map so that iteration never depends on hashing.
  std::map<PeerKey, Estimate> estimates_;
};

}  // namespace swarmlab::peer
