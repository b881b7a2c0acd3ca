// Receive buffers that the connections of one peer lend each other.
//
// A connection needs its wire decoder's buffer only while it holds part of a message: most of the
// time it reads, decodes everything it read, and holds nothing. With a pool, a decoder borrows a
// buffer when it reads and gives it back once drained (WireDecoder's pooled mode). A simulated
// swarm of thousands of connections then holds a handful of buffers instead of one each, and the
// buffer a read lands in is the one the peer's previous read used, still in cache. The most
// recently returned buffer is lent first for that reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace swarmlab::protocol::wire {

class ReceiveBufferPool {
 public:
  using Buffer = std::unique_ptr<std::uint8_t[]>;

  // Lends buffers of `buffer_size_bytes` and keeps at most `spare_max` of those given back.
  ReceiveBufferPool(std::size_t buffer_size_bytes, std::size_t spare_max);
  ReceiveBufferPool(const ReceiveBufferPool&) = delete;
  ReceiveBufferPool& operator=(const ReceiveBufferPool&) = delete;

  std::size_t buffer_size_bytes() const { return buffer_size_bytes_; }
  std::size_t spare_count() const { return spare_.size(); }

  // The buffer given back last, or a new one (uninitialised) when none is spare.
  Buffer take();
  // `buffer` must be one of buffer_size_bytes(); beyond spare_max spares it is freed.
  void give_back(Buffer buffer);

 private:
  std::size_t buffer_size_bytes_;
  std::size_t spare_max_;
  std::vector<Buffer> spare_;
};

}  // namespace swarmlab::protocol::wire
