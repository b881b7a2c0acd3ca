// Lets GoogleTest print a ParseError ("<reason> at byte <offset>") when a comparison fails.
#pragma once

#include "protocol/error.hpp"

#include <ostream>

namespace swarmlab::protocol {
inline void PrintTo(const ParseError& error, std::ostream* out) {
  *out << error.describe();
}
}  // namespace swarmlab::protocol
