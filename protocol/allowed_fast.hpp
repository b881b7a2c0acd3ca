// The BEP 6 allowed fast set: the pieces a peer may request while choked, derived from the peer's
// IPv4 address (its /24 network) and the info-hash by iterated SHA-1, so that both ends compute
// the same set and one host cannot collect several sets from one network.
#pragma once

#include "protocol/sha1.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace swarmlab::protocol {

inline constexpr std::size_t allowed_fast_set_size_max = 64;
// SHA-1 rounds before giving up on filling the set (each yields five candidates); only reached
// when the set asks for nearly every piece of a tiny torrent.
inline constexpr std::size_t allowed_fast_round_max = 4096;

// Up to `set_size` distinct piece indices (fewer when the torrent has fewer pieces), in the order
// BEP 6 generates them. BEP 6 has no provision for IPv6 peers.
std::vector<std::uint32_t> allowed_fast_set(std::array<std::uint8_t, 4> peer_ipv4,
                                            const InfoHash& info_hash, std::uint32_t piece_count,
                                            std::size_t set_size);

}  // namespace swarmlab::protocol
