#include "actors/peer/handshake.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
namespace wire = protocol::wire;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

CloseReason reason_of_read_error(const net::error_code& error) {
  return error == asio::error::eof ? CloseReason::peer_closed : CloseReason::transport_error;
}

// Reads until the decoder holds a whole handshake. Bounded: every read adds at least one byte and
// 68 bytes complete a handshake.
asio::awaitable<Outcome<wire::Handshake>> read_handshake(net::Stream& stream,
                                                         wire::WireDecoder& decoder) {
  for (std::size_t read = 0; read <= wire::handshake_size_bytes; ++read) {
    auto parsed = decoder.next_handshake();
    if (!parsed) co_return CloseReason::bad_handshake;
    if (parsed->has_value()) co_return **parsed;
    const auto space = decoder.prepare();
    assert(!space.empty());
    auto [error, size_bytes] =
        co_await stream.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    if (error) co_return reason_of_read_error(error);
    assert(size_bytes > 0);
    decoder.commit(size_bytes);
  }
  assert(false && "a handshake completes within 68 reads");
  co_return CloseReason::bad_handshake;
}

}  // namespace

asio::awaitable<Outcome<net::Stream>> connect_with_timeout(net::Host& host,
                                                           const net::Endpoint& remote,
                                                           net::Duration timeout) {
  assert(timeout.count() > 0);
  net::Timer timer = host.make_timer();
  timer.expires_after(timeout, host.now());
  auto outcome = co_await (host.async_connect(remote, use_tuple) || timer.async_wait(use_tuple));
  if (outcome.index() == 1) co_return CloseReason::connect_timeout;
  auto [error, stream] = std::move(std::get<0>(outcome));
  if (error) co_return CloseReason::connect_failed;
  assert(stream.is_open());
  co_return std::move(stream);
}

asio::awaitable<Outcome<ReceivedHandshake>> receive_handshake(net::Host& host, net::Stream& stream,
                                                              net::Duration timeout,
                                                              wire::WireDecoder decoder) {
  assert(timeout.count() > 0);
  net::Timer timer = host.make_timer();
  timer.expires_after(timeout, host.now());
  auto outcome = co_await (read_handshake(stream, decoder) || timer.async_wait(use_tuple));
  if (outcome.index() == 1) co_return CloseReason::handshake_timeout;
  Outcome<wire::Handshake> handshake = std::get<0>(outcome);
  if (!handshake) co_return handshake.error();
  co_return ReceivedHandshake{.handshake = *handshake, .decoder = std::move(decoder)};
}

asio::awaitable<Outcome<void>> send_handshake(net::Host& host, net::Stream& stream,
                                              const wire::Handshake& handshake,
                                              net::Duration timeout) {
  assert(timeout.count() > 0);
  assert(stream.is_open());
  const auto bytes = wire::encode_handshake(handshake);
  net::Timer timer = host.make_timer();
  timer.expires_after(timeout, host.now());
  auto outcome = co_await (asio::async_write(stream, asio::buffer(bytes), use_tuple) ||
                           timer.async_wait(use_tuple));
  if (outcome.index() == 1) co_return CloseReason::handshake_timeout;
  auto [error, size_bytes] = std::get<0>(outcome);
  if (error) co_return CloseReason::transport_error;
  assert(size_bytes == bytes.size());
  co_return Outcome<void>();
}

}  // namespace swarmlab::peer
