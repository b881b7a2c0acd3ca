// The torrent's lifecycle (start, existing data, stop), admission of connections after the
// handshake, and the registry of running connections.
#include "actors/peer/torrent.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/torrent_layout.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace wire = protocol::wire;

wire::WireDecoder SessionContext::make_decoder() const {
  return wire::WireDecoder(wire::DecoderLimits{}, wire::HandshakeExpected::yes,
                           receive_buffer_bytes, receive_buffer_pool.get());
}

using namespace asio::experimental::awaitable_operators;

namespace {

// Keys remembered for blaming contributors of pieces that fail after they left.
constexpr std::size_t key_history_max = 8192;

PieceLayout checked_piece_layout(const storage::StorageLayout& layout) {
  const auto pieces = piece_layout_from(layout);
  assert(pieces.has_value() && "the torrent is within the picker's limits");
  return *pieces;
}

std::int64_t bucket_burst_bytes(std::int64_t rate_bytes_per_second) {
  // A quarter of a second at the rate, and never less than two blocks, so that one block never
  // waits for a bucket that cannot hold it.
  return std::max<std::int64_t>(rate_bytes_per_second / 4, 2 * limits::block_size_bytes);
}

}  // namespace

Torrent::Torrent(SessionContext& session, TorrentParams params)
    : session_(session),
      host_(session.host),
      info_hash_(params.info_hash),
      config_(std::move(params.config)),
      disk_(std::move(params.disk)),
      pieces_(checked_piece_layout(disk_->layout())),
      geometry_(piece_geometry_from(disk_->layout())),
      picker_(
          pieces_,
          make_piece_strategy(config_.piece_strategy, PieceCount(config_.initial_random_pieces)),
          config_.picker),
      leech_choker_(make_choker(config_.leech_choker, config_.choker)),
      seed_choker_(make_choker(config_.seed_choker, config_.choker)),
      download_rate_(host_.now()),
      upload_rate_(host_.now()),
      upload_bucket_(config_.upload_rate_limit_bytes_per_second,
                     bucket_burst_bytes(config_.upload_rate_limit_bytes_per_second), host_.now()),
      download_bucket_(config_.download_rate_limit_bytes_per_second,
                       bucket_burst_bytes(config_.download_rate_limit_bytes_per_second),
                       host_.now()),
      choke_timer_(host_.make_timer()),
      connect_timer_(host_.make_timer()) {
  assert(config_.connections_max > 0 &&
         config_.connections_max <= limits::connections_per_torrent_max);
  assert(config_.half_open_max > 0 && config_.half_open_max <= limits::half_open_max);
  picker_.set_priorities(piece_priorities_for(disk_->layout(), pieces_, config_.file_priorities));
  picker_.set_padding(padding_blocks(disk_->layout(), pieces_));
  for (PieceIndex piece{0}; piece.value() < pieces_.piece_count().value(); ++piece) {
    if (is_wanted(picker_.priority(piece))) bytes_wanted_ += pieces_.piece_size(piece).value();
  }
  bytes_left_ = bytes_wanted_;
  assert(bytes_left_ <= pieces_.total_size().value());
}

Torrent::~Torrent() {
  // Every connection's task has ended (see the lifetime rule in the header).
  assert(connections_.empty());
}

void Torrent::start() {
  if (started_) return;
  started_ = true;
  host_.spawn(run());
}

asio::awaitable<void> Torrent::run() {
  co_await check_existing_data();
  if (stopping_) co_return;
  if (picker_.is_complete()) {
    // Complete from the start: a seed. Nothing was downloaded, so there is no completion to report.
    completed_at_ = host_.now();
    set_state(TorrentState::seeding);
  } else {
    set_state(TorrentState::downloading);
  }
  co_await (choke_loop() || connect_loop());
}

