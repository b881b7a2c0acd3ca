// The extension protocol (BEP 10) on one connection: our handshake, the peer's, and dispatching
// extended messages through the torrent's ExtensionTable.
#include "actors/peer/connection.hpp"

#include "actors/peer/session_limits.hpp"
#include "actors/peer/torrent.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace extension = protocol::extension;
namespace wire = protocol::wire;

void Connection::send_extension_handshake() {
  assert(setup_.features.extension_protocol);
  extension::ExtensionHandshake ours;
  torrent_.extensions_.fill_handshake(ours);
  if (torrent_.session_.listen_port != 0) ours.listen_port = torrent_.session_.listen_port;
  ours.client = torrent_.session_.client_name;
  ours.request_queue_size = static_cast<std::uint32_t>(limits::peer_requests_advertised);
  // BEP 10: tell the peer the address we see it at (port not included).
  protocol::PeerAddress seen = address_;
  seen.port = 0;
  ours.your_ip = seen;
  const std::string encoded = extension::encode_handshake(ours);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(encoded.data());
  queue(wire::Extended{.extended_id = extension::handshake_extended_id,
                       .payload = std::span(bytes, encoded.size())});
}

std::optional<CloseReason> Connection::on_extended(const wire::Extended& message) {
  assert(setup_.features.extension_protocol);
  if (message.extended_id == extension::handshake_extended_id) {
    return on_extension_handshake(message.payload);
  }
  ExtensionHandler* handler = torrent_.extensions_.find(message.extended_id);
  // An id we never assigned: a peer that misread our handshake; ignore the message.
  if (handler == nullptr) return std::nullopt;
  if (handler->on_message(*this, message.payload) == ExtensionVerdict::close) {
    return CloseReason::bad_extension_message;
  }
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_extension_handshake(
    std::span<const std::uint8_t> payload) {
  auto decoded = extension::decode_handshake(payload);
  if (!decoded) return CloseReason::bad_extension_message;
  const extension::ExtensionHandshake& theirs = *decoded;
  const ExtensionTable& table = torrent_.extensions_;
  // BEP 10: a later handshake updates only the extensions it names.
  for (std::size_t position = 0; position < table.size(); ++position) {
    const auto found = theirs.messages.find(std::string(table.at(position).name()));
    if (found != theirs.messages.end()) remote_extension_ids_[position] = found->second;
  }
  if (theirs.request_queue_size) {
    peer_request_queue_max_ = static_cast<std::int32_t>(
        std::clamp<std::uint32_t>(*theirs.request_queue_size, 1,
                                  static_cast<std::uint32_t>(limits::request_queue_depth_max)));
  }
  if (theirs.listen_port && *theirs.listen_port != 0 && !peer_listen_port_) {
    peer_listen_port_ = *theirs.listen_port;
    torrent_.on_peer_listen_port(*this, *theirs.listen_port);
  }
  for (std::size_t position = 0; position < table.size(); ++position) {
    table.at(position).on_handshake(*this, theirs);
  }
  assert(peer_request_queue_max_ >= 1);
  return std::nullopt;
}

}  // namespace swarmlab::peer
