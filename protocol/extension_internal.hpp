// Helpers shared by the extension message codecs (handshake, ut_metadata, ut_pex); not part of the
// protocol layer's interface.
#pragma once

#include "protocol/bencode.hpp"
#include "protocol/extension.hpp"

namespace swarmlab::protocol::extension {

// The root of a decoded payload, which must be a dictionary.
inline ParseResult<bencode::Node> root_dictionary(const bencode::Document& document) {
  const bencode::Node root = document.root();
  if (!root.is_dict()) return ParseError{ExtensionError::not_a_dictionary, 0};
  return root;
}

}  // namespace swarmlab::protocol::extension