asio::awaitable<void> Torrent::check_existing_data() {
  assert(state_ == TorrentState::checking);
  std::vector<bool> present;
  if (config_.existing_data == ExistingData::trust_complete) {
    present.assign(pieces_.piece_count().size(), true);
  } else if (config_.existing_data == ExistingData::verify) {
    auto checked = co_await disk_->check_existing();
    if (stopping_) co_return;
    if (!checked) {
      storage_error_ = checked.error();
      finish(TorrentState::failed, CloseReason::disk_error);
      co_return;
    }
    present = std::move(*checked);
  }
  for (std::size_t index = 0; index < present.size(); ++index) {
    if (!present[index]) continue;
    const PieceIndex piece(static_cast<PieceIndex::rep>(index));
    picker_.set_have(piece);
    bytes_verified_ += pieces_.piece_size(piece).value();
    if (is_wanted(picker_.priority(piece))) bytes_left_ -= pieces_.piece_size(piece).value();
  }
  assert(bytes_left_ >= 0);
}

void Torrent::set_state(TorrentState state) {
  if (state == state_) return;
  state_ = state;
  // Listeners may call back into the torrent (stop it, read its status); work on a copy.
  const std::vector<StateListener> listeners = state_listeners_;
  for (const StateListener& listener : listeners)
    listener(state);
}

void Torrent::add_state_listener(StateListener listener) {
  assert(listener);
  state_listeners_.push_back(std::move(listener));
}

void Torrent::stop() {
  if (stopping_) return;
  finish(TorrentState::stopped, CloseReason::torrent_stopped);
}

void Torrent::finish(TorrentState state, CloseReason reason) {
  assert(state == TorrentState::stopped || state == TorrentState::finished ||
         state == TorrentState::failed);
  stopping_ = true;
  for (auto& [key, connection] : connections_)
    connection->close(reason);
  choke_timer_.cancel();
  connect_timer_.cancel();
  set_state(state);
}

void Torrent::set_rate_limits(std::int64_t upload_bytes_per_second,
                              std::int64_t download_bytes_per_second) {
  upload_bucket_.set_rate(upload_bytes_per_second, host_.now());
  download_bucket_.set_rate(download_bytes_per_second, host_.now());
  config_.upload_rate_limit_bytes_per_second = upload_bytes_per_second;
  config_.download_rate_limit_bytes_per_second = download_bytes_per_second;
}

wire::Handshake Torrent::our_handshake() const {
  wire::Handshake handshake{.reserved = {}, .info_hash = info_hash_, .peer_id = session_.peer_id};
  handshake.reserved.set_fast_extension(config_.fast_extension);
  handshake.reserved.set_extension_protocol(config_.extension_protocol);
  // No DHT yet: the bit stays clear, and a `port` message is ignored.
  handshake.reserved.set_dht(false);
  return handshake;
}

std::optional<CloseReason> Torrent::admit(const wire::Handshake& theirs,
                                          record::Direction direction,
                                          const net::Endpoint& remote) {
  if (stopping_ || state_ == TorrentState::checking) return CloseReason::torrent_stopped;
  if (theirs.info_hash != info_hash_) return CloseReason::wrong_info_hash;
  if (theirs.peer_id == session_.peer_id) return CloseReason::self_connection;
  if (book_.is_banned(remote.address)) return CloseReason::banned;
  Connection* replaced = nullptr;
  if (const auto existing = keys_by_peer_id_.find(theirs.peer_id);
      existing != keys_by_peer_id_.end()) {
    // Both ends keep the connection opened by the peer with the lower id, so that two peers
    // connecting to each other at once agree on which one survives.
    Connection& other = *connections_.at(existing->second);
    const auto initiator = [&](record::Direction way) -> const protocol::PeerId& {
      return way == record::Direction::outgoing ? session_.peer_id : theirs.peer_id;
    };
    if (!(initiator(direction) < initiator(other.direction()))) return CloseReason::duplicate;
    replaced = &other;
  }
  const std::size_t others = connections_.size() - (replaced != nullptr ? 1 : 0);
  if (others >= static_cast<std::size_t>(config_.connections_max)) return CloseReason::torrent_full;
  if (replaced != nullptr) replaced->close(CloseReason::duplicate);
  return std::nullopt;
}

