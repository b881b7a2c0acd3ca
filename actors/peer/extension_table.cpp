#include "actors/peer/extension_table.hpp"

#include <cassert>
#include <string>

namespace swarmlab::peer {

std::uint8_t ExtensionTable::add(std::unique_ptr<ExtensionHandler> handler) {
  assert(handler != nullptr);
  assert(handlers_.size() < size_max);
  assert(position_of(handler->name()) == handlers_.size() && "one handler per extension name");
  handlers_.push_back(std::move(handler));
  return static_cast<std::uint8_t>(handlers_.size());
}

ExtensionHandler* ExtensionTable::find(std::uint8_t local_id) const {
  if (local_id == 0 || local_id > handlers_.size()) return nullptr;
  return handlers_[local_id - 1].get();
}

std::size_t ExtensionTable::position_of(std::string_view name) const {
  for (std::size_t position = 0; position < handlers_.size(); ++position) {
    if (handlers_[position]->name() == name) return position;
  }
  return handlers_.size();
}

ExtensionHandler& ExtensionTable::at(std::size_t position) const {
  assert(position < handlers_.size());
  assert(handlers_[position] != nullptr);
  return *handlers_[position];
}

void ExtensionTable::fill_handshake(protocol::extension::ExtensionHandshake& ours) const {
  for (std::size_t position = 0; position < handlers_.size(); ++position) {
    ours.messages[std::string(handlers_[position]->name())] =
        static_cast<std::uint8_t>(position + 1);
    handlers_[position]->extend_handshake(ours);
  }
  assert(ours.messages.size() >= handlers_.size());
}

}  // namespace swarmlab::peer
