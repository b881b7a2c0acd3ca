#include "sim/byte_ring.hpp"

#include <algorithm>
#include <cstring>

namespace swarmlab::sim {

namespace {
constexpr std::size_t capacity_initial = 4096;
}

void ByteRing::reserve(std::size_t size_needed) {
  if (size_needed <= capacity_) return;
  std::size_t capacity = capacity_ == 0 ? capacity_initial : capacity_;
  while (capacity < size_needed)
    capacity *= 2;
  auto storage = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
  // Re-home the live bytes at the same offsets modulo the new capacity.
  for (std::uint64_t done = 0; done < size_;) {
    const std::uint64_t offset = begin_ + done;
    const std::size_t from = offset & (capacity_ - 1);
    const std::size_t to = offset & (capacity - 1);
    const std::size_t count =
        std::min<std::uint64_t>({size_ - done, capacity_ - from, capacity - to});
    std::memcpy(storage.get() + to, storage_.get() + from, count);
    done += count;
  }
  storage_ = std::move(storage);
  capacity_ = capacity;
}

void ByteRing::append(const void* bytes, std::size_t count) {
  reserve(size_ + count);
  const auto* source = static_cast<const std::uint8_t*>(bytes);
  std::uint64_t offset = end_offset();
  while (count > 0) {
    const std::size_t at = offset & (capacity_ - 1);
    const std::size_t piece = std::min(count, capacity_ - at);
    std::memcpy(storage_.get() + at, source, piece);
    source += piece;
    offset += piece;
    count -= piece;
    size_ += piece;
  }
}

void ByteRing::copy_out(std::uint64_t offset, void* target, std::size_t count) const {
  assert(offset >= begin_);
  assert(offset + count <= end_offset());
  auto* destination = static_cast<std::uint8_t*>(target);
  while (count > 0) {
    const std::size_t at = offset & (capacity_ - 1);
    const std::size_t piece = std::min(count, capacity_ - at);
    std::memcpy(destination, storage_.get() + at, piece);
    destination += piece;
    offset += piece;
    count -= piece;
  }
}

}  // namespace swarmlab::sim
