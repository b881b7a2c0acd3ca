// Phantom payload travels as zero bytes: the peer sends zero blocks, the simulator keeps runs of
// zeros as lengths, and a receiver tells a corrupted phantom block by a non-zero byte.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace swarmlab::net {

// True when every byte is zero (and there is at least one). Each byte equals the next and the
// first is zero: one vectorised memcmp rather than a byte loop, which matters at 16 KiB a block.
inline bool all_zero(std::span<const std::uint8_t> bytes) {
  return !bytes.empty() && bytes[0] == 0 &&
         std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0;
}

}  // namespace swarmlab::net
