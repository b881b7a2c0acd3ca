#include "protocol/error.hpp"

#include <stdexcept>

namespace swarmlab::protocol {

std::string ParseError::describe() const {
  return code.message() + " at byte " + std::to_string(offset);
}

void throw_exception_from_error(const ParseError& error, const boost::source_location&) {
  throw std::system_error(error.code, "at byte " + std::to_string(error.offset));
}

}  // namespace swarmlab::protocol
