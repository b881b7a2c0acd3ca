// Conversions between net::Endpoint (what sockets report) and protocol::PeerAddress (what the
// tracker stores and puts on the wire). An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a
// dual-stack socket reports an IPv4 client) becomes the IPv4 address it carries. Part of
// actors/tracker.
#pragma once

#include "net/endpoint.hpp"
#include "protocol/peer_address.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include <algorithm>

namespace swarmlab::tracker {

inline protocol::PeerAddress to_peer_address(const net::Endpoint& endpoint) {
  if (endpoint.address.is_v6()) {
    const auto v6 = endpoint.address.to_v6();
    if (v6.is_v4_mapped()) {
      const auto v4 = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6);
      return protocol::PeerAddress::ipv4(v4.to_bytes(), endpoint.port);
    }
    return protocol::PeerAddress::ipv6(v6.to_bytes(), endpoint.port);
  }
  return protocol::PeerAddress::ipv4(endpoint.address.to_v4().to_bytes(), endpoint.port);
}

inline net::Endpoint to_endpoint(const protocol::PeerAddress& address) {
  if (address.is_ipv4()) {
    boost::asio::ip::address_v4::bytes_type bytes{};
    std::copy_n(address.address.begin(), bytes.size(), bytes.begin());
    return {boost::asio::ip::address_v4(bytes), address.port};
  }
  boost::asio::ip::address_v6::bytes_type bytes{};
  std::copy_n(address.address.begin(), bytes.size(), bytes.begin());
  return {boost::asio::ip::address_v6(bytes), address.port};
}

}  // namespace swarmlab::tracker
