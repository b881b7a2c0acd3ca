// The write-behind of received blocks, for a storage that runs off the network thread: the
// connections queue accepted blocks and go on reading; one task at a time stores the queued runs
// and then starts the check of every piece they complete. A piece's check starts only after the
// batch holding its last block was stored, so a piece is still hashed only once all its blocks
// are written.
#include "actors/peer/torrent.hpp"

#include <boost/asio/error.hpp>

#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;

namespace {

// Clears the flag when the task ends, however it ends (cancellation throws).
class ClearOnExit {
 public:
  explicit ClearOnExit(bool& flag) : flag_(flag) {}
  ClearOnExit(const ClearOnExit&) = delete;
  ClearOnExit& operator=(const ClearOnExit&) = delete;
  ~ClearOnExit() { flag_ = false; }

 private:
  bool& flag_;
};

}  // namespace

void Torrent::store_block(const record::BlockRef& block, std::span<const std::uint8_t> bytes,
                          PeerKey sender, bool completes_piece) {
  assert(writes_behind());
  const PieceIndex piece(static_cast<PieceIndex::rep>(block.piece));
  const auto piece_size = static_cast<std::uint32_t>(pieces_.piece_size(piece).value());
  write_queue_.push(block, bytes, sender, completes_piece, piece_size);
  if (writer_running_) return;
  writer_running_ = true;
  host_.spawn(write_queued_blocks());
}

bool Torrent::write_queue_full() const {
  return write_queue_.held_bytes() > limits::write_queue_bytes_max;
}

asio::awaitable<void> Torrent::write_queued_blocks() {
  assert(writer_running_);
  const ClearOnExit clear(writer_running_);
  // Every turn empties the queue; blocks that arrive meanwhile make the next, larger batch.
  while (!write_queue_.empty()) {
    std::vector<WriteRun> runs = write_queue_.take_all();
    // Checked once the whole batch is stored: sorted by offset, a piece's completing block may
    // come before other blocks of the piece.
    std::vector<PieceIndex> completed;
    for (WriteRun& run : runs) {
      // A stopped torrent checks nothing more; what is not written is downloaded again next time.
      if (stopping_) co_return;
      const PieceIndex piece(static_cast<PieceIndex::rep>(run.range.piece));
      const auto written = co_await disk_->write(run.range, std::move(run.bytes));
      if (stopping_) co_return;
      if (!written) {
        note_unwritten(piece);
        fail_storage(written.error());
        if (stopping_) co_return;
        // Not the storage's fault (the disk's queue was full): the check fails without blaming
        // anyone, and the sender's connection ends as it would have had it waited for the write.
        const auto sender = connections_.find(run.sender);
        if (sender != connections_.end()) sender->second->close(CloseReason::disk_error);
      }
      if (run.completes_piece) completed.push_back(piece);
    }
    for (const PieceIndex piece : completed)
      start_verification(piece);
  }
}

void Torrent::fail_storage(boost::system::error_code error) {
  // A write abandoned because the torrent stops, or refused because the disk's queue was full,
  // is no failure of the storage.
  if (stopping_ || error == asio::error::operation_aborted || error == asio::error::no_buffer_space)
    return;
  storage_error_ = error;
  finish(TorrentState::failed, CloseReason::disk_error);
}

}  // namespace swarmlab::peer
