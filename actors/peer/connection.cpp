// The connection's lifecycle: its three coroutines (reader, writer, watchdog), the send queue and
// closing. Message handling lives in connection_messages.cpp, connection_download.cpp,
// connection_upload.cpp and connection_extension.cpp.
#include "actors/peer/connection.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/session_limits.hpp"
#include "actors/peer/torrent.hpp"
#include "net/write_all.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cassert>
#include <variant>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace wire = protocol::wire;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

Connection::Connection(Torrent& torrent, net::Stream stream, wire::WireDecoder decoder,
                       const ConnectionSetup& setup)
    : torrent_(torrent),
      host_(torrent.host_),
      stream_(std::move(stream)),
      decoder_(std::move(decoder)),
      setup_(setup),
      address_(to_peer_address(setup.remote)),
      wake_timer_(host_.make_timer()),
      watchdog_timer_(host_.make_timer()),
      peer_pieces_(torrent.pieces_.piece_count()),
      peer_request_queue_max_(limits::peer_reqq_assumed),
      download_rate_(host_.now()),
      upload_rate_(host_.now()),
      announce_rate_(host_.now()),
      connected_at_(host_.now()),
      last_received_at_(connected_at_),
      last_sent_at_(connected_at_),
      we_interested_since_(connected_at_),
      choke_changed_at_(connected_at_) {
  assert(stream_.is_open());
  assert(setup.key != PeerKey::none());
}

Connection::~Connection() = default;

asio::awaitable<CloseReason> Connection::run() {
  send_opening_messages();
  // The first to end wins and the others are cancelled; each returns why the connection ends.
  auto ended = co_await (read_loop() || write_loop() || watchdog_loop());
  const CloseReason reason = std::visit([](CloseReason first) { return first; }, ended);
  finish_close(closing_.value_or(reason));
  assert(closing_.has_value());
  co_return *closing_;
}

void Connection::finish_close(CloseReason reason) {
  if (!closing_) closing_ = reason;
  stream_.close();
  wake_timer_.cancel();
  watchdog_timer_.cancel();
}

std::vector<BlockRef> Connection::leave_picker() {
  PiecePicker& picker = torrent_.picker_;
  std::vector<BlockRef> aborted = peer_counted_as_seed_ ? picker.remove_seed_peer(key())
                                                        : picker.remove_peer(key(), peer_pieces_);
  peer_counted_as_seed_ = false;
  peer_pieces_ = Bitfield(peer_pieces_.size());
  outstanding_.clear();
  assert(peer_pieces_.none());
  return aborted;
}

void Connection::close(CloseReason reason) {
  if (closing_) return;
  // Closing the stream fails the pending read and write, which ends the coroutines.
  finish_close(reason);
  assert(is_closing());
}

std::size_t Connection::read_room(std::size_t space_bytes) const {
  const TokenBucket& bucket = torrent_.download_bucket_;
  if (bucket.is_unlimited()) return space_bytes;
  // Under a download limit a read takes what the bucket holds, and at least one block frame: a
  // large receive buffer would otherwise let a burst of its own size through before the wait.
  constexpr auto block_frame_bytes =
      static_cast<std::int64_t>(wire::block_size_bytes + wire::frame_header_size_max);
  const std::int64_t allowed = std::max(bucket.available(host_.now()), block_frame_bytes);
  return std::min(space_bytes, static_cast<std::size_t>(allowed));
}

