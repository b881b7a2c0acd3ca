// RealDatagram: UDP on an Asio socket (see real_sockets.hpp).
#include "net/adapted_handler.hpp"
#include "net/real_sockets.hpp"

namespace swarmlab::net {

void RealDatagram::send_to(ConstBuffers buffers, Endpoint target, IoHandler handler) {
  start_operation(socket_.get_executor(), std::move(handler), [&](auto ready) {
    socket_.async_send_to(buffers, to_udp(target), std::move(ready));
  });
}

void RealDatagram::receive_from(MutableBuffers buffers, Endpoint* sender, IoHandler handler) {
  assert(sender != nullptr);
  // Asio writes the sender into an asio endpoint that must stay put until completion; it lives on
  // the heap, owned by the handler, so that several receives may be pending at once.
  auto source = std::make_unique<asio::ip::udp::endpoint>();
  asio::ip::udp::endpoint& source_slot = *source;
  start_operation(socket_.get_executor(), std::move(handler), [&](auto ready) {
    socket_.async_receive_from(
        buffers, source_slot,
        AdaptedHandler(std::move(ready),
                       [source = std::move(source), sender](auto caller, error_code error,
                                                            std::size_t size_bytes) {
                         if (!error) *sender = from_asio(*source);
                         std::move(caller)(error, size_bytes);
                       }));
  });
}

Result<std::size_t> RealDatagram::try_receive_from(MutableBuffers buffers, Endpoint& sender) {
  asio::ip::udp::endpoint source;
  error_code error;
  const std::size_t size_bytes = socket_.receive_from(buffers, source, 0, error);
  if (error) return error;
  sender = from_asio(source);
  return size_bytes;
}

Result<std::size_t> RealDatagram::try_send_to(ConstBuffers buffers, const Endpoint& target) {
  error_code error;
  const std::size_t size_bytes = socket_.send_to(buffers, to_udp(target), 0, error);
  if (error) return error;
  return size_bytes;
}

void RealDatagram::close() {
  error_code ignored;
  socket_.close(ignored);
}

Endpoint RealDatagram::local_endpoint() const {
  error_code error;
  const auto endpoint = socket_.local_endpoint(error);
  return error ? Endpoint{} : from_asio(endpoint);
}

}  // namespace swarmlab::net
