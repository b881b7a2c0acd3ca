// TrackerCore: what a tracker does with a request once a front end has parsed it, the same for
// HTTP and UDP: the private-mode check, the swarm update, the peers of the reply, the counts, the
// rate limit, the observer report. Front ends translate wire formats to and from these calls and
// pass the time in, so everything here is deterministic given the host's generator and clock.
// Part of actors/tracker; pure logic, no I/O.
#pragma once

#include "actors/tracker/config.hpp"
#include "actors/tracker/rate_limiter.hpp"
#include "actors/tracker/swarm_registry.hpp"
#include "record/observer.hpp"

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace swarmlab::tracker {

// Failure reasons, as HTTP `failure reason` and UDP error messages show them. Each fits the UDP
// error reply size (limits::udp_error_message_size_max).
namespace failure {
inline constexpr std::string_view not_registered = "torrent not registered";
inline constexpr std::string_view too_many_torrents = "tracker has too many torrents";
inline constexpr std::string_view peer_id_taken = "peer id used by another peer";
inline constexpr std::string_view invalid_port = "invalid port";
inline constexpr std::string_view rate_limited = "rate limit exceeded";
}  // namespace failure

// One parsed announce.
struct Announce {
  InfoHash info_hash{};
  PeerAnnounce peer;
  // How many peers the client asked for, before the tracker's cap; unset: the default.
  std::optional<std::uint32_t> numwant;
  FamilyPolicy policy = FamilyPolicy::same_only;
};

struct AnnounceResult {
  // Empty when the announce was served.
  std::string_view failure;
  SwarmCounts counts;
  std::vector<ListedPeer> peers;
};

class TrackerCore {
 public:
  // `config` and `rng` must outlive the core; `observer` may be null.
  TrackerCore(const TrackerConfig& config, net::Rng& rng, record::Observer* observer);

  const TrackerConfig& config() const { return config_; }
  net::Rng& rng() { return rng_; }
  const SwarmRegistry& registry() const { return registry_; }
  // Seeds for the front ends' own lookup tables, drawn once from the host's generator.
  std::uint64_t hash_seed() const { return hash_seed_; }

  // The rate limit: whether a request from `source` may be served now (counts it if so).
  bool admit(const PeerAddress& source, net::TimePoint now) { return limiter_.admit(source, now); }
  bool serves(const InfoHash& info_hash) const;
  // The number of peers a reply carries: the default when unset, never above numwant_max.
  std::uint32_t reply_peer_count(std::optional<std::uint32_t> numwant) const;

  // Fills `result` (replacing what it held, reusing its storage) with at most
  // `reply_peer_count_max` peers: what the caller's format carries.
  void announce(const Announce& announce, std::size_t reply_peer_count_max, net::TimePoint now,
                AnnounceResult& result);
  // Nullopt when the torrent is not served (private mode). Unknown torrents count zero.
  std::optional<SwarmCounts> scrape(const InfoHash& info_hash, const PeerAddress& source,
                                    net::TimePoint now);

  // Forgets expired peers, long-empty swarms and full rate-limit buckets.
  void sweep(net::TimePoint now);
  // A digest of a client's `key` parameter (HTTP keys are text of any length).
  std::uint64_t key_digest(std::string_view key) const;

 private:
  void report(record::TrackerRequest kind, const PeerAddress& from, const InfoHash& info_hash,
              AnnounceEvent event, net::TimePoint now) const;

  const TrackerConfig& config_;
  net::Rng& rng_;
  record::Observer* observer_;
  std::uint64_t hash_seed_;
  SwarmRegistry registry_;
  RateLimiter limiter_;
  std::optional<boost::unordered_flat_set<InfoHash, SeededHash, SameKey>> whitelist_;
};

}  // namespace swarmlab::tracker
