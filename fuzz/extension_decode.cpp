// libFuzzer target: extension messages (BEP 10 handshake, ut_metadata, ut_pex); the first byte
// picks the decoder. Whatever decodes survives an encode and decode unchanged.
#include "protocol/extension.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace extension = swarmlab::protocol::extension;

namespace {
std::span<const std::uint8_t> bytes(const std::string& text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto payload = std::span(data + 1, size - 1);
  if (data[0] % 3 == 0) {
    const auto handshake = extension::decode_handshake(payload);
    if (handshake) {
      assert(extension::decode_handshake(bytes(extension::encode_handshake(*handshake))).value() ==
             *handshake);
    }
  } else if (data[0] % 3 == 1) {
    const auto message = extension::decode_metadata_message(payload);
    if (message) {
      const std::string encoded = extension::encode_metadata_message(*message);
      assert(extension::decode_metadata_message(bytes(encoded)).value() == *message);
    }
  } else {
    const auto pex = extension::decode_pex(payload);
    if (pex) assert(extension::decode_pex(bytes(extension::encode_pex(*pex))).value() == *pex);
  }
  return 0;
}
