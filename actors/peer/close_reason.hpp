// Why a connection ended: every way a connection can close is a value of CloseReason, reported to
// the observer (on_disconnected) and used by the torrent to decide whether and when to reconnect.
// Part of actors/peer; pure values.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string_view>

namespace swarmlab::peer {

enum class CloseReason : std::uint8_t {
  // Set-up.
  connect_failed,     // refused, unreachable, reset while connecting
  connect_timeout,    // no answer within limits::connect_timeout
  handshake_timeout,  // no complete handshake within limits::handshake_timeout
  bad_handshake,      // not "\x13BitTorrent protocol"
  wrong_info_hash,    // a torrent we do not serve (or not the one we asked for)
  self_connection,    // the peer id is our own
  duplicate,          // already connected to this peer id
  torrent_full,       // limits on connections reached
  banned,             // the address or peer id is banned
  // Transport.
  peer_closed,      // end of stream
  transport_error,  // reset or another I/O error
  inactivity,       // nothing received within limits::inactivity_timeout
  send_queue_full,  // the peer does not read what we send
  // Protocol violations.
  protocol_error,             // the wire decoder refused a message (size, id, range)
  bad_bitfield,               // a bitfield or have-all/none at the wrong time
  bad_extension_message,      // an extension handshake or message we could not decode
  request_unavailable_piece,  // a request for a piece we never announced
  request_flood,              // more than limits::peer_requests_max outstanding requests
  reject_without_fast,        // a reject without the fast extension (BEP 6: close)
  // Decisions.
  bad_data,         // sent data that failed hash checks (the peer is banned)
  seed_to_seed,     // both ends have everything
  torrent_stopped,  // the torrent stopped or the seeding policy is met
  disk_error,       // storage failed
};

std::string_view describe(CloseReason reason);

// Whether reconnecting to the same address later makes sense.
bool allows_reconnect(CloseReason reason);

// A value, or why the connection attempt ended.
template <class T>
using Outcome = boost::system::result<T, CloseReason>;

// Lets Outcome<T>::value() report a CloseReason (as std::runtime_error with its description).
[[noreturn]] void throw_exception_from_error(CloseReason reason,
                                             const boost::source_location& location);

}  // namespace swarmlab::peer
