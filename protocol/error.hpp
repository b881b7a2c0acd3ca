// Parse errors of the protocol layer: every codec reports what went wrong (an error code from its
// own category) and where (the byte offset into the input at which it was detected).
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <system_error>

namespace swarmlab::protocol {

struct ParseError {
  std::error_code code;
  // Offset of the first byte that could not be accepted, counted from the start of the input.
  std::size_t offset = 0;

  // "<reason> at byte <offset>", for messages shown to users.
  std::string describe() const;

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// Throws std::system_error carrying the description; lets ParseResult<T>::value() report errors.
[[noreturn]] void throw_exception_from_error(const ParseError& error,
                                             const boost::source_location& location);

template <class T>
using ParseResult = boost::system::result<T, ParseError>;

}  // namespace swarmlab::protocol
