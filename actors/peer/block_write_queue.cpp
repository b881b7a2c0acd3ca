#include "actors/peer/block_write_queue.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace swarmlab::peer {

BlockWriteQueue::BlockWriteQueue(std::size_t run_bytes_max) : run_bytes_max_(run_bytes_max) {
  assert(run_bytes_max_ > 0);
}

bool BlockWriteQueue::extends_last_run(const record::BlockRef& block, PeerKey sender) const {
  if (runs_.empty()) return false;
  const WriteRun& last = runs_.back();
  return !last.completes_piece && last.sender == sender && last.range.piece == block.piece &&
         std::size_t{last.range.offset_bytes} + last.range.length_bytes == block.offset_bytes &&
         last.bytes.size() + block.length_bytes <= run_bytes_max_;
}

void BlockWriteQueue::push(const record::BlockRef& block, std::span<const std::uint8_t> bytes,
                           PeerKey sender, bool completes_piece, std::uint32_t piece_size_bytes) {
  assert(bytes.size() == block.length_bytes);
  assert(block.length_bytes > 0);
  assert(block.offset_bytes < piece_size_bytes);
  assert(block.length_bytes <= piece_size_bytes - block.offset_bytes);
  if (!extends_last_run(block, sender)) {
    WriteRun run{
        .range = {.piece = block.piece, .offset_bytes = block.offset_bytes, .length_bytes = 0},
        .bytes = {},
        .sender = sender,
        .completes_piece = false};
    // The rest of the piece, up to a run's limit: consecutive blocks then never reallocate.
    run.bytes.reserve(std::max<std::size_t>(
        block.length_bytes,
        std::min<std::size_t>(run_bytes_max_, piece_size_bytes - block.offset_bytes)));
    held_bytes_ += run.bytes.capacity();
    runs_.push_back(std::move(run));
  }
  WriteRun& last = runs_.back();
  [[maybe_unused]] const std::size_t capacity = last.bytes.capacity();
  last.bytes.insert(last.bytes.end(), bytes.begin(), bytes.end());
  last.range.length_bytes += block.length_bytes;
  last.completes_piece = completes_piece;
  assert(last.bytes.capacity() == capacity && "held_bytes_ counts every reservation");
  assert(last.range.length_bytes == last.bytes.size());
}

std::vector<WriteRun> BlockWriteQueue::take_all() {
  std::vector<WriteRun> taken;
  taken.swap(runs_);
  std::stable_sort(taken.begin(), taken.end(), [](const WriteRun& a, const WriteRun& b) {
    return std::pair(a.range.piece, a.range.offset_bytes) <
           std::pair(b.range.piece, b.range.offset_bytes);
  });
  held_bytes_ = 0;
  assert(runs_.empty());
  return taken;
}

}  // namespace swarmlab::peer
