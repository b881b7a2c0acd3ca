// RealDatagram: UDP on an Asio socket (see real_sockets.hpp).
#include "net/adapted_handler.hpp"
#include "net/real_sockets.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

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

Result<std::size_t> RealDatagram::try_receive_many(std::span<DatagramSlot> slots) {
  const std::size_t count = std::min(slots.size(), batch_count_max);
  if (count == 0) return std::size_t{0};
  std::array<mmsghdr, batch_count_max> headers{};
  std::array<iovec, batch_count_max> vectors{};
  std::array<asio::ip::udp::endpoint, batch_count_max> sources{};
  for (std::size_t index = 0; index < count; ++index) {
    vectors[index] = iovec{slots[index].buffer.data(), slots[index].buffer.size()};
    msghdr& header = headers[index].msg_hdr;
    header.msg_name = sources[index].data();
    header.msg_namelen = static_cast<socklen_t>(sources[index].capacity());
    header.msg_iov = &vectors[index];
    header.msg_iovlen = 1;
  }
  const int received = ::recvmmsg(socket_.native_handle(), headers.data(),
                                  static_cast<unsigned>(count), MSG_DONTWAIT, nullptr);
  if (received < 0) return error_code(errno, boost::system::system_category());
  assert(static_cast<std::size_t>(received) <= count);
  for (std::size_t index = 0; index < static_cast<std::size_t>(received); ++index) {
    sources[index].resize(headers[index].msg_hdr.msg_namelen);
    slots[index].peer = from_asio(sources[index]);
    slots[index].size_bytes = headers[index].msg_len;
  }
  return static_cast<std::size_t>(received);
}

Result<std::size_t> RealDatagram::try_send_many(std::span<const DatagramSlot> slots) {
  const std::size_t count = std::min(slots.size(), batch_count_max);
  if (count == 0) return std::size_t{0};
  std::array<mmsghdr, batch_count_max> headers{};
  std::array<iovec, batch_count_max> vectors{};
  std::array<asio::ip::udp::endpoint, batch_count_max> targets{};
  for (std::size_t index = 0; index < count; ++index) {
    assert(slots[index].size_bytes <= slots[index].buffer.size());
    vectors[index] = iovec{slots[index].buffer.data(), slots[index].size_bytes};
    targets[index] = to_udp(slots[index].peer);
    msghdr& header = headers[index].msg_hdr;
    header.msg_name = targets[index].data();
    header.msg_namelen = static_cast<socklen_t>(targets[index].size());
    header.msg_iov = &vectors[index];
    header.msg_iovlen = 1;
  }
  const int sent = ::sendmmsg(socket_.native_handle(), headers.data(), static_cast<unsigned>(count),
                              MSG_DONTWAIT);
  if (sent < 0) return error_code(errno, boost::system::system_category());
  assert(static_cast<std::size_t>(sent) <= count);
  return static_cast<std::size_t>(sent);
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
