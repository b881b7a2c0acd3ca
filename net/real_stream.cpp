// RealStream and RealListener: TCP streams on Asio sockets (see real_sockets.hpp).
#include "net/adapted_handler.hpp"
#include "net/rate_limited_stream.hpp"
#include "net/real_sockets.hpp"

namespace swarmlab::net {

RealStream::~RealStream() = default;

// A single buffer goes to Asio as one, so that it uses recv()/send() as a raw socket would,
// instead of recvmsg()/sendmsg() with a one-entry iovec, which costs the kernel measurably more.
void RealStream::read_some(MutableBuffers buffers, IoHandler handler) {
  start_operation(socket_.get_executor(), std::move(handler), [&](auto ready) {
    if (buffers.count == 1) return socket_.async_read_some(buffers.items[0], std::move(ready));
    socket_.async_read_some(buffers, std::move(ready));
  });
}

void RealStream::write_some(ConstBuffers buffers, IoHandler handler) {
  start_operation(socket_.get_executor(), std::move(handler), [&](auto ready) {
    if (buffers.count == 1) return socket_.async_write_some(buffers.items[0], std::move(ready));
    socket_.async_write_some(buffers, std::move(ready));
  });
}

Result<std::size_t> RealStream::try_read_some(MutableBuffers buffers) {
  // Non-blocking, as for try_write_some: nothing received yet is would_block.
  error_code error;
  const std::size_t size_bytes = buffers.count == 1 ? socket_.read_some(buffers.items[0], error)
                                                    : socket_.read_some(buffers, error);
  if (error) return error;
  return size_bytes;
}

Result<std::size_t> RealStream::try_write_some(ConstBuffers buffers) {
  // The socket is in non-blocking mode (make_real_stream): a full send buffer is would_block.
  error_code error;
  const std::size_t size_bytes = buffers.count == 1 ? socket_.write_some(buffers.items[0], error)
                                                    : socket_.write_some(buffers, error);
  if (error) return error;
  return size_bytes;
}

void RealStream::close() {
  error_code ignored;
  socket_.close(ignored);
}

Endpoint RealStream::local_endpoint() const {
  error_code error;
  const auto endpoint = socket_.local_endpoint(error);
  return error ? Endpoint{} : from_asio(endpoint);
}

Endpoint RealStream::remote_endpoint() const {
  error_code error;
  const auto endpoint = socket_.remote_endpoint(error);
  return error ? Endpoint{} : from_asio(endpoint);
}

Stream make_real_stream(TcpSocket socket, const std::shared_ptr<StreamRateLimits>& limits) {
  assert(socket.is_open());
  // Peer-wire and tracker traffic is request/response: Nagle's algorithm with delayed
  // acknowledgements would add tens of milliseconds to every small message.
  error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  // For try_read_some and try_write_some; Asio's asynchronous operations work the same either way.
  socket.non_blocking(true, ignored);
  const IoExecutor executor = socket.get_executor();
  auto stream = std::make_unique<RealStream>(std::move(socket));
  if (!limits || !limits->any()) return Stream(std::move(stream));
  return Stream(std::make_unique<RateLimitedStream>(std::move(stream), executor, limits));
}

void RealListener::accept(StreamHandler handler) {
  start_operation(acceptor_.get_executor(), std::move(handler), [&](auto ready) {
    acceptor_.async_accept(AdaptedHandler(
        std::move(ready), [limits = limits_](auto caller, error_code error, TcpSocket socket) {
          if (error) {
            std::move(caller)(error, Stream());
            return;
          }
          std::move(caller)(error, make_real_stream(std::move(socket), limits));
        }));
  });
}

void RealListener::close() {
  error_code ignored;
  acceptor_.close(ignored);
}

Endpoint RealListener::local_endpoint() const {
  error_code error;
  const auto endpoint = acceptor_.local_endpoint(error);
  return error ? Endpoint{} : from_asio(endpoint);
}

}  // namespace swarmlab::net
