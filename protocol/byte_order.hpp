// Big-endian (network byte order) reads and writes of fixed-width integers, as every binary
// BitTorrent format uses them (peer wire, UDP tracker, compact peer and node lists). Callers check
// bounds before calling; these helpers assert them.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace swarmlab::protocol {

inline std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t offset) {
  assert(offset + 2 <= bytes.size());
  return static_cast<std::uint16_t>(bytes[offset] << 8 | bytes[offset + 1]);
}

inline std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  assert(offset + 4 <= bytes.size());
  return std::uint32_t{bytes[offset]} << 24 | std::uint32_t{bytes[offset + 1]} << 16 |
         std::uint32_t{bytes[offset + 2]} << 8 | std::uint32_t{bytes[offset + 3]};
}

inline std::uint64_t read_u64(std::span<const std::uint8_t> bytes, std::size_t offset) {
  assert(offset + 8 <= bytes.size());
  return std::uint64_t{read_u32(bytes, offset)} << 32 | read_u32(bytes, offset + 4);
}

inline void write_u16(std::span<std::uint8_t> bytes, std::size_t offset, std::uint16_t value) {
  assert(offset + 2 <= bytes.size());
  bytes[offset] = static_cast<std::uint8_t>(value >> 8);
  bytes[offset + 1] = static_cast<std::uint8_t>(value);
}

inline void write_u32(std::span<std::uint8_t> bytes, std::size_t offset, std::uint32_t value) {
  assert(offset + 4 <= bytes.size());
  for (std::size_t index = 0; index < 4; ++index) {
    bytes[offset + index] = static_cast<std::uint8_t>(value >> (24 - 8 * index));
  }
}

inline void write_u64(std::span<std::uint8_t> bytes, std::size_t offset, std::uint64_t value) {
  assert(offset + 8 <= bytes.size());
  write_u32(bytes, offset, static_cast<std::uint32_t>(value >> 32));
  write_u32(bytes, offset + 4, static_cast<std::uint32_t>(value));
}

}  // namespace swarmlab::protocol
