// Addresses and endpoints as actors see them, the same for TCP and UDP and for both backends.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <compare>
#include <cstdint>
#include <string>

namespace swarmlab::net {

using Address = boost::asio::ip::address;

struct Endpoint {
  Address address;
  std::uint16_t port = 0;

  // "1.2.3.4:80" or "[::1]:80".
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend std::strong_ordering operator<=>(const Endpoint& left, const Endpoint& right) {
    if (left.address < right.address) return std::strong_ordering::less;
    if (right.address < left.address) return std::strong_ordering::greater;
    return left.port <=> right.port;
  }
};

}  // namespace swarmlab::net
