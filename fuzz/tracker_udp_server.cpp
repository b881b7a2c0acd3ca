// libFuzzer target: UDP tracker datagrams as the tracker receives them, through the whole request
// handling (connection ids, rate limit, swarm state, replies). The input is a sequence of records
//   | size 2 (big-endian) | flags 1 | datagram (size bytes) |
// sent one after another to one tracker; flag bit 0 replaces the datagram's first 8 bytes with a
// valid connection id (so announces and scrapes get past the check), bit 1 sends from IPv6, bits
// 2-3 pick one of four source addresses, bit 4 lets a minute pass first. Every reply must decode
// and fit one frame; junk is never answered.
#include "actors/tracker/udp_request_handler.hpp"

#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tracker = swarmlab::tracker;
namespace udp = swarmlab::protocol::tracker_udp;
using swarmlab::protocol::PeerAddress;

namespace {

PeerAddress source(std::uint8_t flags) {
  const auto number = static_cast<std::uint8_t>(1 + ((flags >> 2) & 3));
  if (flags & 2) {
    std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
    bytes[15] = number;
    return PeerAddress::ipv6(bytes, 4000);
  }
  return PeerAddress::ipv4({10, 0, 0, number}, 4000);
}

void check_reply(std::span<const std::uint8_t> packet, const PeerAddress& from,
                 const std::vector<std::uint8_t>& reply) {
  if (reply.empty()) return;
  assert(packet.size() >= udp::connect_size_bytes);
  assert(packet.size() <= tracker::limits::udp_request_size_max);
  assert(reply.size() <= tracker::limits::udp_reply_size_max);
  const auto decoded = udp::decode_response(reply, from.family);
  assert(decoded);
  if (std::holds_alternative<udp::ErrorResponse>(*decoded)) assert(reply.size() <= packet.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  tracker::TrackerConfig config;
  config.swarm_count_max = 64;
  config.swarm_peer_count_max = 256;
  config.peer_count_total_max = 1024;
  config.rate_limit = {.requests_per_second = 100, .burst = 1000};
  swarmlab::net::Rng rng(1);
  tracker::TrackerCore core(config, rng, nullptr);
  tracker::UdpRequestHandler handler(core, rng);
  swarmlab::net::TimePoint now{1000s};
  std::vector<std::uint8_t> packet;
  std::vector<std::uint8_t> reply;
  std::size_t offset = 0;
  while (offset + 3 <= size) {
    const std::size_t length = std::size_t{data[offset]} << 8 | data[offset + 1];
    const std::uint8_t flags = data[offset + 2];
    offset += 3;
    packet.assign(data + offset, data + std::min(size, offset + length));
    offset += packet.size();
    const PeerAddress from = source(flags);
    if (flags & 16) now += 60s;
    if ((flags & 1) && packet.size() >= 8) {
      const std::uint64_t id = handler.connection_ids().issue(from, now);
      for (int byte = 0; byte < 8; ++byte)
        packet[byte] = static_cast<std::uint8_t>(id >> (56 - 8 * byte));
    }
    handler.handle(packet, from, now, reply);
    check_reply(packet, from, reply);
    if (flags & 32) core.sweep(now);
  }
  return 0;
}
