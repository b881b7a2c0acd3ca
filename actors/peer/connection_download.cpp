// Downloading from the peer: keeping the request pipeline full, receiving blocks (to the picker,
// then the storage), rejects, request timeouts and the cancels of endgame.
#include "actors/peer/connection.hpp"

#include "actors/peer/request_pipeline.hpp"
#include "actors/peer/session_limits.hpp"
#include "actors/peer/torrent.hpp"
#include "actors/peer/torrent_layout.hpp"
#include "net/zero_bytes.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace wire = protocol::wire;

BlockCount Connection::pipeline_depth(net::TimePoint now) const {
  if (snubbed_) return BlockCount(1);
  const BlockCount depth = request_queue_depth(
      {.download_rate_bytes_per_second = download_rate_.rate_bytes_per_second(now)});
  const BlockCount allowed(std::max(peer_request_queue_max_, 1));
  assert(depth.value() >= 1);
  return std::min(depth, allowed);
}

void Connection::request_blocks() {
  if (closing_ || !am_interested_) return;
  if (peer_choking_ && allowed_fast_.empty()) return;
  const net::TimePoint now = host_.now();
  const BlockCount room =
      pipeline_depth(now) - BlockCount(static_cast<BlockCount::rep>(outstanding_.size()));
  if (room.value() <= 0) return;
  const std::vector<BlockRef> picked =
      torrent_.picker_.pick({.peer = key(),
                             .peer_pieces = peer_pieces_,
                             .blocks_max = room,
                             .now = now,
                             .peer_chokes_us = peer_choking_,
                             .allowed_fast = allowed_fast_,
                             .suggested = suggested_,
                             .on_parole = torrent_.is_on_parole(setup_.remote.address)},
                            host_.rng());
  assert(picked.size() <= room.size());
  for (const BlockRef& block : picked) {
    const record::BlockRef wire_block = to_record_block(torrent_.pieces_, block);
    append(wire::Request{.piece_index = wire_block.piece,
                         .begin = wire_block.offset_bytes,
                         .length = wire_block.length_bytes});
    outstanding_.push_back({block, now});
    if (auto* observer = torrent_.session_.observer) {
      observer->on_request(now, torrent_.session_.actor_id, address_, record::Side::local,
                           wire_block);
    }
  }
  // The requests leave together, as one write.
  if (!picked.empty() && !closing_) flush();
  // Nothing to ask this unchoking peer for now: the torrent retries when blocks come free.
  const bool starved = picked.empty() && !peer_choking_;
  if (starved != starved_) {
    starved_ = starved;
    torrent_.on_starved_changed(key(), starved);
  }
}

asio::awaitable<std::optional<CloseReason>> Connection::on_piece(const wire::Piece& message) {
  const auto size_bytes = static_cast<std::int64_t>(message.block.size());
  const net::TimePoint now = host_.now();
  counters_.protocol_downloaded_bytes -= message.block.size();
  counters_.payload_downloaded_bytes += message.block.size();
  torrent_.count_payload_received(size_bytes);
  download_rate_.add(now, size_bytes);
  // The bucket's answer covers all its debt, this block's and the ones taken before it: several
  // blocks drained from one read wait as long as the last one says, not the sum of their waits.
  download_wait_ = std::max(download_wait_, torrent_.download_bucket_.take(now, size_bytes));
  last_block_received_at_ = now;
  snubbed_ = false;
  const auto block =
      torrent_.pieces_.block_at(PieceIndex(static_cast<PieceIndex::rep>(message.piece_index)),
                                SizeBytes(message.begin), SizeBytes(size_bytes));
  if (!block) {
    // Not one of our 16 KiB blocks (another client's request size): nothing we asked for.
    counters_.wasted_bytes += message.block.size();
    torrent_.counters_.wasted_bytes += message.block.size();
    co_return std::nullopt;
  }
  forget_outstanding(*block);
  const record::BlockRef stored = to_record_block(torrent_.pieces_, *block);
  if (auto* observer = torrent_.session_.observer) {
    observer->on_block(now, torrent_.session_.actor_id, address_, record::Side::remote, stored);
  }
  BlockArrival arrival = torrent_.picker_.on_block(*block, key());
  torrent_.cancel_elsewhere(arrival.cancel_peers, *block);
  request_blocks();
  if (arrival.outcome != BlockArrival::Outcome::accepted) {
    counters_.wasted_bytes += message.block.size();
    torrent_.counters_.wasted_bytes += message.block.size();
    co_return std::nullopt;
  }
  if (torrent_.writes_behind()) {
    // The torrent's writer stores the block and then checks the piece if it is complete.
    torrent_.store_block(stored, message.block, key(), arrival.piece_complete);
    // The disk falls behind: stop reading (the peer's sending stalls on the full socket buffers)
    // until the writer has caught up.
    while (torrent_.write_queue_full() && !closing_) {
      co_await host_.sleep(limits::write_queue_poll_interval);
    }
    co_return closing_;
  }
  storage::DiskIo& disk = *torrent_.disk_;
  const bool payload = disk.holds_payload();
  // Phantom blocks carry zeros; anything else comes from a sender the simulation made corrupt.
  const storage::Taint taint = payload || net::all_zero(message.block)
                                   ? storage::Taint::clean
                                   : storage::Taint::corrupt_sender;
  storage::Buffer data =
      payload ? storage::Buffer(message.block.begin(), message.block.end()) : storage::Buffer{};
  // The picker holds the block as received: the piece is checked only after this write (DiskIo
  // runs the operations of one piece in order), and a write that did not happen fails the check
  // without blaming the senders.
  const auto written = co_await disk.write(stored, std::move(data), taint);
  if (!written) {
    torrent_.note_unwritten(block->piece);
    torrent_.fail_storage(written.error());
  }
  if (arrival.piece_complete) torrent_.start_verification(block->piece);
  if (closing_) co_return closing_;
  if (!written) co_return CloseReason::disk_error;
  co_return std::nullopt;
}

