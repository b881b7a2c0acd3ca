#include "actors/peer/close_reason.hpp"

#include <cassert>
#include <stdexcept>
#include <string>

namespace swarmlab::peer {

std::string_view describe(CloseReason reason) {
  switch (reason) {
    case CloseReason::connect_failed:
      return "connect failed";
    case CloseReason::connect_timeout:
      return "connect timed out";
    case CloseReason::handshake_timeout:
      return "handshake timed out";
    case CloseReason::bad_handshake:
      return "bad handshake";
    case CloseReason::wrong_info_hash:
      return "wrong info-hash";
    case CloseReason::self_connection:
      return "connection to self";
    case CloseReason::duplicate:
      return "duplicate connection";
    case CloseReason::torrent_full:
      return "connection limit reached";
    case CloseReason::banned:
      return "banned";
    case CloseReason::peer_closed:
      return "closed by peer";
    case CloseReason::transport_error:
      return "transport error";
    case CloseReason::inactivity:
      return "inactive";
    case CloseReason::send_queue_full:
      return "send queue full";
    case CloseReason::protocol_error:
      return "protocol error";
    case CloseReason::bad_bitfield:
      return "bad bitfield";
    case CloseReason::bad_extension_message:
      return "bad extension message";
    case CloseReason::request_unavailable_piece:
      return "request for a piece we do not have";
    case CloseReason::request_flood:
      return "request flood";
    case CloseReason::reject_without_fast:
      return "reject without fast extension";
    case CloseReason::bad_data:
      return "sent bad data";
    case CloseReason::seed_to_seed:
      return "both seeds";
    case CloseReason::torrent_stopped:
      return "torrent stopped";
    case CloseReason::disk_error:
      return "disk error";
  }
  assert(false && "unknown close reason");
  return "unknown";
}

bool allows_reconnect(CloseReason reason) {
  switch (reason) {
    case CloseReason::wrong_info_hash:
    case CloseReason::self_connection:
    case CloseReason::banned:
    case CloseReason::bad_data:
    case CloseReason::seed_to_seed:
    case CloseReason::torrent_stopped:
      return false;
    default:
      return true;
  }
}

void throw_exception_from_error(CloseReason reason, const boost::source_location&) {
  throw std::runtime_error(std::string(describe(reason)));
}

}  // namespace swarmlab::peer
