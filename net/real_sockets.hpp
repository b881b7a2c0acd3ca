// The real-socket backends behind net::Stream, Listener, Datagram and Timer: thin adapters over
// Asio's TCP and UDP sockets and steady_timer. Every operation hands the caller's type-erased
// handler straight to the Asio operation (or through an AdaptedHandler where a result needs
// converting), so completion, executor and per-operation cancellation are Asio's own.
//
// Internal to net/: only RealHost (and, later, a rate-limiting stream wrapper) includes this
// header; actors and applications include net/real_host.hpp, which keeps the socket headers out.
#pragma once

#include "net/host.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace swarmlab::net {

inline asio::ip::tcp::endpoint to_tcp(const Endpoint& endpoint) {
  return {endpoint.address, endpoint.port};
}
inline asio::ip::udp::endpoint to_udp(const Endpoint& endpoint) {
  return {endpoint.address, endpoint.port};
}
template <class Protocol>
Endpoint from_asio(const asio::ip::basic_endpoint<Protocol>& endpoint) {
  return {endpoint.address(), endpoint.port()};
}

// net::TimePoint on real sockets counts nanoseconds since the steady clock's epoch.
inline std::chrono::steady_clock::time_point to_steady(TimePoint time) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(time.time_since_epoch()));
}
inline TimePoint from_steady(std::chrono::steady_clock::time_point time) {
  return TimePoint(std::chrono::duration_cast<Duration>(time.time_since_epoch()));
}

// A connected TCP socket as a StreamBackend.
class RealStream final : public StreamBackend {
 public:
  explicit RealStream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  ~RealStream() override;

  asio::any_io_executor executor() override { return socket_.get_executor(); }
  void read_some(MutableBuffers buffers, IoHandler handler) override {
    socket_.async_read_some(buffers, std::move(handler));
  }
  void write_some(ConstBuffers buffers, IoHandler handler) override {
    socket_.async_write_some(buffers, std::move(handler));
  }
  void close() override;
  bool is_open() const override { return socket_.is_open(); }
  Endpoint local_endpoint() const override;
  Endpoint remote_endpoint() const override;

  asio::ip::tcp::socket& socket() { return socket_; }

 private:
  asio::ip::tcp::socket socket_;
};

// A listening TCP socket as a ListenerBackend; accepted sockets become RealStreams.
class RealListener final : public ListenerBackend {
 public:
  explicit RealListener(asio::ip::tcp::acceptor acceptor) : acceptor_(std::move(acceptor)) {}

  asio::any_io_executor executor() override { return acceptor_.get_executor(); }
  void accept(StreamHandler handler) override;
  void close() override;
  Endpoint local_endpoint() const override;

 private:
  asio::ip::tcp::acceptor acceptor_;
};

// A bound UDP socket as a DatagramBackend.
class RealDatagram final : public DatagramBackend {
 public:
  explicit RealDatagram(asio::ip::udp::socket socket) : socket_(std::move(socket)) {}

  asio::any_io_executor executor() override { return socket_.get_executor(); }
  void send_to(ConstBuffers buffers, Endpoint target, IoHandler handler) override {
    socket_.async_send_to(buffers, to_udp(target), std::move(handler));
  }
  void receive_from(MutableBuffers buffers, Endpoint* sender, IoHandler handler) override;
  void close() override;
  Endpoint local_endpoint() const override;

 private:
  asio::ip::udp::socket socket_;
};

// A steady_timer as a TimerBackend.
class RealTimer final : public TimerBackend {
 public:
  explicit RealTimer(const asio::any_io_executor& executor) : timer_(executor) {}

  asio::any_io_executor executor() override { return timer_.get_executor(); }
  void wait(TimePoint expiry, WaitHandler handler) override;
  std::size_t cancel() override { return timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

// Turns a connected socket (dialled or accepted) into the Stream an actor sees. Every real stream
// is made here, so this is the one place where a per-host upload/download rate limiter will wrap
// the RealStream in a rate-limited StreamBackend.
Stream make_real_stream(asio::ip::tcp::socket socket);

}  // namespace swarmlab::net
