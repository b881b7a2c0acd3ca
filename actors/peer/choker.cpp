#include "actors/peer/choker.hpp"

#include "actors/peer/choker_free_rider.hpp"
#include "actors/peer/choker_seed_fastest_upload.hpp"
#include "actors/peer/choker_seed_round_robin.hpp"
#include "actors/peer/choker_strategic.hpp"
#include "actors/peer/choker_tit_for_tat.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

bool is_snubbing(const PeerStats& peer, net::TimePoint now, net::Duration snub_duration) {
  assert(snub_duration.count() > 0);
  if (!peer.we_are_interested) return false;
  // The silence counts from the later of: when we became interested, when it last sent a block.
  const net::TimePoint silent_since =
      std::max(peer.we_interested_since, peer.last_block_received_at.value_or(net::time_zero));
  assert(silent_since <= now);
  return now - silent_since >= snub_duration;
}

std::unique_ptr<Choker> make_choker(ChokerKind kind, const ChokerOptions& options) {
  switch (kind) {
    case ChokerKind::tit_for_tat:
      return std::make_unique<TitForTatChoker>(options);
    case ChokerKind::seed_round_robin:
      return std::make_unique<RoundRobinSeedChoker>(options);
    case ChokerKind::seed_fastest_upload:
      return std::make_unique<FastestUploadSeedChoker>(options);
    case ChokerKind::free_rider:
      return std::make_unique<FreeRiderChoker>();
    case ChokerKind::strategic:
      return std::make_unique<StrategicChoker>(options);
  }
  assert(false && "unknown choker");
  return nullptr;
}

}  // namespace swarmlab::peer
