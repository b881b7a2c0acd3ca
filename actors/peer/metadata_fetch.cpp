// The fetch's coordinator: candidates, connection tasks, piece bookkeeping and verification. The
// per-connection protocol is in metadata_fetch_session.cpp.
#include "actors/peer/metadata_fetch.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/handshake.hpp"
#include "actors/peer/metadata_fetch_session.hpp"
#include "actors/peer/session_limits.hpp"
#include "protocol/extension.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cassert>
#include <cstring>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace extension = protocol::extension;
namespace wire = protocol::wire;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// How often run() looks at the candidates when nothing wakes it.
constexpr net::Duration poll_interval = std::chrono::milliseconds(500);
constexpr net::Duration drain_poll_interval = std::chrono::milliseconds(20);

}  // namespace

MetadataFetch::MetadataFetch(net::Host& host, const protocol::InfoHash& info_hash,
                             const protocol::PeerId& peer_id, MetadataFetchOptions options)
    : host_(host),
      info_hash_(info_hash),
      peer_id_(peer_id),
      options_(options),
      wake_timer_(host.make_timer()) {
  assert(options_.connections_max > 0 && options_.requests_per_peer_max > 0);
  assert(options_.attempts_per_peer_max > 0);
}

MetadataFetch::~MetadataFetch() {
  // Every session has ended (see the lifetime rule in the header).
  assert(active_ == 0 && streams_.empty());
}

void MetadataFetch::add_peers(std::span<const protocol::PeerAddress> peers) {
  for (const protocol::PeerAddress& address : peers) {
    if (address.port == 0) continue;
    candidates_.try_emplace(address);
  }
  wake();
}

MetadataFetchStatus MetadataFetch::status() const {
  MetadataFetchStatus status;
  status.connections = static_cast<std::int32_t>(streams_.size());
  status.candidates = static_cast<std::int32_t>(candidates_.size());
  status.pieces_received = received_count_;
  status.piece_count = static_cast<std::uint32_t>(received_.size());
  status.hash_failures = hash_failures_;
  return status;
}

asio::awaitable<std::optional<protocol::Metainfo>> MetadataFetch::run() {
  while (!done_) {
    start_connections(host_.now());
    if (exhausted()) break;
    wake_timer_.expires_after(poll_interval, host_.now());
    co_await wake_timer_.async_wait(use_tuple);
    const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
    if (cancelled != asio::cancellation_type::none) {
      for (auto& [id, stream] : streams_)
        stream->close();
      throw boost::system::system_error(asio::error::operation_aborted);
    }
  }
  for (auto& [id, stream] : streams_)
    stream->close();
  // Sessions still connecting give up at their connect timeout; the others end at once.
  while (active_ > 0) {
    wake_timer_.expires_after(drain_poll_interval, host_.now());
    co_await wake_timer_.async_wait(use_tuple);
  }
  co_return result_;
}

void MetadataFetch::start_connections(net::TimePoint now) {
  for (auto& [address, candidate] : candidates_) {
    if (active_ >= options_.connections_max) return;
    if (candidate.active || candidate.given_up || untrusted_.contains(address)) continue;
    if (candidate.retry_at > now) continue;
    candidate.active = true;
    ++candidate.attempts;
    ++active_;
    host_.spawn(fetch_from(address), [](std::exception_ptr) {});
  }
}

bool MetadataFetch::exhausted() const {
  if (active_ > 0) return false;
  return std::all_of(candidates_.begin(), candidates_.end(), [this](const auto& entry) {
    return entry.second.given_up || untrusted_.contains(entry.first);
  });
}

