// The real-socket backends behind net::Stream, Listener, Datagram and Timer: thin adapters over
// Asio's TCP and UDP sockets and steady_timer. Every operation hands the caller's type-erased
// handler to the Asio operation itself (see start_operation, and AdaptedHandler where a result
// needs converting), so completion, executor and per-operation cancellation are Asio's own.
//
// Internal to net/: only RealHost (and, later, a rate-limiting stream wrapper) includes this
// header; actors and applications include net/real_host.hpp, which keeps the socket headers out.
#pragma once

#include "net/host.hpp"

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <memory>
#include <utility>

namespace swarmlab::net {

struct StreamRateLimits;  // net/rate_limited_stream.hpp

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

// Real I/O objects run on io_context's own executor type rather than any_io_executor: Asio invokes
// handlers without an executor of their own directly on completion, and copying the executor is
// copying a pointer.
using IoExecutor = asio::io_context::executor_type;
using TcpSocket = asio::basic_stream_socket<asio::ip::tcp, IoExecutor>;
using TcpAcceptor = asio::basic_socket_acceptor<asio::ip::tcp, IoExecutor>;
using UdpSocket = asio::basic_datagram_socket<asio::ip::udp, IoExecutor>;
using SteadyTimer =
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, IoExecutor>;

// Starts an operation of a real I/O object. A handler that runs on the object's own executor
// (net::detail::erase_handler marks such a handler by leaving it without an executor association)
// reaches Asio wrapped so that it has no executor association at all: Asio then invokes it
// directly on completion, as it does a coroutine's handler on a plain socket, instead of
// dispatching it through the any_completion_executor of the type-erased handler. Any other
// handler goes through unchanged.
template <class Handler, class Initiation>
void start_operation(const IoExecutor& object_executor, Handler handler, Initiation&& initiation) {
  // With the concrete executor as the candidate, this query allocates nothing for a handler
  // without an executor of its own.
  const auto associated = asio::get_associated_executor(handler, object_executor);
  const auto* target = associated.template target<IoExecutor>();
  if (target != nullptr && *target == object_executor) {
    std::forward<Initiation>(initiation)(detail::OnObjectExecutor<Handler>(std::move(handler)));
    return;
  }
  std::forward<Initiation>(initiation)(std::move(handler));
}

// A connected TCP socket as a StreamBackend.
class RealStream final : public StreamBackend {
 public:
  explicit RealStream(TcpSocket socket) : socket_(std::move(socket)) {}
  ~RealStream() override;

  asio::any_io_executor executor() override { return socket_.get_executor(); }
  void read_some(MutableBuffers buffers, IoHandler handler) override;
  void write_some(ConstBuffers buffers, IoHandler handler) override;
  Result<std::size_t> try_read_some(MutableBuffers buffers) override;
  Result<std::size_t> try_write_some(ConstBuffers buffers) override;
  void close() override;
  bool is_open() const override { return socket_.is_open(); }
  Endpoint local_endpoint() const override;
  Endpoint remote_endpoint() const override;

  TcpSocket& socket() { return socket_; }

 private:
  TcpSocket socket_;
};

// A listening TCP socket as a ListenerBackend; accepted sockets become RealStreams.
class RealListener final : public ListenerBackend {
 public:
  RealListener(TcpAcceptor acceptor, std::shared_ptr<StreamRateLimits> limits)
      : acceptor_(std::move(acceptor)), limits_(std::move(limits)) {}

  asio::any_io_executor executor() override { return acceptor_.get_executor(); }
  void accept(StreamHandler handler) override;
  void close() override;
  Endpoint local_endpoint() const override;

 private:
  TcpAcceptor acceptor_;
  std::shared_ptr<StreamRateLimits> limits_;  // Of the host; may be null.
};

// A bound UDP socket as a DatagramBackend. The socket must be in non-blocking mode (RealHost
// opens it so): the try_ operations are Asio's synchronous ones, which then fail with would_block
// instead of waiting. Asio's asynchronous operations do not depend on that mode.
class RealDatagram final : public DatagramBackend {
 public:
  explicit RealDatagram(UdpSocket socket) : socket_(std::move(socket)) {
    assert(socket_.non_blocking());
  }

  asio::any_io_executor executor() override { return socket_.get_executor(); }
  void send_to(ConstBuffers buffers, Endpoint target, IoHandler handler) override;
  void receive_from(MutableBuffers buffers, Endpoint* sender, IoHandler handler) override;
  Result<std::size_t> try_receive_from(MutableBuffers buffers, Endpoint& sender) override;
  Result<std::size_t> try_send_to(ConstBuffers buffers, const Endpoint& target) override;
  // recvmmsg / sendmmsg, up to batch_count_max datagrams per call.
  Result<std::size_t> try_receive_many(std::span<DatagramSlot> slots) override;
  Result<std::size_t> try_send_many(std::span<const DatagramSlot> slots) override;
  void close() override;
  Endpoint local_endpoint() const override;

  static constexpr std::size_t batch_count_max = 64;

 private:
  UdpSocket socket_;
};

// A steady_timer as a TimerBackend.
class RealTimer final : public TimerBackend {
 public:
  explicit RealTimer(const IoExecutor& executor) : timer_(executor) {}

  asio::any_io_executor executor() override { return timer_.get_executor(); }
  void wait(TimePoint expiry, WaitHandler handler) override;
  std::size_t cancel() override { return timer_.cancel(); }

 private:
  SteadyTimer timer_;
};

// Turns a connected socket (dialled or accepted) into the Stream an actor sees, held to the host's
// rate limits when it has any (`limits` may be null). Every real stream is made here.
Stream make_real_stream(TcpSocket socket, const std::shared_ptr<StreamRateLimits>& limits);

}  // namespace swarmlab::net
