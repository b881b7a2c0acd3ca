// ListedPeers: the part of a PeerTable that replies read, for one address family, as one
// contiguous array of fixed-size records: the peer's compact address (6 bytes for IPv4, 18 for
// IPv6, exactly as a reply carries it), whether it seeds, and the whole second of its last
// announce. A record is 12 bytes for IPv4 (five per cache line) and 24 for IPv6, so listing 50
// peers of a swarm reads about 600 bytes in order. The second is coarse on purpose: it settles
// whether a peer is live without the exact time (kept with the peer's identity) except in the one
// second where the cutoff falls. Part of actors/tracker; pure logic, no I/O.
#pragma once

#include "net/time.hpp"
#include "protocol/peer_address.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace swarmlab::tracker {

// A time's whole second, clamped to 32 bits. Non-decreasing in the time, which is all the
// comparisons need: a larger second means a later time, a smaller one an earlier time.
inline std::uint32_t coarse_seconds(net::TimePoint time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(seconds, 0, std::int64_t{UINT32_MAX}));
}

class ListedPeers {
 public:
  using Family = protocol::PeerAddress::Family;

  explicit ListedPeers(Family family)
      : family_(family),
        compact_size_(family == Family::ipv4 ? protocol::compact_ipv4_size_bytes
                                             : protocol::compact_ipv6_size_bytes),
        // seconds (4), compact address, seeder flag (1), rounded up to 4 bytes.
        stride_((seconds_size + compact_size_ + 1 + 3) / 4 * 4) {}

  Family family() const { return family_; }
  std::size_t size() const { return count_; }
  std::size_t record_size_bytes() const { return stride_; }

  void push_back(const protocol::PeerAddress& address, std::uint32_t seen_seconds, bool seeder) {
    bytes_.resize(bytes_.size() + stride_);
    const std::size_t index = count_++;
    set_address(index, address);
    set_seen_seconds(index, seen_seconds);
    set_seeder(index, seeder);
  }
  void pop_back() {
    assert(count_ > 0);
    --count_;
    bytes_.resize(bytes_.size() - stride_);
  }
  // Copies the record at `from` over the one at `to`.
  void copy(std::size_t from, std::size_t to) { std::memcpy(record(to), record(from), stride_); }

  std::span<const std::uint8_t> compact(std::size_t index) const {
    return {record(index) + seconds_size, compact_size_};
  }
  protocol::PeerAddress address(std::size_t index) const {
    const auto parsed = protocol::parse_compact(compact(index));
    assert(parsed && parsed->family == family_);
    return *parsed;
  }
  bool has_address(std::size_t index, const protocol::PeerAddress& address) const {
    if (address.family != family_) return false;
    const auto bytes = compact(index);
    const std::size_t address_size = compact_size_ - 2;
    return std::memcmp(bytes.data(), address.address.data(), address_size) == 0 &&
           bytes[address_size] == static_cast<std::uint8_t>(address.port >> 8) &&
           bytes[address_size + 1] == static_cast<std::uint8_t>(address.port & 0xff);
  }
  void set_address(std::size_t index, const protocol::PeerAddress& address) {
    assert(address.family == family_);
    std::uint8_t* bytes = record(index) + seconds_size;
    const std::size_t address_size = compact_size_ - 2;
    std::memcpy(bytes, address.address.data(), address_size);
    bytes[address_size] = static_cast<std::uint8_t>(address.port >> 8);
    bytes[address_size + 1] = static_cast<std::uint8_t>(address.port & 0xff);
  }

  std::uint32_t seen_seconds(std::size_t index) const {
    std::uint32_t seconds = 0;
    std::memcpy(&seconds, record(index), seconds_size);
    return seconds;
  }
  void set_seen_seconds(std::size_t index, std::uint32_t seconds) {
    std::memcpy(record(index), &seconds, seconds_size);
  }

  bool seeder(std::size_t index) const { return record(index)[seeder_offset()] != 0; }
  void set_seeder(std::size_t index, bool seeder) {
    record(index)[seeder_offset()] = seeder ? 1 : 0;
  }

 private:
  static constexpr std::size_t seconds_size = sizeof(std::uint32_t);

  std::size_t seeder_offset() const { return seconds_size + compact_size_; }
  const std::uint8_t* record(std::size_t index) const {
    assert(index < size());
    return bytes_.data() + index * stride_;
  }
  std::uint8_t* record(std::size_t index) {
    assert(index < size());
    return bytes_.data() + index * stride_;
  }

  Family family_;
  std::size_t compact_size_;
  std::size_t stride_;
  std::size_t count_ = 0;  // bytes_.size() / stride_, kept apart so that no access divides
  std::vector<std::uint8_t> bytes_;
};

}  // namespace swarmlab::tracker
