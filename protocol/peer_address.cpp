#include "protocol/peer_address.hpp"

#include <arpa/inet.h>

#include <cassert>
#include <charconv>
#include <cstring>

namespace swarmlab::protocol {

PeerAddress PeerAddress::ipv4(std::array<std::uint8_t, 4> address, std::uint16_t port) {
  PeerAddress peer;
  peer.family = Family::ipv4;
  std::memcpy(peer.address.data(), address.data(), address.size());
  peer.port = port;
  return peer;
}

PeerAddress PeerAddress::ipv6(std::array<std::uint8_t, 16> address, std::uint16_t port) {
  PeerAddress peer;
  peer.family = Family::ipv6;
  peer.address = address;
  peer.port = port;
  return peer;
}

std::span<const std::uint8_t> PeerAddress::address_bytes() const {
  return std::span(address).first(is_ipv4() ? 4 : 16);
}

std::string PeerAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  const int family_code = is_ipv4() ? AF_INET : AF_INET6;
  const char* written = inet_ntop(family_code, address.data(), text, sizeof text);
  assert(written != nullptr);
  const std::string host(written);
  return (is_ipv4() ? host : "[" + host + "]") + ":" + std::to_string(port);
}

std::optional<PeerAddress> PeerAddress::parse(std::string_view text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.begin(), port_text.end(), port);
  if (error != std::errc{} || end != port_text.end() || port_text.empty() || port > 65535) {
    return std::nullopt;
  }
  PeerAddress peer;
  peer.port = static_cast<std::uint16_t>(port);
  if (inet_pton(AF_INET, host.c_str(), peer.address.data()) == 1) {
    peer.family = Family::ipv4;
    return peer;
  }
  if (inet_pton(AF_INET6, host.c_str(), peer.address.data()) == 1) {
    peer.family = Family::ipv6;
    return peer;
  }
  return std::nullopt;
}

void append_compact(std::string& out, const PeerAddress& peer) {
  const auto bytes = peer.address_bytes();
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  out.push_back(static_cast<char>(peer.port >> 8));
  out.push_back(static_cast<char>(peer.port & 0xff));
}

std::optional<PeerAddress> parse_compact(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != compact_ipv4_size_bytes && bytes.size() != compact_ipv6_size_bytes) {
    return std::nullopt;
  }
  const std::size_t address_size = bytes.size() - 2;
  PeerAddress peer;
  peer.family = address_size == 4 ? PeerAddress::Family::ipv4 : PeerAddress::Family::ipv6;
  std::memcpy(peer.address.data(), bytes.data(), address_size);
  peer.port = static_cast<std::uint16_t>(bytes[address_size] << 8 | bytes[address_size + 1]);
  return peer;
}

}  // namespace swarmlab::protocol
