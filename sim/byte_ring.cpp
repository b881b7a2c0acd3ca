#include "sim/byte_ring.hpp"

#include "net/zero_bytes.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace swarmlab::sim {

namespace {

constexpr std::size_t capacity_initial = 4096;

// Copies into the ring bypassing the cache where the target can take it. What a writer hands over
// is read back only once the bytes have crossed the network, a round trip or more later; by then a
// world of many streams has long evicted it, so caching the stores only costs a read of each
// target line first and evicts what other streams are using.
constexpr std::size_t streaming_copy_bytes_min = 4096;

void copy_into_ring(std::uint8_t* target, const std::uint8_t* source, std::size_t count) {
#if defined(__SSE2__)
  if (count >= streaming_copy_bytes_min) {
    const std::size_t head = (16 - (reinterpret_cast<std::uintptr_t>(target) & 15)) & 15;
    std::memcpy(target, source, head);
    target += head;
    source += head;
    count -= head;
    for (; count >= 64; count -= 64, target += 64, source += 64) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source + 16));
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source + 32));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source + 48));
      _mm_stream_si128(reinterpret_cast<__m128i*>(target), a);
      _mm_stream_si128(reinterpret_cast<__m128i*>(target + 16), b);
      _mm_stream_si128(reinterpret_cast<__m128i*>(target + 32), c);
      _mm_stream_si128(reinterpret_cast<__m128i*>(target + 48), d);
    }
    _mm_sfence();
  }
#endif
  std::memcpy(target, source, count);
}

}  // namespace

// ---- ByteRing

void ByteRing::append(const void* bytes, std::size_t count) {
  if (count == 0) return;
  const auto* source = static_cast<const std::uint8_t*>(bytes);
  const bool zero = count >= zero_run_bytes_min && net::all_zero({source, count});
  if (!zero) literal_.push(source, count);
  extend(count, zero);
}

void ByteRing::extend(std::size_t count, bool zero) {
  end_ += count;
  if (!segments_.empty() && segments_.back().zero == zero) {
    segments_.back().end_offset = end_;
  } else {
    segments_.push_back({end_, zero});
  }
}

void ByteRing::copy_out(std::uint64_t offset, void* target, std::size_t count) const {
  assert(offset >= begin_);
  assert(offset + count <= end_);
  auto* destination = static_cast<std::uint8_t*>(target);
  const std::uint64_t stop = offset + count;
  std::uint64_t segment_begin = begin_;
  std::uint64_t literal_at = literal_.begin();  // where the current segment's bytes are stored
  for (std::size_t index = 0; index < segments_.size() && segment_begin < stop; ++index) {
    const Segment& segment = segments_[index];
    const std::uint64_t from = std::max(offset, segment_begin);
    const std::uint64_t to = std::min(stop, segment.end_offset);
    if (from < to) {
      const auto piece = static_cast<std::size_t>(to - from);
      if (segment.zero) {
        std::memset(destination + (from - offset), 0, piece);
      } else {
        literal_.copy_out(literal_at + (from - segment_begin), destination + (from - offset),
                          piece);
      }
    }
    if (!segment.zero) literal_at += segment.end_offset - segment_begin;
    segment_begin = segment.end_offset;
  }
}

void ByteRing::consume_until(std::uint64_t offset) {
  assert(offset >= begin_);
  assert(offset <= end_);
  while (begin_ < offset) {
    Segment& front = segments_.front();
    const std::uint64_t until = std::min(offset, front.end_offset);
    if (!front.zero) literal_.pop(until - begin_);
    begin_ = until;
    if (begin_ == front.end_offset) segments_.pop_front();
  }
  if (literal_.size() == 0 && literal_.capacity() > capacity_retained_max) literal_.release();
}

void ByteRing::release() {
  literal_.release();
  segments_.clear();
  begin_ = end_;
}

// ---- ByteRing::Literal

void ByteRing::Literal::reserve(std::uint64_t size_needed) {
  if (size_needed <= capacity_) return;
  std::size_t capacity = capacity_ == 0 ? capacity_initial : capacity_;
  while (capacity < size_needed)
    capacity *= 2;
  auto storage = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
  // Re-home the live bytes at the same offsets modulo the new capacity.
  for (std::uint64_t done = 0; done < size();) {
    const std::uint64_t at = begin_ + done;
    const std::size_t from = at & (capacity_ - 1);
    const std::size_t to = at & (capacity - 1);
    const std::size_t count =
        std::min<std::uint64_t>({size() - done, capacity_ - from, capacity - to});
    std::memcpy(storage.get() + to, storage_.get() + from, count);
    done += count;
  }
  storage_ = std::move(storage);
  capacity_ = capacity;
}

void ByteRing::Literal::push(const std::uint8_t* bytes, std::size_t count) {
  reserve(size() + count);
  while (count > 0) {
    const std::size_t at = end_ & (capacity_ - 1);
    const std::size_t piece = std::min(count, capacity_ - at);
    copy_into_ring(storage_.get() + at, bytes, piece);
    bytes += piece;
    end_ += piece;
    count -= piece;
  }
}

void ByteRing::Literal::copy_out(std::uint64_t at, std::uint8_t* target, std::size_t count) const {
  assert(at >= begin_);
  assert(at + count <= end_);
  while (count > 0) {
    const std::size_t from = at & (capacity_ - 1);
    const std::size_t piece = std::min(count, capacity_ - from);
    std::memcpy(target, storage_.get() + from, piece);
    target += piece;
    at += piece;
    count -= piece;
  }
}

void ByteRing::Literal::pop(std::uint64_t count) {
  assert(count <= size());
  begin_ += count;
}

void ByteRing::Literal::release() {
  storage_.reset();
  capacity_ = 0;
  begin_ = end_;
}

}  // namespace swarmlab::sim
