// The seeded pseudo-random generator every actor and the simulator draw from: xoshiro256**, seeded
// through splitmix64. The API is integer-first and never uses std::*_distribution, whose outputs
// differ between standard libraries, so the same seed gives the same run everywhere.
#pragma once

#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace swarmlab::net {

// splitmix64 step: a bijective mix used to derive seeds and for cheap hashing.
constexpr std::uint64_t mix64(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// Lemire's method needs the high half of a 64x64-bit product.
__extension__ typedef unsigned __int128 Uint128;

class Rng {
 public:
  using result_type = std::uint64_t;

  // `stream` separates generators that share a run seed (host ids, purposes), so that drawing from
  // one never shifts another.
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t state = mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL);
    for (auto& word : state_) {
      state = mix64(state);
      word = state;
    }
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~std::uint64_t{0}; }
  result_type operator()() { return next(); }

  std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound), unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t bound) {
    assert(bound > 0);
    Uint128 product = static_cast<Uint128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<Uint128>(next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Uniform in [low, high], both included.
  std::int64_t between(std::int64_t low, std::int64_t high) {
    assert(low <= high);
    const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    if (span == max()) return static_cast<std::int64_t>(next());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + below(span + 1));
  }

  // True with probability numerator / denominator.
  bool chance(std::uint64_t numerator, std::uint64_t denominator) {
    assert(denominator > 0);
    assert(numerator <= denominator);
    return below(denominator) < numerator;
  }

  // Uniform in [0, 1) with 53 random bits; exact and portable.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Exponentially distributed with the given mean (inverse transform sampling).
  double exponential(double mean) {
    assert(mean > 0);
    return -std::log1p(-unit()) * mean;
  }

  // Fisher-Yates, defined here because std::shuffle's sequence is implementation-defined.
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const std::size_t j = below(i);
      using std::swap;
      swap(items[i - 1], items[j]);
    }
  }

  void fill(std::span<std::uint8_t> bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
      std::uint64_t word = next();
      for (int k = 0; k < 8 && i < bytes.size(); ++k, ++i, word >>= 8) {
        bytes[i] = static_cast<std::uint8_t>(word);
      }
    }
  }

 private:
  static constexpr std::uint64_t rotate_left(std::uint64_t value, int shift) {
    return (value << shift) | (value >> (64 - shift));
  }

  std::uint64_t state_[4] = {};
};

}  // namespace swarmlab::net
