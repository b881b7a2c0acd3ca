// The bytes of one direction of a simulated stream, from the oldest byte the reader has not read
// to the newest byte the writer wrote, addressed by absolute stream offsets. Bytes are copied in
// once (when a write is accepted) and out once (when they are read); everything in between (the
// send buffer, chunks in flight, bytes received but unread) is bookkeeping over these offsets.
#pragma once

#include <boost/asio/buffer.hpp>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace swarmlab::sim {

class ByteRing {
 public:
  std::uint64_t begin_offset() const { return begin_; }
  std::uint64_t end_offset() const { return begin_ + size_; }
  std::uint64_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

  // Appends `bytes` (the caller has already decided how many fit its limits).
  void append(const void* bytes, std::size_t count);
  // Copies `count` bytes starting at absolute `offset` (within the ring) into `target`.
  void copy_out(std::uint64_t offset, void* target, std::size_t count) const;
  // Forgets every byte before absolute `offset`.
  void consume_until(std::uint64_t offset) {
    assert(offset >= begin_);
    assert(offset <= end_offset());
    size_ -= offset - begin_;
    begin_ = offset;
  }
  // Releases the storage (the stream is finished).
  void release() {
    storage_.reset();
    capacity_ = 0;
    begin_ += size_;
    size_ = 0;
  }

 private:
  void reserve(std::size_t size_needed);

  std::unique_ptr<std::uint8_t[]> storage_;
  std::size_t capacity_ = 0;  // 0 or a power of two
  std::uint64_t begin_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace swarmlab::sim