bool Connection::forget_outstanding(BlockRef block) {
  const auto found =
      std::find_if(outstanding_.begin(), outstanding_.end(),
                   [&](const OutstandingBlock& entry) { return entry.block == block; });
  if (found == outstanding_.end()) return false;
  outstanding_.erase(found);
  return true;
}

std::optional<CloseReason> Connection::on_reject(const wire::Reject& reject) {
  assert(setup_.features.fast_extension);
  const auto block =
      torrent_.pieces_.block_at(PieceIndex(static_cast<PieceIndex::rep>(reject.piece_index)),
                                SizeBytes(reject.begin), SizeBytes(reject.length));
  // A reject for a request we no longer track (timed out, cancelled) is late, not hostile.
  if (!block || !forget_outstanding(*block)) return std::nullopt;
  if (torrent_.picker_.abort_request(*block, key())) torrent_.on_blocks_released();
  // A peer that rejects while it unchokes us is short of something; ask again later rather than
  // at once for the same block.
  return std::nullopt;
}

void Connection::drop_outstanding_requests() {
  if (outstanding_.empty()) return;
  outstanding_.clear();
  const std::vector<BlockRef> aborted = torrent_.picker_.abort_peer_requests(key());
  if (!aborted.empty()) torrent_.on_blocks_released();
  assert(outstanding_.empty());
}

void Connection::cancel_block(BlockRef block) {
  if (closing_ || !forget_outstanding(block)) return;
  const record::BlockRef wire_block = to_record_block(torrent_.pieces_, block);
  queue(wire::Cancel{.piece_index = wire_block.piece,
                     .begin = wire_block.offset_bytes,
                     .length = wire_block.length_bytes});
  request_blocks();
}

net::Duration Connection::request_timeout_now(net::TimePoint now) const {
  const auto queued = static_cast<SizeBytes::rep>(outstanding_.size()) * limits::block_size_bytes;
  return request_timeout(
      {.download_rate_bytes_per_second = download_rate_.rate_bytes_per_second(now),
       .queued_bytes = SizeBytes(queued),
       .round_trip = net::Duration{0}});
}

void Connection::expire_requests(net::TimePoint now) {
  if (outstanding_.empty()) return;
  const net::TimePoint cutoff = now - request_timeout_now(now);
  if (outstanding_.front().sent_at > cutoff) return;
  // Requests go out in order, so the expired ones are a prefix.
  while (!outstanding_.empty() && outstanding_.front().sent_at <= cutoff) {
    outstanding_.pop_front();
  }
  const std::vector<BlockRef> aborted =
      torrent_.picker_.abort_requests_sent_before(key(), cutoff + net::Duration{1});
  snubbed_ = true;
  if (!aborted.empty()) torrent_.on_blocks_released();
}

}  // namespace swarmlab::peer
