// libFuzzer target: UDP tracker packets, as requests and as responses over IPv4 and IPv6. Every
// packet that decodes encodes back to the same bytes.
#include "protocol/tracker_udp.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace udp = swarmlab::protocol::tracker_udp;
using Family = swarmlab::protocol::PeerAddress::Family;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto packet = std::span(data, size);
  if (const auto request = udp::decode_request(packet)) {
    assert(std::ranges::equal(udp::encode(*request), packet));
  }
  for (const Family family : {Family::ipv4, Family::ipv6}) {
    if (const auto response = udp::decode_response(packet, family)) {
      assert(std::ranges::equal(udp::encode(*response), packet));
    }
  }
  return 0;
}
