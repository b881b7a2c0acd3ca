// Phantom payload travels as zero bytes: the peer sends zero blocks, the simulator keeps runs of
// zeros as lengths, and a receiver tells a corrupted phantom block by a non-zero byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>

namespace swarmlab::net {

// The zeros a phantom sender writes (one block's worth). A write from inside this block is known
// to be zeros by its address, so the simulator keeps it as a run without reading 16 KiB.
inline constexpr std::size_t zero_block_bytes = 16 * 1024;
inline constexpr std::array<std::uint8_t, zero_block_bytes> zero_block{};

// True when `bytes` lies within zero_block.
inline bool within_zero_block(std::span<const std::uint8_t> bytes) {
  const std::less_equal<const std::uint8_t*> not_after;
  return not_after(zero_block.data(), bytes.data()) &&
         not_after(bytes.data() + bytes.size(), zero_block.data() + zero_block.size());
}

// True when every byte is zero (and there is at least one). Each byte equals the next and the
// first is zero: one vectorised memcmp rather than a byte loop, which matters at 16 KiB a block.
inline bool all_zero(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return false;
  if (within_zero_block(bytes)) return true;
  return bytes[0] == 0 && std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0;
}

}  // namespace swarmlab::net
