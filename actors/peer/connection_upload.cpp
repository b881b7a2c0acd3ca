// Uploading to the peer: accepting its requests within limits, and serving them from the storage
// as gather writes of {message header, block}, paced by the torrent's upload limit.
#include "actors/peer/connection.hpp"

#include "actors/peer/session_limits.hpp"
#include "actors/peer/torrent.hpp"
#include "net/write_all.hpp"
#include "net/zero_bytes.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace wire = protocol::wire;

namespace {

constexpr std::size_t block_bytes = static_cast<std::size_t>(limits::block_size_bytes);

// What a phantom block looks like on the wire: zeros, written from net::zero_block, which the
// simulator recognises without reading it. A corrupt sender's phantom blocks are this pattern
// instead, which receivers recognise as bad data.
static_assert(block_bytes == net::zero_block_bytes);
constexpr const std::array<std::uint8_t, block_bytes>& zero_block = net::zero_block;
constexpr std::array<std::uint8_t, block_bytes> corrupt_block = [] {
  std::array<std::uint8_t, block_bytes> bytes{};
  bytes.fill(0xa5);
  return bytes;
}();

// A block's frame: its encoded header and its payload, as the two buffers of one write.
struct BlockFrame {
  wire::FrameHeader header;
  std::span<const std::uint8_t> payload;

  BlockFrame(const record::BlockRef& request, std::span<const std::uint8_t> bytes)
      : header(wire::encode_header(wire::Piece{
            .piece_index = request.piece, .begin = request.offset_bytes, .block = bytes})),
        payload(bytes) {}
  std::size_t size_bytes() const { return header.size_bytes + payload.size(); }
  std::array<asio::const_buffer, 2> buffers() const {
    return {asio::buffer(header.view().data(), header.view().size()),
            asio::buffer(payload.data(), payload.size())};
  }
};

bool same_request(const record::BlockRef& left, const record::BlockRef& right) {
  return left.piece == right.piece && left.offset_bytes == right.offset_bytes &&
         left.length_bytes == right.length_bytes;
}

}  // namespace

bool Connection::may_upload(std::uint32_t piece_index) const {
  if (!am_choking_) return true;
  return std::find(allowed_fast_offered_.begin(), allowed_fast_offered_.end(), piece_index) !=
         allowed_fast_offered_.end();
}

void Connection::reject(const record::BlockRef& request) {
  assert(setup_.features.fast_extension);
  queue(wire::Reject{
      .piece_index = request.piece, .begin = request.offset_bytes, .length = request.length_bytes});
}

