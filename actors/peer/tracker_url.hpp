// Announce URLs as the tracker client uses them: "http://host[:port]/path?query" and
// "udp://host:port[/...]". The host is a name, an IPv4 literal or a bracketed IPv6 literal.
// Bounded and non-recursive; anything else (https, user info, bad ports) is refused. Part of
// actors/peer; no I/O.
#pragma once

#include "net/endpoint.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace swarmlab::peer {

inline constexpr std::size_t tracker_url_size_max = 2048;

struct TrackerUrl {
  enum class Scheme : std::uint8_t { http, udp };
  Scheme scheme = Scheme::http;
  // As written, without brackets for IPv6.
  std::string host;
  std::uint16_t port = 0;
  // The request target for HTTP ("/announce?x=1"; "/" when the URL has no path).
  std::string target;
  // Set when `host` is an IP literal: connect to it directly.
  std::optional<net::Address> address;
  // For the Host header: "host:port", with brackets for IPv6.
  std::string authority() const;
};

std::optional<TrackerUrl> parse_tracker_url(std::string_view url);

}  // namespace swarmlab::peer
