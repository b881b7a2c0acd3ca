// The standard leecher's choker: tit-for-tat (BEP 3; Cohen, "Incentives build robustness in
// BitTorrent", 2003). Part of actors/peer; pure logic.
//
// Each round:
// - regular slots go to the interested peers that upload to us fastest, except peers that snub us
//   (no block for snub_duration while we were interested): reciprocation by merit;
// - one optimistic slot (optimistic_unchoke.hpp) rotates every 30 s among the other interested
//   peers, new peers weighted 3x;
// - anti-snubbing: a regular slot left free because the peers that would have earned it snub us
//   becomes one more optimistic slot, so we search for better partners instead of feeding peers
//   that give nothing back.
#pragma once

#include "actors/peer/choker.hpp"
#include "actors/peer/optimistic_unchoke.hpp"

namespace swarmlab::peer {

class TitForTatChoker final : public Choker {
 public:
  explicit TitForTatChoker(const ChokerOptions& options);

  std::string_view name() const override { return "tit-for-tat"; }
  ChokeDecision decide(net::TimePoint now, std::span<const PeerStats> peers,
                       net::Rng& rng) override;

 private:
  ChokerOptions options_;
  OptimisticUnchoke optimistic_;
};

}  // namespace swarmlab::peer