asio::awaitable<CloseReason> Connection::read_loop() {
  // Runs as long as the connection; every turn consumes at least one byte from the stream.
  for (;;) {
    if (auto reason = co_await drain_messages()) co_return *reason;
    if (closing_) co_return *closing_;
    // Drained: a borrowed buffer goes back to the pool, a grown one shrinks.
    decoder_.release_if_empty();
    if (download_wait_.count() > 0) {
      const net::Duration wait = std::exchange(download_wait_, net::Duration{0});
      co_await host_.sleep(wait);
      if (closing_) co_return *closing_;
    }
    const auto space = decoder_.prepare();
    assert(!space.empty());
    const auto buffer = asio::buffer(space.data(), read_room(space.size()));
    // When the last read filled all the room it had, more is likely waiting (the rest of a block
    // a small buffer had no room for): it is read without suspending, a bounded number of times in
    // a row so that a peer that keeps sending cannot keep the host's other tasks from running. A
    // read that did not fill its room drained the stream; reading again at once would only take
    // the few bytes that arrived since.
    net::Result<std::size_t> read = net::error_code(asio::error::would_block);
    if (last_read_filled_room_ && reads_without_wait_ < limits::reads_without_wait_max) {
      read = stream_.try_read_some(buffer);
    }
    if (read) {
      ++reads_without_wait_;
    } else if (read.error() == asio::error::would_block) {
      reads_without_wait_ = 0;
      auto [error, size_bytes] = co_await stream_.async_read_some(buffer, use_tuple);
      if (closing_) co_return *closing_;
      read = error ? net::Result<std::size_t>(error) : net::Result<std::size_t>(size_bytes);
    }
    if (!read) {
      co_return read.error() == asio::error::eof ? CloseReason::peer_closed
                                                 : CloseReason::transport_error;
    }
    const std::size_t size_bytes = *read;
    assert(size_bytes > 0);
    last_read_filled_room_ = size_bytes == buffer.size();
    decoder_.commit(size_bytes);
    last_received_at_ = host_.now();
    counters_.protocol_downloaded_bytes += size_bytes;
    torrent_.counters_.protocol_downloaded_bytes += size_bytes;
  }
}

asio::awaitable<std::optional<CloseReason>> Connection::drain_messages() {
  // Every message takes at least four bytes of the buffer.
  const std::size_t messages_max = decoder_.buffered_bytes() / wire::length_prefix_size_bytes + 1;
  for (std::size_t count = 0; count < messages_max; ++count) {
    auto next = decoder_.next();
    if (!next) co_return CloseReason::protocol_error;
    if (!next->has_value()) co_return std::nullopt;
    const wire::Message& message = **next;
    std::optional<CloseReason> reason;
    if (const auto* piece = std::get_if<wire::Piece>(&message)) {
      reason = co_await on_piece(*piece);
    } else {
      reason = handle(message);
    }
    if (reason) co_return reason;
    if (closing_) co_return closing_;
  }
  co_return std::nullopt;
}

asio::awaitable<CloseReason> Connection::write_loop() {
  // Runs as long as the connection; every turn writes something or sleeps until woken.
  for (;;) {
    if (closing_) co_return *closing_;
    if (!control_.empty()) {
      if (auto reason = co_await write_control()) co_return *reason;
      continue;
    }
    if (!upload_queue_.empty() && may_upload(upload_queue_.front().piece)) {
      if (auto reason = co_await serve_request()) co_return *reason;
      continue;
    }
    // The unchoked peer has all it asked for: refusals so far were not a flood.
    if (upload_queue_.empty() && !am_choking_) requests_refused_ = 0;
    wake_timer_.expires_at(net::time_max);
    writer_parked_ = true;
    co_await wake_timer_.async_wait(use_tuple);
    writer_parked_ = false;
  }
}

asio::awaitable<std::optional<CloseReason>> Connection::write_control() {
  assert(!control_.empty());
  assert(sending_.empty());
  std::swap(sending_, control_);
  const asio::const_buffer bytes = asio::buffer(sending_);
  auto [error, size_bytes] = co_await net::write_all(stream_, std::span(&bytes, 1));
  if (closing_) co_return closing_;
  if (error) co_return CloseReason::transport_error;
  assert(size_bytes == sending_.size());
  note_sent(size_bytes);
  sending_.clear();
  co_return std::nullopt;
}

void Connection::note_sent(std::size_t size_bytes) {
  counters_.protocol_uploaded_bytes += size_bytes;
  torrent_.counters_.protocol_uploaded_bytes += size_bytes;
  last_sent_at_ = host_.now();
}