std::optional<CloseReason> Connection::on_request(const wire::Request& request) {
  // The decoder checked the piece index and that the block lies in its piece and is at most
  // 16 KiB.
  assert(request.length > 0);
  assert(request.length <= block_bytes);
  const PieceIndex piece(static_cast<PieceIndex::rep>(request.piece_index));
  // We only ever announce verified pieces, and never lose one: asking for another is a
  // violation, not a race.
  if (!torrent_.picker_.have().test(piece)) return CloseReason::request_unavailable_piece;
  const record::BlockRef block{
      .piece = request.piece_index, .offset_bytes = request.begin, .length_bytes = request.length};
  if (auto* observer = torrent_.session_.observer) {
    observer->on_request(host_.now(), torrent_.session_.actor_id, address_, record::Side::remote,
                         block);
  }
  if (upload_queue_.size() >= static_cast<std::size_t>(limits::peer_requests_max)) {
    return CloseReason::request_flood;
  }
  // Beyond the reqq we advertised, BEP 6 lets us say no; without it the request waits its turn
  // (up to the flood limit above).
  const bool over_advertised =
      upload_queue_.size() >= static_cast<std::size_t>(limits::peer_requests_advertised);
  if (!may_upload(request.piece_index) || (over_advertised && setup_.features.fast_extension)) {
    // A legitimate peer stops asking once choked or once its reqq is reached; one that keeps
    // going is flooding (BEP 6 allows closing then).
    if (++requests_refused_ > limits::peer_requests_max) return CloseReason::request_flood;
    // BEP 6: a choked peer's request is rejected (unless allowed fast); without the extension it
    // is dropped, as the choke already told the peer.
    if (setup_.features.fast_extension) reject(block);
    return std::nullopt;
  }
  upload_queue_.push_back(block);
  if (!serve_without_writer()) wake_writer();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_cancel(const wire::Cancel& cancel) {
  const record::BlockRef block{
      .piece = cancel.piece_index, .offset_bytes = cancel.begin, .length_bytes = cancel.length};
  const auto found =
      std::find_if(upload_queue_.begin(), upload_queue_.end(),
                   [&](const record::BlockRef& queued) { return same_request(queued, block); });
  if (found == upload_queue_.end()) return std::nullopt;
  upload_queue_.erase(found);
  // BEP 6: every request gets exactly one answer, a cancelled one included.
  if (setup_.features.fast_extension) reject(block);
  return std::nullopt;
}

asio::awaitable<std::optional<CloseReason>> Connection::serve_request() {
  assert(!upload_queue_.empty());
  const record::BlockRef request = upload_queue_.front();
  upload_queue_.pop_front();
  auto data = co_await torrent_.disk_->read(request);
  if (closing_) co_return closing_;
  if (!data) co_return CloseReason::disk_error;
  // We may have choked the peer while reading (its other requests were rejected then).
  if (!may_upload(request.piece)) {
    if (setup_.features.fast_extension) reject(request);
    co_return std::nullopt;
  }
  const net::Duration wait = torrent_.upload_bucket_.take(host_.now(), request.length_bytes);
  if (wait.count() > 0) {
    co_await host_.sleep(wait);
    if (closing_) co_return closing_;
  }
  const BlockFrame frame(request, block_payload(request, *data));
  const std::array<asio::const_buffer, 2> buffers = frame.buffers();
  auto [error, size_bytes] = co_await net::write_all(stream_, buffers);
  if (closing_) co_return closing_;
  if (error) co_return CloseReason::transport_error;
  assert(size_bytes == frame.size_bytes());
  note_block_sent(request, frame.header.size_bytes, frame.payload.size());
  co_return std::nullopt;
}

bool Connection::serve_without_writer() {
  // Only what the parked writer would do on waking: serve this one request, with a read that
  // completes inline, no wait for the upload limit, and a write the stream takes whole. Doing it
  // here saves resuming and parking the writer for every block an uploader serves.
  if (!writer_parked_ || !control_.empty() || upload_queue_.size() != 1) return false;
  if (!torrent_.upload_bucket_.is_unlimited()) return false;
  const record::BlockRef request = upload_queue_.front();
  const std::span<const std::uint8_t> sized = std::span(zero_block).first(request.length_bytes);
  if (stream_.write_room() < BlockFrame(request, sized).size_bytes()) return false;
  auto data = torrent_.disk_->read_now(request);
  if (!data) return false;
  upload_queue_.pop_front();
  if (!*data) {
    close(CloseReason::disk_error);
    return true;
  }
  const BlockFrame frame(request, block_payload(request, **data));
  const net::Result<std::size_t> taken = stream_.try_write_some(frame.buffers());
  // The room was there, so the stream takes the whole frame.
  assert(taken && *taken == frame.size_bytes());
  if (!taken || *taken != frame.size_bytes()) {
    close(CloseReason::transport_error);
    return true;
  }
  note_block_sent(request, frame.header.size_bytes, frame.payload.size());
  // As the writer does before it parks: the unchoked peer has all it asked for.
  if (!am_choking_) requests_refused_ = 0;
  return true;
}

std::span<const std::uint8_t> Connection::block_payload(const record::BlockRef& request,
                                                        std::span<std::uint8_t> data) const {
  if (torrent_.disk_->holds_payload()) {
    assert(data.size() == request.length_bytes);
    if (torrent_.config_.send_corrupt_blocks) data.front() ^= 0xff;
    return data;
  }
  return std::span<const std::uint8_t>(torrent_.config_.send_corrupt_blocks ? corrupt_block
                                                                            : zero_block)
      .first(request.length_bytes);
}

void Connection::note_block_sent(const record::BlockRef& request, std::size_t header_bytes,
                                 std::size_t payload_bytes) {
  const net::TimePoint now = host_.now();
  last_sent_at_ = now;
  counters_.protocol_uploaded_bytes += header_bytes;
  counters_.payload_uploaded_bytes += payload_bytes;
  torrent_.counters_.protocol_uploaded_bytes += header_bytes;
  torrent_.count_payload_sent(static_cast<std::int64_t>(payload_bytes));
  upload_rate_.add(now, static_cast<std::int64_t>(payload_bytes));
  uploaded_since_unchoke_ += SizeBytes(static_cast<SizeBytes::rep>(payload_bytes));
  if (auto* observer = torrent_.session_.observer) {
    observer->on_block(now, torrent_.session_.actor_id, address_, record::Side::local, request);
  }
}

}  // namespace swarmlab::peer
