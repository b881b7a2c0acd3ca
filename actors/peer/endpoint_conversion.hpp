// Conversions between net::Endpoint (what the host connects to) and protocol::PeerAddress (what the
// wire, the trackers and the observer carry). Part of actors/peer.
#pragma once

#include "net/endpoint.hpp"
#include "protocol/peer_address.hpp"

#include <array>
#include <optional>

namespace swarmlab::peer {

protocol::PeerAddress to_peer_address(const net::Endpoint& endpoint);
net::Endpoint to_endpoint(const protocol::PeerAddress& address);
// The IPv4 address, if it is one (IPv4-mapped IPv6 addresses count).
std::optional<std::array<std::uint8_t, 4>> ipv4_bytes(const net::Address& address);

}  // namespace swarmlab::peer
