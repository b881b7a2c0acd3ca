// Recognising the text forms of a peer's host: an IP literal ("10.0.0.1", "2001:db8::1") or a DNS
// host name ("tracker.example"), as magnet links and tracker responses carry them.
#pragma once

#include "protocol/peer_address.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace swarmlab::protocol {

inline constexpr std::size_t host_name_size_max = 253;

// An IPv4 or IPv6 literal without brackets or port; the result has port 0.
inline std::optional<PeerAddress> parse_ip_literal(std::string_view text) {
  if (text.empty() || text.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  const bool is_ipv6 = text.find(':') != std::string_view::npos;
  const std::string with_port =
      is_ipv6 ? "[" + std::string(text) + "]:0" : std::string(text) + ":0";
  return PeerAddress::parse(with_port);
}

// Letters, digits, '-' and '.', at most host_name_size_max characters.
inline bool is_host_name(std::string_view text) {
  if (text.empty() || text.size() > host_name_size_max) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

}  // namespace swarmlab::protocol
