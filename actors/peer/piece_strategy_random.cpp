#include "actors/peer/piece_strategy_random.hpp"

namespace swarmlab::peer {

void RandomStrategy::choose(const FreshPieceQuery& query, net::Rng& rng,
                            std::vector<PieceIndex>& out) const {
  choose_random_fresh(query, rng, out);
}

}  // namespace swarmlab::peer
