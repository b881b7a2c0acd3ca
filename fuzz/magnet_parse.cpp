// libFuzzer target: magnet URI parsing. A parsed link regenerates into a URI that parses back to
// it.
#include "protocol/magnet.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace protocol = swarmlab::protocol;
  const auto link =
      protocol::parse_magnet(std::string_view(reinterpret_cast<const char*>(data), size));
  if (link) assert(protocol::parse_magnet(protocol::to_magnet_uri(*link)).value() == *link);
  return 0;
}
