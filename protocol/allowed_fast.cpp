#include "protocol/allowed_fast.hpp"

#include "protocol/byte_order.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::protocol {

std::vector<std::uint32_t> allowed_fast_set(std::array<std::uint8_t, 4> peer_ipv4,
                                            const InfoHash& info_hash, std::uint32_t piece_count,
                                            std::size_t set_size) {
  assert(piece_count > 0);
  assert(set_size <= allowed_fast_set_size_max);
  const std::size_t target = std::min<std::size_t>(set_size, piece_count);
  // x = (ip & 0xFFFFFF00) followed by the info-hash.
  std::array<std::uint8_t, 4 + sizeof(InfoHash)> seed{};
  std::copy_n(peer_ipv4.begin(), 3, seed.begin());
  std::copy(info_hash.begin(), info_hash.end(), seed.begin() + 4);
  Sha1Digest digest = sha1(seed);
  std::vector<std::uint32_t> pieces;
  pieces.reserve(target);
  for (std::size_t round = 0; round < allowed_fast_round_max && pieces.size() < target; ++round) {
    for (std::size_t word = 0; word < 5 && pieces.size() < target; ++word) {
      const std::uint32_t index = read_u32(digest, 4 * word) % piece_count;
      if (std::find(pieces.begin(), pieces.end(), index) == pieces.end()) pieces.push_back(index);
    }
    digest = sha1(digest);
  }
  assert(pieces.size() <= target);
  return pieces;
}

}  // namespace swarmlab::protocol