asio::awaitable<void> MetadataFetch::fetch_from(protocol::PeerAddress address) {
  // Runs when the task ends, however it ends.
  struct Exit {
    MetadataFetch& fetch;
    protocol::PeerAddress address;
    ~Exit() {
      Candidate& candidate = fetch.candidates_[address];
      candidate.active = false;
      candidate.given_up = candidate.attempts >= fetch.options_.attempts_per_peer_max;
      candidate.retry_at = fetch.host_.now() + fetch.options_.retry_delay;
      --fetch.active_;
      fetch.wake();
    }
  } on_task_exit{*this, address};
  auto connected =
      co_await connect_with_timeout(host_, to_endpoint(address), options_.connect_timeout);
  if (!connected || done_) co_return;
  net::Stream stream = std::move(*connected);
  const std::uint64_t stream_id = next_stream_id_++;
  streams_.emplace(stream_id, &stream);
  struct Unregister {
    MetadataFetch& fetch;
    std::uint64_t id;
    ~Unregister() { fetch.streams_.erase(id); }
  } unregister{*this, stream_id};

  wire::Handshake ours{.reserved = {}, .info_hash = info_hash_, .peer_id = peer_id_};
  ours.reserved.set_extension_protocol(true);
  if (!co_await send_handshake(host_, stream, ours, options_.handshake_timeout)) co_return;
  auto received = co_await receive_handshake(
      host_, stream, options_.handshake_timeout,
      wire::WireDecoder(wire::DecoderLimits{}, wire::HandshakeExpected::yes,
                        wire::buffer_size_min + 64 * 1024));
  if (!received || received->handshake.info_hash != info_hash_ ||
      received->handshake.peer_id == peer_id_ ||
      !received->handshake.reserved.extension_protocol()) {
    co_return;
  }
  MetadataFetchSession session(*this, stream, std::move(received->decoder), address);
  co_await session.run();
}

bool MetadataFetch::accept_size(std::uint64_t size_bytes) {
  if (size_bytes == 0 || size_bytes > extension::metadata_size_max) return false;
  if (size_bytes_) return *size_bytes_ == size_bytes;
  size_bytes_ = size_bytes;
  const std::uint32_t piece_count = extension::metadata_piece_count(size_bytes);
  bytes_.assign(size_bytes, '\0');
  received_.assign(piece_count, false);
  claimed_.assign(piece_count, false);
  senders_.assign(piece_count, protocol::PeerAddress{});
  received_count_ = 0;
  return true;
}

std::optional<std::uint32_t> MetadataFetch::claim_piece() {
  for (std::uint32_t piece = 0; piece < received_.size(); ++piece) {
    if (received_[piece] || claimed_[piece]) continue;
    claimed_[piece] = true;
    return piece;
  }
  return std::nullopt;
}

void MetadataFetch::release_piece(std::uint32_t piece) {
  if (piece < claimed_.size()) claimed_[piece] = false;
  wake();
}

bool MetadataFetch::store_piece(std::uint32_t piece, std::span<const std::uint8_t> data,
                                const protocol::PeerAddress& from) {
  // Asked before a failed check reset everything: no longer wanted.
  if (!size_bytes_ || piece >= received_.size()) return true;
  if (data.size() != extension::metadata_piece_size(*size_bytes_, piece)) return false;
  claimed_[piece] = false;
  if (received_[piece]) return true;
  std::memcpy(bytes_.data() + std::size_t{piece} * extension::metadata_piece_size_bytes,
              data.data(), data.size());
  received_[piece] = true;
  senders_[piece] = from;
  ++received_count_;
  check_complete();
  return true;
}

void MetadataFetch::check_complete() {
  if (done_ || received_count_ < received_.size()) return;
  auto parsed = protocol::parse_info_dictionary(bytes_, info_hash_);
  if (parsed) {
    result_ = std::move(*parsed);
    done_ = true;
    for (auto& [id, stream] : streams_)
      stream->close();
  } else {
    // Someone lied; we cannot tell who, so none of the senders is asked again.
    ++hash_failures_;
    for (const protocol::PeerAddress& sender : senders_)
      untrusted_.insert(sender);
    size_bytes_.reset();
    bytes_.clear();
    received_.clear();
    claimed_.clear();
    senders_.clear();
    received_count_ = 0;
  }
  wake();
}

}  // namespace swarmlab::peer