asio::awaitable<void> Torrent::run_connection(net::Stream stream, wire::WireDecoder decoder,
                                              const wire::Handshake& theirs,
                                              record::Direction direction) {
  const wire::NegotiatedFeatures features =
      wire::negotiate(our_handshake().reserved, theirs.reserved);
  wire::DecoderLimits decoder_limits = wire::DecoderLimits::for_torrent(geometry_, features);
  decoder_limits.extended_payload_size_max = limits::extended_payload_size_max;
  decoder.set_limits(decoder_limits);
  const ConnectionSetup setup{.key = PeerKey(next_key_++),
                              .direction = direction,
                              .remote = stream.remote_endpoint(),
                              .peer_id = theirs.peer_id,
                              .features = features};
  Connection connection(*this, std::move(stream), std::move(decoder), setup);
  register_connection(connection);
  // Unregisters when the task unwinds without an end (cancelled, or destroyed with its world);
  // that path only updates bookkeeping, it starts no I/O.
  struct Registration {
    Torrent& torrent;
    Connection& connection;
    bool ended = false;
    ~Registration() {
      if (!ended) torrent.unregister_connection(connection, std::nullopt);
    }
  } registration{*this, connection};
  const CloseReason reason = co_await connection.run();
  registration.ended = true;
  unregister_connection(connection, reason);
}

void Torrent::register_connection(Connection& connection) {
  const PeerKey key = connection.key();
  assert(!connections_.contains(key));
  connections_.emplace(key, &connection);
  keys_by_peer_id_[connection.peer_id()] = key;
  key_addresses_.emplace(key, connection.remote().address);
  if (key_addresses_.size() > key_history_max) key_addresses_.erase(key_addresses_.begin());
  if (connection.direction() == record::Direction::outgoing) {
    book_.on_connected(connection.remote());
  }
  if (auto* observer = session_.observer) {
    observer->on_connected(host_.now(), session_.actor_id, connection.address(),
                           connection.direction());
  }
  assert(connections_.size() <= static_cast<std::size_t>(config_.connections_max) + 1);
}

void Torrent::unregister_connection(Connection& connection, std::optional<CloseReason> reason) {
  const PeerKey key = connection.key();
  assert(connections_.contains(key));
  connections_.erase(key);
  const auto by_id = keys_by_peer_id_.find(connection.peer_id());
  if (by_id != keys_by_peer_id_.end() && by_id->second == key) keys_by_peer_id_.erase(by_id);
  if (connection.starved()) --starved_count_;
  const std::vector<BlockRef> aborted = connection.leave_picker();
  for (std::size_t position = 0; position < extensions_.size(); ++position) {
    extensions_.at(position).on_disconnect(key);
  }
  const CloseReason ended = reason.value_or(CloseReason::torrent_stopped);
  note_closed(connection, ended);
  // Only a connection that ended by itself may set others moving; an unwinding task may not.
  if (!reason) return;
  if (!aborted.empty()) on_blocks_released();
  wake_connect_loop();
}

void Torrent::note_closed(const Connection& connection, CloseReason reason) {
  const net::TimePoint now = host_.now();
  if (connection.direction() == record::Direction::outgoing) {
    book_.on_closed(connection.remote(), reason, now);
  } else if (const auto port = connection.peer_listen_port()) {
    book_.on_closed(net::Endpoint{connection.remote().address, *port}, reason, now);
  }
  report_disconnected(connection, reason);
}

void Torrent::report_disconnected(const Connection& connection, CloseReason reason) {
  if (auto* observer = session_.observer) {
    observer->on_disconnected(host_.now(), session_.actor_id, connection.address(),
                              describe(reason));
  }
}

std::size_t Torrent::unchoked_count() const {
  return static_cast<std::size_t>(
      std::count_if(connections_.begin(), connections_.end(),
                    [](const auto& entry) { return !entry.second->chokes_peer(); }));
}

std::vector<const Connection*> Torrent::connections() const {
  std::vector<const Connection*> list;
  list.reserve(connections_.size());
  for (const auto& [key, connection] : connections_)
    list.push_back(connection);
  return list;
}

}  // namespace swarmlab::peer
