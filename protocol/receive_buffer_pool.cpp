#include "protocol/receive_buffer_pool.hpp"

#include <cassert>

namespace swarmlab::protocol::wire {

ReceiveBufferPool::ReceiveBufferPool(std::size_t buffer_size_bytes, std::size_t spare_max)
    : buffer_size_bytes_(buffer_size_bytes), spare_max_(spare_max) {
  assert(buffer_size_bytes > 0);
  spare_.reserve(spare_max);
}

ReceiveBufferPool::Buffer ReceiveBufferPool::take() {
  if (spare_.empty()) return std::make_unique_for_overwrite<std::uint8_t[]>(buffer_size_bytes_);
  Buffer buffer = std::move(spare_.back());
  spare_.pop_back();
  return buffer;
}

void ReceiveBufferPool::give_back(Buffer buffer) {
  assert(buffer != nullptr);
  if (spare_.size() < spare_max_) spare_.push_back(std::move(buffer));
}

}  // namespace swarmlab::protocol::wire
