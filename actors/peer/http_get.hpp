// A small bounded HTTP/1.1 GET client over net::Stream, so it runs on real sockets and in the
// simulator alike: one request per connection ("Connection: close"), a response read by
// Content-Length, chunked encoding or to the close, a size limit on the whole response, and one
// timeout over connect, request and response. Used by the tracker client. Part of actors/peer.
#pragma once

#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace swarmlab::peer {

inline constexpr std::size_t http_header_size_max = 16 * 1024;

struct HttpGetRequest {
  net::Endpoint endpoint{};
  // The Host header ("name:port").
  std::string host{};
  // "/path?query".
  std::string target{};
  net::Duration timeout{};
  // Bound on the body; a longer response fails.
  std::size_t body_size_max = 0;
};

struct HttpGetResponse {
  // Empty on success (any status); otherwise what went wrong ("timed out", "connection refused",
  // "response too large", ...).
  std::string error{};
  unsigned status = 0;
  std::vector<std::uint8_t> body{};
};

// `request` must stay alive until the returned awaitable completes.
boost::asio::awaitable<HttpGetResponse> http_get(net::Host& host, const HttpGetRequest& request);

}  // namespace swarmlab::peer
