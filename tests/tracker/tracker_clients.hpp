// Minimal tracker clients for the tests, written against net::Host like any actor, so the same
// test code drives a tracker on real sockets and in a simulated world: one HTTP exchange over a
// net::Stream (Beast), and one UDP exchange over a net::Datagram, each with a timeout.
#pragma once

#include "net/host.hpp"
#include "protocol/tracker_http.hpp"
#include "protocol/tracker_udp.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::tracker::test {

using namespace std::chrono_literals;

inline constexpr net::Duration client_timeout = 5s;

struct HttpReplyText {
  unsigned status = 0;
  std::string body;
  bool keep_alive = false;
};

// Connects to `tracker`; nullopt on failure or timeout.
boost::asio::awaitable<std::optional<net::Stream>> connect_to(net::Host& host,
                                                              net::Endpoint tracker);
// Writes `request_bytes` as they are (any bytes at all) and reads one HTTP reply; nullopt when the
// connection closes first or the timeout passes (the stream is then closed).
boost::asio::awaitable<std::optional<HttpReplyText>> http_raw_exchange(net::Host& host,
                                                                       net::Stream& stream,
                                                                       std::string request_bytes);
// GET `target` with keep-alive.
boost::asio::awaitable<std::optional<HttpReplyText>> http_get(net::Host& host, net::Stream& stream,
                                                              const std::string& target);

// Sends `request` to `tracker` and waits for one datagram back; nullopt on timeout.
boost::asio::awaitable<std::optional<std::vector<std::uint8_t>>> udp_exchange(
    net::Host& host, net::Datagram& socket, net::Endpoint tracker,
    std::vector<std::uint8_t> request, net::Duration timeout = client_timeout);

// A BEP 15 exchange: connect (once, on first use) then the request; each waits `timeout` for
// its reply, `attempts` times.
class UdpTrackerClient {
 public:
  UdpTrackerClient(net::Host& host, net::Datagram socket, net::Endpoint tracker,
                   net::Duration timeout = client_timeout, int attempts = 3)
      : host_(host),
        socket_(std::move(socket)),
        tracker_(tracker),
        timeout_(timeout),
        attempts_(attempts) {}

  // Fills in the connection and transaction ids.
  boost::asio::awaitable<std::optional<protocol::tracker_udp::Response>> announce(
      protocol::tracker_udp::AnnounceRequest request);
  boost::asio::awaitable<std::optional<protocol::tracker_udp::Response>> scrape(
      protocol::tracker_udp::ScrapeRequest request);

 private:
  boost::asio::awaitable<bool> connect();
  boost::asio::awaitable<std::optional<protocol::tracker_udp::Response>> exchange(
      const protocol::tracker_udp::Request& request, std::uint32_t transaction_id);

  net::Host& host_;
  net::Datagram socket_;
  net::Endpoint tracker_;
  net::Duration timeout_;
  int attempts_;
  std::optional<std::uint64_t> connection_id_;
  std::uint32_t next_transaction_id_ = 1;
};

}  // namespace swarmlab::tracker::test
