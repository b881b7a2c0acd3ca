// Helpers shared by the tracker tests: addresses, peer ids and info-hashes made from small
// numbers, and a configuration with short times for tests.
#pragma once

#include "actors/tracker/config.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace swarmlab::tracker::test {

using namespace std::chrono_literals;
using protocol::InfoHash;
using protocol::PeerAddress;
using protocol::PeerId;

// 10.x.y.z with the number spread over the last three bytes.
inline PeerAddress ipv4_peer(std::uint32_t number, std::uint16_t port = 6881) {
  return PeerAddress::ipv4(
      {10, static_cast<std::uint8_t>(number >> 16), static_cast<std::uint8_t>(number >> 8),
       static_cast<std::uint8_t>(number)},
      port);
}

// 2001:db8::<number>
inline PeerAddress ipv6_peer(std::uint32_t number, std::uint16_t port = 6881) {
  std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
  bytes[12] = static_cast<std::uint8_t>(number >> 24);
  bytes[13] = static_cast<std::uint8_t>(number >> 16);
  bytes[14] = static_cast<std::uint8_t>(number >> 8);
  bytes[15] = static_cast<std::uint8_t>(number);
  return PeerAddress::ipv6(bytes, port);
}

// "-SL0001-" followed by the number in 12 decimal digits.
inline PeerId peer_id(std::uint32_t number) {
  PeerId id{};
  const std::string text =
      "-SL0001-" + std::string(12 - std::to_string(number).size(), '0') + std::to_string(number);
  std::copy(text.begin(), text.end(), id.begin());
  return id;
}

inline InfoHash info_hash(std::uint32_t number) {
  return protocol::sha1("torrent " + std::to_string(number));
}

inline net::TimePoint at(net::Duration since_start) {
  return net::TimePoint(since_start);
}

// Short times so that expiry can be shown quickly; no rate limit unless a test sets one.
inline TrackerConfig test_config() {
  TrackerConfig config;
  config.http_port = 0;
  config.udp_port = 0;
  config.interval = 60s;
  config.min_interval = 30s;
  config.peer_timeout = 90s;
  config.sweep_period = 10s;
  config.rate_limit.requests_per_second = 0;
  return config;
}

}  // namespace swarmlab::tracker::test
