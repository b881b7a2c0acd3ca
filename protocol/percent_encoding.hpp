// Percent-encoding of URI components (RFC 3986 section 2.1), as magnet links and HTTP tracker
// query strings use it, including for binary values such as a 20-byte info-hash. Decoding is
// strict: a '%' must be followed by exactly two hexadecimal digits.
#pragma once

#include "protocol/error.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace swarmlab::protocol {

enum class PercentError {
  escape_truncated = 1,  // '%' with fewer than two characters after it
  escape_not_hex,        // '%' followed by something other than two hexadecimal digits
};

const std::error_category& percent_error_category();
inline std::error_code make_error_code(PercentError error) {
  return {static_cast<int>(error), percent_error_category()};
}

// Whether '+' stands for a space, as in HTML form encoding (application/x-www-form-urlencoded).
enum class PlusMeaning { literal_plus, space };

// Decodes `text`. Error offsets count from the start of `text`.
ParseResult<std::string> percent_decode(std::string_view text, PlusMeaning plus);

// Appends `bytes` with everything but RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~)
// encoded as %XX (upper-case hexadecimal).
void append_percent_encoded(std::string& out, std::string_view bytes);
void append_percent_encoded(std::string& out, std::span<const std::uint8_t> bytes);

}  // namespace swarmlab::protocol

template <>
struct std::is_error_code_enum<swarmlab::protocol::PercentError> : std::true_type {};
