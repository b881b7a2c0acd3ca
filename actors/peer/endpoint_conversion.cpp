#include "actors/peer/endpoint_conversion.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

std::optional<std::array<std::uint8_t, 4>> ipv4_bytes(const net::Address& address) {
  if (address.is_v4()) return address.to_v4().to_bytes();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes();
  }
  return std::nullopt;
}

protocol::PeerAddress to_peer_address(const net::Endpoint& endpoint) {
  if (const auto v4 = ipv4_bytes(endpoint.address)) {
    return protocol::PeerAddress::ipv4(*v4, endpoint.port);
  }
  assert(endpoint.address.is_v6());
  return protocol::PeerAddress::ipv6(endpoint.address.to_v6().to_bytes(), endpoint.port);
}

net::Endpoint to_endpoint(const protocol::PeerAddress& address) {
  const auto bytes = address.address_bytes();
  if (address.is_ipv4()) {
    boost::asio::ip::address_v4::bytes_type v4{};
    assert(bytes.size() == v4.size());
    std::copy(bytes.begin(), bytes.end(), v4.begin());
    return {boost::asio::ip::address_v4(v4), address.port};
  }
  boost::asio::ip::address_v6::bytes_type v6{};
  assert(bytes.size() == v6.size());
  std::copy(bytes.begin(), bytes.end(), v6.begin());
  return {boost::asio::ip::address_v6(v6), address.port};
}

}  // namespace swarmlab::peer
