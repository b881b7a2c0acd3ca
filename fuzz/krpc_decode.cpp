// libFuzzer target: KRPC (DHT) messages. A decoded message encodes into one that decodes to it.
#include "protocol/krpc.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace krpc = swarmlab::protocol::krpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto message = krpc::decode(std::span(data, size));
  if (!message) return 0;
  const std::string encoded = krpc::encode(*message);
  const auto again = krpc::decode(
      std::span(reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size()));
  assert(again.value() == *message);
  return 0;
}
