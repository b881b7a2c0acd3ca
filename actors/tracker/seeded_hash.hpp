// SeededHash: the hash function of the tracker's lookup tables (swarms by info-hash, peers by peer
// id and by address, rate-limit buckets by address). Every key in those tables is chosen by remote
// clients, so the hash is seeded from the host's generator: a client cannot aim many keys at one
// bucket without knowing the seed. The tables are only looked up, never iterated where the order
// could decide anything, so their layout never leaks into a run. Part of actors/tracker.
#pragma once

#include "net/rng.hpp"
#include "protocol/peer_address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace swarmlab::tracker {

struct SeededHash {
  // Tells boost::unordered_flat_map that the output is already well mixed (mix64 is a bijective
  // avalanche), so it need not mix again.
  using is_avalanching = void;

  std::uint64_t seed = 0;

  std::size_t hash_bytes(std::span<const std::uint8_t> bytes) const {
    std::uint64_t state = net::mix64(seed ^ bytes.size());
    std::size_t offset = 0;
    for (; offset + 8 <= bytes.size(); offset += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes.data() + offset, 8);
      state = net::mix64(state ^ word);
    }
    if (offset < bytes.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes.data() + offset, bytes.size() - offset);
      state = net::mix64(state ^ word);
    }
    return static_cast<std::size_t>(state);
  }

  template <std::size_t N>
  std::size_t operator()(const std::array<std::uint8_t, N>& bytes) const {
    return hash_bytes(bytes);
  }

  std::size_t operator()(const protocol::PeerAddress& address) const {
    std::array<std::uint8_t, 19> bytes{};
    bytes[0] = static_cast<std::uint8_t>(address.family);
    std::memcpy(bytes.data() + 1, address.address.data(), 16);
    bytes[17] = static_cast<std::uint8_t>(address.port >> 8);
    bytes[18] = static_cast<std::uint8_t>(address.port);
    return hash_bytes(bytes);
  }
};

// The key equality of the same tables. Keys are fixed-size byte arrays; comparing them a word at
// a time inline beats a call to memcmp, which is what std::array's == becomes, on every probe.
struct SameKey {
  template <std::size_t N>
  bool operator()(const std::array<std::uint8_t, N>& one,
                  const std::array<std::uint8_t, N>& other) const {
    return same_bytes<N>(one.data(), other.data());
  }

  bool operator()(const protocol::PeerAddress& one, const protocol::PeerAddress& other) const {
    return one.family == other.family && one.port == other.port &&
           same_bytes<16>(one.address.data(), other.address.data());
  }

  template <std::size_t N>
  static bool same_bytes(const std::uint8_t* one, const std::uint8_t* other) {
    static_assert(N % 4 == 0);
    std::uint64_t difference = 0;
    std::size_t offset = 0;
    for (; offset + 8 <= N; offset += 8) {
      std::uint64_t word_one = 0;
      std::uint64_t word_other = 0;
      std::memcpy(&word_one, one + offset, 8);
      std::memcpy(&word_other, other + offset, 8);
      difference |= word_one ^ word_other;
    }
    if (offset < N) {
      std::uint32_t word_one = 0;
      std::uint32_t word_other = 0;
      std::memcpy(&word_one, one + offset, 4);
      std::memcpy(&word_other, other + offset, 4);
      difference |= word_one ^ word_other;
    }
    return difference == 0;
  }
};

}  // namespace swarmlab::tracker
