// The choker: which peers we upload to. Part of actors/peer; pure logic over plain per-peer stats,
// no I/O, no clock, no Asio: time and randomness are passed in.
//
// The torrent calls decide() every limits::choke_interval (10 s) with one PeerStats per connection
// and unchokes exactly the returned peers, choking every other one. Every strategy is a class
// behind this one interface, so research strategies (free rider, BitTyrant) are plugged in per
// peer, never selected by branches:
// - TitForTatChoker: the standard leecher (BEP 3, Cohen 2003), with optimistic unchoke and
//   anti-snubbing;
// - RoundRobinSeedChoker and FastestUploadSeedChoker: what a seed does;
// - FreeRiderChoker: never uploads;
// - StrategicChoker: BitTyrant (Piatek et al. 2007), unchoking by expected return per byte.
//
// Determinism: every ranking ends on the peer key, which is unique, so the order of `peers` never
// changes a decision; random choices draw only from the Rng passed in.
#pragma once

#include "actors/peer/limits.hpp"
#include "actors/peer/types.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace swarmlab::peer {

// What the choker knows about one connection. Rates are payload bytes per second, averaged by the
// connection over its own window.
struct PeerStats {
  // Unique within the torrent; the final tie-break of every ranking.
  PeerKey peer = PeerKey::none();
  // The peer is interested in our pieces.
  bool peer_interested = false;
  // We currently choke the peer.
  bool choked_by_us = true;
  // The peer currently chokes us.
  bool chokes_us = true;
  // We are interested in the peer's pieces, since `we_interested_since`.
  bool we_are_interested = false;
  net::TimePoint we_interested_since = net::time_zero;
  std::int64_t download_rate_bytes_per_second = 0;  // from the peer to us
  std::int64_t upload_rate_bytes_per_second = 0;    // from us to the peer
  // Piece bytes the peer announced (HAVE) per second: an estimate of its own download rate, which
  // strategic peers use to guess its upload capacity.
  std::int64_t announce_rate_bytes_per_second = 0;
  net::TimePoint connected_at = net::time_zero;
  // When the peer last sent us a block; nullopt if it never did.
  std::optional<net::TimePoint> last_block_received_at = std::nullopt;
  // When we last choked or unchoked the peer (the start of its current state).
  net::TimePoint choke_changed_at = net::time_zero;
  // Payload sent to the peer since we last unchoked it.
  SizeBytes uploaded_since_unchoke{0};
};

struct ChokeDecision {
  // The peers to unchoke, in key order; every other peer is choked.
  std::vector<PeerKey> unchoke;
  // The subset of `unchoke` holding optimistic slots, in key order.
  std::vector<PeerKey> optimistic;
};

struct ChokerOptions {
  // Regular slots, filled by merit (rate).
  int upload_slots = limits::upload_slots_default;
  // Optimistic slots, filled by chance and rotated.
  int optimistic_slots = limits::optimistic_slots_default;
  net::Duration optimistic_rotation_period = limits::optimistic_rotation_period;
  net::Duration new_peer_age_max = limits::new_peer_age_max;
  int new_peer_optimistic_weight = limits::new_peer_optimistic_weight;
  net::Duration snub_duration = limits::snub_duration;
  // Seeding round robin.
  net::Duration seed_turn_duration = limits::seed_turn_duration;
  SizeBytes seed_turn_quota{limits::seed_turn_quota_bytes};
  // The strategic (BitTyrant) peer's upload capacity, which bounds the sum of what it gives.
  // Required by that choker (at least StrategicChoker::upload_estimate_min_bytes_per_second);
  // ignored by the others.
  std::int64_t upload_capacity_bytes_per_second = 0;
};

class Choker {
 public:
  virtual ~Choker() = default;

  virtual std::string_view name() const = 0;
  // One choke round at `now`. Chokers may keep state between rounds (the optimistic slot,
  // estimates), so rounds must be passed in time order. Peers must have distinct keys.
  virtual ChokeDecision decide(net::TimePoint now, std::span<const PeerStats> peers,
                               net::Rng& rng) = 0;
  // Whether new connections are offered BEP 6 allowed-fast pieces, which the peer may then fetch
  // while we choke it: an upload that decide() does not govern.
  virtual bool offers_allowed_fast() const { return true; }
};

// Whether the peer snubs us: we have been interested in it for `snub_duration` and it sent no block
// in that time. Snubbing peers get no regular slot (Cohen 2003, "anti-snubbing").
bool is_snubbing(const PeerStats& peer, net::TimePoint now, net::Duration snub_duration);

enum class ChokerKind { tit_for_tat, seed_round_robin, seed_fastest_upload, free_rider, strategic };
std::unique_ptr<Choker> make_choker(ChokerKind kind, const ChokerOptions& options);

}  // namespace swarmlab::peer
