// Choking rounds (every limits::choke_interval, and early when an interested peer finds free upload
// slots) and the seeding policy, checked at each round and when a seeding time runs out.
#include "actors/peer/torrent.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

asio::awaitable<void> Torrent::choke_loop() {
  next_choke_round_ = host_.now() + limits::choke_interval;
  // Runs until the torrent stops; every turn runs a round or waits for the next one.
  for (;;) {
    if (stopping_) co_return;
    const net::TimePoint now = host_.now();
    if (now >= next_choke_round_) run_choke_round(now);
    check_seeding_policy(now);
    if (stopping_) co_return;
    assert(next_choke_round_ > now);
    choke_timer_.expires_at(std::min(next_choke_round_, seeding_deadline()));
    co_await choke_timer_.async_wait(use_tuple);
  }
}

void Torrent::run_choke_round(net::TimePoint now) {
  last_choke_round_ = now;
  next_choke_round_ = now + limits::choke_interval;
  std::vector<PeerStats> stats;
  stats.reserve(connections_.size());
  for (const auto& [key, connection] : connections_) {
    if (!connection->is_closing()) stats.push_back(connection->choke_stats(now));
  }
  const ChokeDecision decision = choker().decide(now, stats, host_.rng());
  assert(std::is_sorted(decision.unchoke.begin(), decision.unchoke.end()));
  // Both lists are in key order: one merge pass applies the decision.
  auto unchoked = decision.unchoke.begin();
  for (const auto& [key, connection] : connections_) {
    while (unchoked != decision.unchoke.end() && *unchoked < key)
      ++unchoked;
    const bool unchoke = unchoked != decision.unchoke.end() && *unchoked == key;
    connection->set_choked_by_us(!unchoke);
  }
}

void Torrent::request_early_choke_round() {
  if (!started_ || stopping_) return;
  const net::TimePoint now = host_.now();
  const net::TimePoint soonest =
      last_choke_round_ ? std::max(now, *last_choke_round_ + limits::choke_early_round_gap) : now;
  // Checked first: it is cheap and usually settles it (interest arrives in bursts).
  if (soonest >= next_choke_round_) return;
  const std::int32_t slots = config_.choker.upload_slots + config_.choker.optimistic_slots;
  // Counting stops once every slot is known to be taken.
  std::int32_t unchoked = 0;
  for (auto entry = connections_.begin(); entry != connections_.end() && unchoked < slots;
       ++entry) {
    if (!entry->second->chokes_peer()) ++unchoked;
  }
  if (unchoked >= slots) return;
  next_choke_round_ = soonest;
  choke_timer_.cancel();
}

net::TimePoint Torrent::seeding_deadline() const {
  if (state_ != TorrentState::seeding || !completed_at_ ||
      config_.seeding.kind != SeedingPolicy::Kind::duration) {
    return net::TimePoint::max();
  }
  return *completed_at_ + config_.seeding.duration;
}

void Torrent::check_seeding_policy(net::TimePoint now) {
  if (state_ != TorrentState::seeding || !completed_at_) return;
  const SeedingPolicy& policy = config_.seeding;
  bool met = false;
  switch (policy.kind) {
    case SeedingPolicy::Kind::forever:
      break;
    case SeedingPolicy::Kind::duration:
      met = now - *completed_at_ >= policy.duration;
      break;
    case SeedingPolicy::Kind::ratio: {
      // Integer comparison: uploaded / size >= ratio_permille / 1000.
      const auto uploaded = static_cast<std::int64_t>(counters_.payload_uploaded_bytes);
      met = uploaded * 1000 >= policy.ratio_permille * pieces_.total_size().value();
      break;
    }
  }
  if (met) finish(TorrentState::finished, CloseReason::torrent_stopped);
}

}  // namespace swarmlab::peer
