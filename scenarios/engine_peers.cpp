// The engine's peers: arrivals, completions, departures, the liveness check, and the forwarding
// of actor reports to the invariant checker and the recorder.
#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "scenarios/engine_world.hpp"
#include "scenarios/peer_storage.hpp"
#include "scenarios/schedule.hpp"

#include <fmt/core.h>

#include <cassert>

namespace swarmlab::scenarios {

namespace {

constexpr std::uint16_t peer_listen_port = 6881;
// A strategic (BitTyrant) peer needs an estimate of its upload capacity; one without a limited
// link gets this.
constexpr std::int64_t strategic_upload_default_bytes_per_second = 1'000'000;

std::vector<std::uint8_t> to_bitfield(const std::vector<bool>& pieces) {
  std::vector<std::uint8_t> bytes((pieces.size() + 7) / 8, 0);
  for (std::size_t piece = 0; piece < pieces.size(); ++piece) {
    if (pieces[piece]) bytes[piece / 8] |= static_cast<std::uint8_t>(0x80u >> (piece % 8));
  }
  return bytes;
}

double seconds_of(net::TimePoint time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

std::size_t Engine::slot_of(record::ActorId actor) const {
  const std::size_t index = actor - trackers_.size();
  assert(index < slots_.size());
  assert(slots_[index].actor == actor);
  return index;
}

void Engine::join(std::size_t index) {
  PeerSlot& slot = slots_.at(index);
  assert(slot.state == PeerSlot::State::waiting);
  ++arrived_;
  start_peer(slot, slot.initial_pieces);
}

void Engine::start_peer(PeerSlot& slot, const std::vector<bool>& pieces) {
  const GroupSpec& group = spec_.groups[slot.group];
  const std::size_t index = slot_of(slot.actor);
  StartingStorage start = make_starting_storage(spec_.payload, layout_, payload_, pieces);
  peer::TorrentConfig config{.leech_choker = group.choker,
                             .seed_choker = group.seed_choker,
                             .piece_strategy = group.picker,
                             .existing_data = start.existing_data,
                             .send_corrupt_blocks = slot.corrupt};
  if (group.connections_max > 0) config.connections_max = group.connections_max;
  const HostLink& link = slot.link;
  config.choker.upload_capacity_bytes_per_second =
      link.upload_bytes_per_second > 0 ? static_cast<std::int64_t>(link.upload_bytes_per_second)
                                       : strategic_upload_default_bytes_per_second;
  peers_.push_back(std::make_unique<peer::Peer>(
      *slot.host,
      peer::PeerConfig{.listen_port = world_->listen_port(peer_listen_port),
                       .observer = this,
                       .actor_id = slot.actor,
                       .receive_buffer_bytes = peer::limits::receive_buffer_bytes_small}));
  slot.peer = peers_.back().get();
  slot.torrent = &slot.peer->add_torrent(
      {.info_hash = info_hash_,
       .disk = std::make_unique<peer::storage::InlineDiskIo>(std::move(start.storage)),
       .config = std::move(config)});
  const auto started = slot.peer->start();
  assert(started);
  ++slot.incarnation;
  slot.state = PeerSlot::State::present;
  slot.joined_at = world_->now();
  const bool complete = std::all_of(pieces.begin(), pieces.end(), [](bool held) { return held; });
  if (!complete) ++present_incomplete_;
  if (complete && !slot.corrupt) ++present_seeds_;
  if (present_seeds_ == 1 && complete && !slot.corrupt) seed_since_ = world_->now();
  if (slot.corrupt) ++corrupt_hosts_;
  discover(slot, index, complete);
  const std::vector<std::uint8_t> bitfield = to_bitfield(pieces);
  checker_->on_host_joined(world_->now(), slot.actor, bitfield);
  if (recorder_) recorder_->on_host_joined(world_->now(), slot.actor, bitfield);
  if (complete) {
    if (const auto stay = seeding_time(group.departure, engine_rng_)) {
      schedule_departure(index, *stay);
    }
  }
}

peer::TrackerClient::Tiers Engine::tracker_tiers() const {
  peer::TrackerClient::Tiers tiers;
  for (std::size_t index = 0; index < trackers_.size(); ++index) {
    const TrackerSlot& tracker = trackers_[index];
    const net::Address& address = tracker.host->addresses().front();
    const bool udp = spec_.trackers[index].udp;
    tiers.push_back(
        {fmt::format("{}://{}:{}{}", udp ? "udp" : "http", address.to_string(),
                     udp ? tracker.udp_port : tracker.http_port, udp ? "" : "/announce")});
  }
  return tiers;
}

void Engine::discover(PeerSlot& slot, std::size_t index, bool complete) {
  if (spec_.announce_to_trackers) {
    assert(!trackers_.empty());
    peer::TrackerClientOptions options;
    options.numwant = DirectDiscovery::known_peers_max;
    tracker_clients_.push_back(
        std::make_unique<peer::TrackerClient>(*slot.torrent, tracker_tiers(), options));
    slot.tracker_client = tracker_clients_.back().get();
    slot.tracker_client->start();
    return;
  }
  const std::vector<protocol::PeerAddress> known = discovery_.sample(index, engine_rng_);
  slot.torrent->add_peers(known);
  discovery_.add(index,
                 peer::to_peer_address({slot.host->addresses().front(), slot.peer->listen_port()}),
                 complete);
}

void Engine::completed(std::size_t index, net::TimePoint time) {
  PeerSlot& slot = slots_.at(index);
  if (slot.state != PeerSlot::State::present) return;
  if (!slot.completed_at) {
    slot.completed_at = time;
    if (!slot.starts_complete) ++leechers_completed_;
  }
  assert(present_incomplete_ > 0);
  --present_incomplete_;
  if (!slot.corrupt && ++present_seeds_ == 1) seed_since_ = time;
  discovery_.set_seed(index, true);
  if (const auto stay = seeding_time(spec_.groups[slot.group].departure, engine_rng_)) {
    schedule_departure(index, *stay);
  }
}

void Engine::schedule_departure(std::size_t index, net::Duration after) {
  const std::uint32_t incarnation = slots_[index].incarnation;
  world_->at(world_->now() + after, [this, index, incarnation] { depart(index, incarnation); });
}

void Engine::depart(std::size_t index, std::uint32_t incarnation) {
  PeerSlot& slot = slots_.at(index);
  if (slot.state != PeerSlot::State::present || slot.incarnation != incarnation) return;
  leave(slot, PeerSlot::State::departed, "departed");
  if (slot.tracker_client != nullptr) slot.tracker_client->stop();
  slot.peer->stop();
}

// Takes a present peer out of the swarm's books (the caller stops or crashes it).
void Engine::leave(PeerSlot& slot, PeerSlot::State state, std::string_view reason) {
  assert(slot.state == PeerSlot::State::present);
  const net::TimePoint now = world_->now();
  const bool complete = slot.torrent->is_complete();
  if (!complete) --present_incomplete_;
  if (complete && !slot.corrupt) --present_seeds_;
  if (slot.corrupt) --corrupt_hosts_;
  discovery_.remove(slot_of(slot.actor));
  if (recorder_) {
    recorder_->record_sample(now, sample_of(slot));
    recorder_->on_host_left(now, slot.actor, reason);
  }
  const peer::TransferCounters& counters = slot.torrent->counters();
  slot.uploaded_before_bytes += counters.payload_uploaded_bytes;
  slot.downloaded_before_bytes += counters.payload_downloaded_bytes;
  slot.state = state;
}

void Engine::check_liveness(net::TimePoint now) {
  const bool fault_in_force = partitions_in_force_ > 0 || trackers_down_ > 0 || corrupt_hosts_ > 0;
  if (present_seeds_ == 0 || fault_in_force) return;
  for (const PeerSlot& slot : slots_) {
    if (slot.state != PeerSlot::State::present || slot.torrent->is_complete()) continue;
    const net::TimePoint since = std::max({*slot.joined_at, fault_quiet_since_, seed_since_});
    if (now - since <= liveness_deadline_) continue;
    checker_->fail(fmt::format(
        "liveness: host {} (group {}) has not completed {:.0f} s after {:.3f} s although a seed "
        "was present and no fault was in force ({} of {} pieces verified)",
        slot.actor, spec_.groups[slot.group].name,
        std::chrono::duration<double>(liveness_deadline_).count(), seconds_of(elapsed(since)),
        slot.torrent->picker().have().count().value(), layout_->piece_count()));
    return;
  }
}

// Every piece a present peer holds is the true content (no corrupt piece was ever accepted).
void Engine::check_true_content() {
  for (const PeerSlot& slot : slots_) {
    if (slot.state != PeerSlot::State::present || slot.corrupt) continue;
    const peer::Bitfield& have = slot.torrent->picker().have();
    for (std::uint32_t piece = 0; piece < layout_->piece_count(); ++piece) {
      if (!have.test(peer::PieceIndex(piece))) continue;
      if (holds_true_piece(slot.torrent->disk().storage(), payload_, piece)) continue;
      checker_->fail(fmt::format("host {} (group {}) holds a corrupt copy of piece {}", slot.actor,
                                 spec_.groups[slot.group].name, piece));
      return;
    }
  }
}

// ---- Observer: the invariant checker sees what it checks; the recorder sees everything.

void Engine::on_connected(record::TimePoint time, record::ActorId self,
                          const record::PeerAddress& remote, record::Direction direction) {
  if (recorder_) recorder_->on_connected(time, self, remote, direction);
}
void Engine::on_disconnected(record::TimePoint time, record::ActorId self,
                             const record::PeerAddress& remote, std::string_view reason) {
  if (recorder_) recorder_->on_disconnected(time, self, remote, reason);
}
void Engine::on_choke(record::TimePoint time, record::ActorId self,
                      const record::PeerAddress& remote, record::Side side, bool choked) {
  if (recorder_) recorder_->on_choke(time, self, remote, side, choked);
}
void Engine::on_interest(record::TimePoint time, record::ActorId self,
                         const record::PeerAddress& remote, record::Side side, bool interested) {
  if (recorder_) recorder_->on_interest(time, self, remote, side, interested);
}
void Engine::on_request(record::TimePoint time, record::ActorId self,
                        const record::PeerAddress& remote, record::Side side,
                        const record::BlockRef& block) {
  if (recorder_) recorder_->on_request(time, self, remote, side, block);
}
void Engine::on_block(record::TimePoint time, record::ActorId self,
                      const record::PeerAddress& remote, record::Side side,
                      const record::BlockRef& block) {
  checker_->on_block(time, self, remote, side, block);
  if (recorder_) recorder_->on_block(time, self, remote, side, block);
}
void Engine::on_piece_verified(record::TimePoint time, record::ActorId self, std::uint32_t piece) {
  checker_->on_piece_verified(time, self, piece);
  if (recorder_) recorder_->on_piece_verified(time, self, piece);
}
void Engine::on_hash_failed(record::TimePoint time, record::ActorId self, std::uint32_t piece,
                            std::span<const record::PeerAddress> contributors) {
  ++hash_failures_;
  if (recorder_) recorder_->on_hash_failed(time, self, piece, contributors);
}
void Engine::on_have_sent(record::TimePoint time, record::ActorId self,
                          const record::PeerAddress& remote, std::uint32_t piece) {
  checker_->on_have_sent(time, self, remote, piece);
  if (recorder_) recorder_->on_have_sent(time, self, remote, piece);
}
void Engine::on_banned(record::TimePoint time, record::ActorId self,
                       const record::PeerAddress& remote, std::string_view reason) {
  ++bans_;
  if (recorder_) recorder_->on_banned(time, self, remote, reason);
}
void Engine::on_completed(record::TimePoint time, record::ActorId self) {
  if (recorder_) recorder_->on_completed(time, self);
  completed(slot_of(self), time);
}
void Engine::on_announce(record::TimePoint time, record::ActorId self, std::string_view url,
                         record::AnnounceEvent event, bool succeeded, std::size_t peers) {
  if (recorder_) recorder_->on_announce(time, self, url, event, succeeded, peers);
}
void Engine::on_tracker_request(record::TimePoint time, record::ActorId tracker,
                                record::TrackerRequest request, const record::PeerAddress& from,
                                const protocol::InfoHash& info_hash, record::AnnounceEvent event) {
  if (recorder_) recorder_->on_tracker_request(time, tracker, request, from, info_hash, event);
}

}  // namespace swarmlab::scenarios
