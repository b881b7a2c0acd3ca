// UdpFrontEnd: the tracker's UDP side (BEP 15) on net::Host datagram sockets, one or two (IPv4,
// IPv6). Each socket has one loop: receive a datagram, let UdpRequestHandler decide, send what it
// returns. After each wait it also serves, up to limits::udp_burst_datagram_count_max, the
// datagrams that have already arrived, receiving them together and sending their replies together
// without suspending where the backend allows it (Datagram::try_receive_many, try_send_many:
// recvmmsg and sendmmsg on real sockets): under load a burst then costs two system calls and no
// trip through the executor. Datagrams larger than
// limits::udp_request_size_max arrive cut to one byte more than that and are dropped as oversized.
// Part of actors/tracker.
#pragma once

#include "actors/tracker/udp_request_handler.hpp"
#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <span>
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
  struct Burst;

  boost::asio::awaitable<void> serve(net::Datagram& socket);
  boost::asio::awaitable<void> serve_burst(net::Datagram& socket, Burst& burst);
  // Handles one datagram and sends the reply, if any, without waiting. False when the reply is
  // left in `reply` for the caller to send asynchronously.
  bool answer(net::Datagram& socket, std::span<const std::uint8_t> packet,
              const net::Endpoint& sender, std::vector<std::uint8_t>& reply);

  net::Host& host_;
  UdpRequestHandler handler_;
  std::vector<net::Datagram> sockets_;
};

}  // namespace swarmlab::tracker
