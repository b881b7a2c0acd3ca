// Every bound the simulated network enforces, in one place, with the relations between them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace swarmlab::sim {

// Hosts are numbered densely; assigned IPv4 addresses are 10.A.B.C with C from 1 to 255 (see
// World::assign_addresses).
inline constexpr std::uint32_t hosts_max = 255u * 65536u - 1u;
// Partitions in force at the same time (each is one bit in a per-host mask).
inline constexpr std::size_t partitions_max = 64;
// Largest UDP payload, as for IPv4.
inline constexpr std::size_t datagram_size_bytes_max = 65507;
// The link scheduling unit for stream data (a "chunk") must stay between these.
inline constexpr std::uint32_t chunk_bytes_min = 512;
inline constexpr std::uint32_t chunk_bytes_max = 1u << 20;
// With WorldConfig::link_turn, a link's quantum never drops below one Ethernet frame.
inline constexpr std::uint32_t link_turn_bytes_min = 1500;
// A stream's turn on a link takes the rest of what it has to send as well when that is no more
// than this: the remainder of a message just over a chunk (a block message is 16 KiB and 13
// bytes) would otherwise cross as a chunk of its own, costing events and leaving the receiver
// holding a partial message while other flows take their turns.
inline constexpr std::uint32_t chunk_runt_bytes_max = 256;
// Streams: the send buffer and the receive window may be configured up to this.
inline constexpr std::uint64_t stream_buffer_bytes_max = 1ull << 30;
// Ephemeral ports are handed out from this range.
inline constexpr std::uint16_t ephemeral_port_first = 49152;
inline constexpr std::uint16_t ephemeral_port_last = 65535;

static_assert(chunk_bytes_min <= chunk_bytes_max);
static_assert(datagram_size_bytes_max < chunk_bytes_max,
              "a datagram always fits in one link turn of the largest chunk size");
static_assert(stream_buffer_bytes_max >= chunk_bytes_max,
              "a stream buffer can always hold at least one chunk");
static_assert(partitions_max <= 64, "partition membership is a 64-bit mask per host");
static_assert(ephemeral_port_first < ephemeral_port_last);

}  // namespace swarmlab::sim
