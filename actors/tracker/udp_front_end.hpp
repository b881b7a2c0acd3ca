// UdpFrontEnd: the tracker's UDP side (BEP 15) on net::Host datagram sockets, one or two (IPv4,
// IPv6). Each socket has one loop: receive a datagram, let UdpRequestHandler decide, send what it
// returns. Datagrams larger than limits::udp_request_size_max arrive cut to one byte more than
// that and are dropped as oversized. Part of actors/tracker.
#pragma once

#include "actors/tracker/udp_request_handler.hpp"
#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <vector>

namespace swarmlab::tracker {

class UdpFrontEnd {
 public:
  UdpFrontEnd(net::Host& host, TrackerCore& core);

  void add_socket(net::Datagram socket);
  std::vector<net::Endpoint> endpoints() const;
  const UdpRequestHandler& handler() const { return handler_; }

  // Serves until cancelled.
  boost::asio::awaitable<void> run();

 private:
  boost::asio::awaitable<void> serve(net::Datagram& socket);

  net::Host& host_;
  UdpRequestHandler handler_;
  std::vector<net::Datagram> sockets_;
};

}  // namespace swarmlab::tracker
