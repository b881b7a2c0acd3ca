// Setting up a connection before any message: connecting with a timeout, and the 68-byte BEP 3
// handshake each way with a timeout. Part of actors/peer; coroutines on net::Host.
//
// The handshake is read through the wire decoder that will read the rest of the connection, so
// bytes the peer sent right behind its handshake (a bitfield, an extension handshake) stay
// buffered and are decoded once the torrent is known.
#pragma once

#include "actors/peer/close_reason.hpp"
#include "net/host.hpp"
#include "protocol/wire.hpp"
#include "protocol/wire_decoder.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>

namespace swarmlab::peer {

struct ReceivedHandshake {
  protocol::wire::Handshake handshake;
  // Holds whatever followed the handshake.
  protocol::wire::WireDecoder decoder;
};

// connect_failed (refused, unreachable) or connect_timeout.
boost::asio::awaitable<Outcome<net::Stream>> connect_with_timeout(net::Host& host,
                                                                  const net::Endpoint& remote,
                                                                  net::Duration timeout);

// Reads the peer's handshake: bad_handshake, peer_closed, transport_error or handshake_timeout.
boost::asio::awaitable<Outcome<ReceivedHandshake>> receive_handshake(
    net::Host& host, net::Stream& stream, net::Duration timeout,
    protocol::wire::WireDecoder decoder);

// Writes our handshake: transport_error or handshake_timeout.
boost::asio::awaitable<Outcome<void>> send_handshake(net::Host& host, net::Stream& stream,
                                                     const protocol::wire::Handshake& handshake,
                                                     net::Duration timeout);

}  // namespace swarmlab::peer