asio::awaitable<CloseReason> Connection::watchdog_loop() {
  // Runs as long as the connection; every turn moves at least one deadline forward.
  for (;;) {
    if (closing_) co_return *closing_;
    const net::TimePoint now = host_.now();
    if (now - last_received_at_ >= limits::inactivity_timeout) co_return CloseReason::inactivity;
    if (now - last_sent_at_ >= limits::keep_alive_interval && control_.empty()) {
      queue(wire::KeepAlive{});
      // Counts as sent for the next deadline; the writer updates it once it is on the wire.
      last_sent_at_ = now;
    }
    expire_requests(now);
    watchdog_timer_.expires_at(next_deadline(now));
    co_await watchdog_timer_.async_wait(use_tuple);
  }
}

net::TimePoint Connection::next_deadline(net::TimePoint now) const {
  net::TimePoint deadline = std::min(last_received_at_ + limits::inactivity_timeout,
                                     last_sent_at_ + limits::keep_alive_interval);
  if (!outstanding_.empty()) {
    deadline = std::min(deadline, outstanding_.front().sent_at + request_timeout_now(now));
  }
  // A deadline that has passed is handled on the next turn; never spin on it.
  return std::max(deadline, now + net::Duration{1});
}

void Connection::queue(const wire::Message& message) {
  if (append(message)) flush();
}

bool Connection::append(const wire::Message& message) {
  if (closing_) return false;
  const std::size_t bitfield_bytes = torrent_.geometry_.bitfield_size_bytes();
  if (control_.size() + wire::frame_size_bytes(message) >
      limits::control_queue_bytes_max + bitfield_bytes) {
    close(CloseReason::send_queue_full);
    return false;
  }
  wire::append_frame(control_, message);
  return true;
}

void Connection::flush() {
  if (!send_without_writer()) wake_writer();
}

bool Connection::send_without_writer() {
  // Only what the parked writer would do on waking: it would find nothing else to do (no block
  // to serve) and write the queue, which goes on at once when the stream takes it all. Doing it
  // here saves resuming and parking the writer again for most small messages.
  if (!writer_parked_ || !upload_queue_.empty()) return false;
  assert(sending_.empty());
  const net::Result<std::size_t> taken = stream_.try_write_some(asio::buffer(control_));
  if (!taken) return false;
  note_sent(*taken);
  control_.erase(control_.begin(), control_.begin() + static_cast<std::ptrdiff_t>(*taken));
  return control_.empty();
}

void Connection::wake_writer() {
  wake_timer_.cancel();
}

std::uint8_t Connection::remote_extension_id(std::string_view name) const {
  const std::size_t position = torrent_.extensions_.position_of(name);
  if (position >= torrent_.extensions_.size()) return 0;
  return remote_extension_ids_[position];
}

bool Connection::send_extended(std::uint8_t remote_id, std::span<const std::uint8_t> payload) {
  if (closing_ || !setup_.features.extension_protocol) return false;
  queue(wire::Extended{.extended_id = remote_id, .payload = payload});
  return !closing_;
}

PeerStats Connection::choke_stats(net::TimePoint now) const {
  return PeerStats{.peer = key(),
                   .peer_interested = peer_interested_,
                   .choked_by_us = am_choking_,
                   .chokes_us = peer_choking_,
                   .we_are_interested = am_interested_,
                   .we_interested_since = we_interested_since_,
                   .download_rate_bytes_per_second = download_rate_.rate_bytes_per_second(now),
                   .upload_rate_bytes_per_second = upload_rate_.rate_bytes_per_second(now),
                   .announce_rate_bytes_per_second = announce_rate_.rate_bytes_per_second(now),
                   .connected_at = connected_at_,
                   .last_block_received_at = last_block_received_at_,
                   .choke_changed_at = choke_changed_at_,
                   .uploaded_since_unchoke = uploaded_since_unchoke_};
}

std::int64_t Connection::download_rate_bytes_per_second(net::TimePoint now) const {
  return download_rate_.rate_bytes_per_second(now);
}

std::int64_t Connection::upload_rate_bytes_per_second(net::TimePoint now) const {
  return upload_rate_.rate_bytes_per_second(now);
}

}  // namespace swarmlab::peer
