// Phantom payload travels as zero bytes: the peer sends zero blocks, the simulator keeps runs of
// zeros as lengths, and a receiver tells a corrupted phantom block by a non-zero byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace swarmlab::net {

// True when every byte is zero (and there is at least one). One pass of 8-byte words, OR-ed a
// cache line at a time: a 16 KiB block is checked at every delivery, so this is on a hot path.
inline bool all_zero(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return false;
  constexpr std::size_t word_bytes = sizeof(std::uint64_t);
  constexpr std::size_t line_bytes = 8 * word_bytes;
  const std::uint8_t* data = bytes.data();
  std::size_t position = 0;
  for (; position + line_bytes <= bytes.size(); position += line_bytes) {
    std::uint64_t words[8];
    std::memcpy(words, data + position, line_bytes);
    const std::uint64_t any = (words[0] | words[1]) | (words[2] | words[3]) |
                              (words[4] | words[5]) | (words[6] | words[7]);
    if (any != 0) return false;
  }
  for (; position < bytes.size(); ++position) {
    if (data[position] != 0) return false;
  }
  return true;
}

}  // namespace swarmlab::net
