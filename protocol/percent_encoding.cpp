#include "protocol/percent_encoding.hpp"

#include "protocol/error_category.hpp"

#include <cassert>

namespace swarmlab::protocol {
namespace {

const char* describe(PercentError error) {
  switch (error) {
    case PercentError::escape_truncated:
      return "percent escape cut short (needs two hexadecimal digits after '%')";
    case PercentError::escape_not_hex:
      return "percent escape with a character that is not a hexadecimal digit";
  }
  return "unknown percent-encoding error";
}

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char byte) {
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
         (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~';
}

}  // namespace

const std::error_category& percent_error_category() {
  static const EnumErrorCategory<PercentError> category("percent-encoding", describe);
  return category;
}

ParseResult<std::string> percent_decode(std::string_view text, PlusMeaning plus) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char character = text[index];
    if (character == '+' && plus == PlusMeaning::space) {
      decoded.push_back(' ');
      continue;
    }
    if (character != '%') {
      decoded.push_back(character);
      continue;
    }
    if (index + 2 >= text.size()) {
      return ParseError{PercentError::escape_truncated, index};
    }
    const int high = hex_value(text[index + 1]);
    const int low = hex_value(text[index + 2]);
    if (high < 0 || low < 0) return ParseError{PercentError::escape_not_hex, index};
    decoded.push_back(static_cast<char>(high << 4 | low));
    index += 2;
  }
  assert(decoded.size() <= text.size());
  return decoded;
}

void append_percent_encoded(std::string& out, std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (const char character : bytes) {
    const auto byte = static_cast<unsigned char>(character);
    if (is_unreserved(byte)) {
      out.push_back(character);
      continue;
    }
    out.push_back('%');
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0f]);
  }
}

void append_percent_encoded(std::string& out, std::span<const std::uint8_t> bytes) {
  append_percent_encoded(
      out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace swarmlab::protocol
