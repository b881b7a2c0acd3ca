// The bytes of one direction of a simulated stream, from the oldest byte the reader has not read
// to the newest byte the writer wrote, addressed by absolute stream offsets. Bytes are copied in
// once (when a write is accepted) and out once (when they are read); everything in between (the
// send buffer, chunks in flight, bytes received but unread) is bookkeeping over these offsets.
//
// Runs of zero bytes are kept as lengths, not as bytes. A phantom-payload swarm sends nothing but
// zero blocks, and thousands of connections each hold up to a send buffer and a receive window of
// them: storing only their lengths is what keeps such a world's memory proportional to its
// connections rather than to the bytes in flight. The reader sees the same bytes either way.
#pragma once

#include "sim/ring.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace swarmlab::sim {

class ByteRing {
 public:
  // A zero run shorter than this is stored as bytes: a segment would cost more than it saves.
  static constexpr std::size_t zero_run_bytes_min = 128;
  // Storage above this size is given back once every stored byte has been read.
  static constexpr std::size_t capacity_retained_max = 16 * 1024;

  std::uint64_t begin_offset() const { return begin_; }
  std::uint64_t end_offset() const { return end_; }
  std::uint64_t size() const { return end_ - begin_; }
  // Bytes of storage held (zero runs hold none).
  std::size_t capacity() const { return literal_.capacity(); }

  // Appends `bytes` (the caller has already decided how many fit its limits).
  void append(const void* bytes, std::size_t count);
  // Copies `count` bytes starting at absolute `offset` (within the ring) into `target`.
  void copy_out(std::uint64_t offset, void* target, std::size_t count) const;
  // Forgets every byte before absolute `offset`.
  void consume_until(std::uint64_t offset);
  // Releases the storage (the stream is finished).
  void release();

 private:
  // Stored bytes in order: a FIFO over a power-of-two buffer, addressed by the number of bytes
  // ever pushed.
  class Literal {
   public:
    std::size_t capacity() const { return capacity_; }
    std::uint64_t size() const { return end_ - begin_; }
    std::uint64_t begin() const { return begin_; }
    void push(const std::uint8_t* bytes, std::size_t count);
    void copy_out(std::uint64_t at, std::uint8_t* target, std::size_t count) const;
    void pop(std::uint64_t count);
    void release();

   private:
    void reserve(std::uint64_t size_needed);

    std::unique_ptr<std::uint8_t[]> storage_;
    std::size_t capacity_ = 0;  // 0 or a power of two
    std::uint64_t begin_ = 0;
    std::uint64_t end_ = 0;
  };
  // A stretch of the stream, from where the previous one ends (the first: begin_) to end_offset.
  struct Segment {
    std::uint64_t end_offset;
    bool zero;
  };

  void extend(std::size_t count, bool zero);

  Ring<Segment> segments_;
  Literal literal_;
  std::uint64_t begin_ = 0;
  std::uint64_t end_ = 0;
};

}  // namespace swarmlab::sim
