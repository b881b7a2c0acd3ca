// libFuzzer target: bencode decoding. Whatever decodes must re-encode to the same bytes.
#include "protocol/bencode.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bencode = swarmlab::protocol::bencode;
  const auto document = bencode::decode(std::span(data, size));
  if (document) assert(bencode::encode(document->root()) == document->encoded());
  return 0;
}
