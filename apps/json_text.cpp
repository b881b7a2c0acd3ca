#include "apps/json_text.hpp"

#include <cassert>
#include <cstdint>

namespace swarmlab::apps {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `bytes` (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one.
std::size_t utf8_sequence_size(std::string_view bytes) {
  assert(!bytes.empty());
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t size = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xbf;  // the valid range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    size = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    size = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    size = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (bytes.size() < size) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < size; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  }
  return size;
}

}  // namespace

boost::json::string json_text(std::string_view bytes) {
  boost::json::string text;
  text.reserve(bytes.size());
  while (!bytes.empty()) {
    const std::size_t size = utf8_sequence_size(bytes);
    if (size == 0) {
      text.append("\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
      bytes.remove_prefix(1);
    } else {
      text.append(bytes.substr(0, size));
      bytes.remove_prefix(size);
    }
  }
  return text;
}

}  // namespace swarmlab::apps
