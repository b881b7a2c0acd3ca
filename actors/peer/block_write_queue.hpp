// Blocks received but not yet handed to the storage: the write-behind of real transfers. A
// connection's reader queues every accepted block and goes on reading while the torrent's writer
// task stores what is queued, so that the network thread never waits for a disk job, and the
// slower the disk, the larger the batches it gets. Consecutive blocks of one piece from one sender
// coalesce into one run, stored by one storage call: a fast transfer costs a disk job per run
// rather than per block. Part of actors/peer; pure data, no I/O.
#pragma once

#include "actors/peer/types.hpp"
#include "record/observer.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace swarmlab::peer {

// Consecutive bytes of one piece, from one sender.
struct WriteRun {
  // Where the bytes go: range.length_bytes == bytes.size().
  record::BlockRef range{};
  std::vector<std::uint8_t> bytes{};
  PeerKey sender = PeerKey::none();
  // The piece's last missing block is in this run: check the piece once the runs taken with it
  // are stored. No later block joins such a run.
  bool completes_piece = false;
};

class BlockWriteQueue {
 public:
  // Runs grow to at most run_bytes_max (at least one block).
  explicit BlockWriteQueue(std::size_t run_bytes_max);

  // Queues a copy of `bytes`, the block `block` (inside a piece of piece_size_bytes) from `sender`.
  void push(const record::BlockRef& block, std::span<const std::uint8_t> bytes, PeerKey sender,
            bool completes_piece, std::uint32_t piece_size_bytes);
  // Everything queued, in piece and offset order (senders may answer requests out of order: in
  // order, the storage can hash a piece as it is written); the queue is empty afterwards.
  std::vector<WriteRun> take_all();
  // Memory the queued runs hold (their buffers' capacity, at least the bytes queued).
  std::size_t held_bytes() const { return held_bytes_; }
  bool empty() const { return runs_.empty(); }

 private:
  bool extends_last_run(const record::BlockRef& block, PeerKey sender) const;

  std::size_t run_bytes_max_;
  std::vector<WriteRun> runs_;
  std::size_t held_bytes_ = 0;
};

}  // namespace swarmlab::peer
