#include "tests/runtime/test_actors.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <string>

namespace swarmlab::runtime_test {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t echo_buffer_size_bytes = 16 * 1024;
constexpr std::size_t echo_rounds_max = 1 << 20;
constexpr std::size_t datagram_size_max = 512;

}  // namespace

net::error_code exit_code(std::exception_ptr failure) {
  constexpr int nesting_max = 16;
  for (int level = 0; level < nesting_max && failure; ++level) {
    try {
      std::rethrow_exception(failure);
    } catch (const asio::multiple_exceptions& wrapped) {
      failure = wrapped.first_exception();
    } catch (const boost::system::system_error& error) {
      return error.code();
    } catch (...) {
      break;
    }
  }
  if (!failure) return {};
  return boost::system::errc::make_error_code(boost::system::errc::bad_message);
}

asio::awaitable<void> serve_echo(net::Host& host, net::Listener listener, std::size_t session_count,
                                 EchoServerLog& log) {
  for (std::size_t i = 0; i < session_count; ++i) {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    assert(stream.is_open());
    log.peers.push_back(stream.remote_endpoint());
    ++log.sessions_started;
    host.spawn(echo_session(std::move(stream), log));
  }
  listener.close();
}

asio::awaitable<void> echo_session(net::Stream stream, EchoServerLog& log) {
  std::array<std::uint8_t, echo_buffer_size_bytes> buffer;
  for (std::size_t round = 0; round < echo_rounds_max; ++round) {
    auto [error, size_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
    if (error) {
      log.session_ends.push_back(error);
      break;
    }
    assert(size_bytes > 0);
    co_await asio::async_write(stream, asio::buffer(buffer.data(), size_bytes),
                               asio::use_awaitable);
    log.bytes_echoed += size_bytes;
  }
  ++log.sessions_finished;
}

asio::awaitable<std::vector<std::uint8_t>> echo_round_trip(net::Host& host, net::Endpoint server,
                                                           std::span<const std::uint8_t> payload) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  std::vector<std::uint8_t> echoed(payload.size());
  const std::size_t third = payload.size() / 3;
  const std::size_t half = echoed.size() / 2;
  const std::array<asio::const_buffer, 3> outgoing = {
      asio::buffer(payload.data(), third), asio::buffer(payload.data() + third, third),
      asio::buffer(payload.data() + 2 * third, payload.size() - 2 * third)};
  const std::array<asio::mutable_buffer, 2> incoming = {
      asio::buffer(echoed.data(), half), asio::buffer(echoed.data() + half, echoed.size() - half)};
  // Writing and reading at once: the echo would stall on full socket buffers otherwise.
  co_await (asio::async_write(stream, outgoing, asio::use_awaitable) &&
            asio::async_read(stream, incoming, asio::use_awaitable));
  stream.close();
  co_return echoed;
}

asio::awaitable<void> serve_udp(net::Datagram socket, std::size_t request_count, UdpLog& log) {
  std::array<std::uint8_t, datagram_size_max> buffer;
  const std::string prefix = "re:";
  for (std::size_t i = 0; i < request_count; ++i) {
    net::Endpoint sender;
    const std::size_t size_bytes =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable);
    log.senders.push_back(sender);
    log.messages.push_back(to_string(std::span(buffer.data(), size_bytes)));
    const std::array<asio::const_buffer, 2> reply = {asio::buffer(prefix),
                                                     asio::buffer(buffer.data(), size_bytes)};
    co_await socket.async_send_to(reply, sender, asio::use_awaitable);
  }
  socket.close();
}

asio::awaitable<void> query_udp(net::Host& host, net::Datagram socket, net::Endpoint server,
                                std::size_t request_count, net::Duration reply_timeout,
                                UdpLog& log) {
  std::array<std::uint8_t, datagram_size_max> buffer;
  net::Timer timer = host.make_timer();
  for (std::size_t i = 0; i < request_count; ++i) {
    const std::string request = "request " + std::to_string(i);
    co_await socket.async_send_to(asio::buffer(request), server, asio::use_awaitable);
    timer.expires_after(reply_timeout, host.now());
    net::Endpoint sender;
    auto outcome =
        co_await (socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable) ||
                  timer.async_wait(asio::use_awaitable));
    if (outcome.index() == 1) {
      ++log.timeouts;
      continue;
    }
    log.senders.push_back(sender);
    log.messages.push_back(to_string(std::span(buffer.data(), std::get<0>(outcome))));
  }
  socket.close();
}

asio::awaitable<void> tick(net::Host& host, std::size_t tick_count, net::Duration period,
                           TickerLog& log) {
  net::Timer timer = host.make_timer();
  log.started = host.now();
  for (std::size_t k = 1; k <= tick_count; ++k) {
    timer.expires_at(log.started + static_cast<std::int64_t>(k) * period);
    co_await timer.async_wait(asio::use_awaitable);
    log.ticks.push_back(host.now());
  }
}

std::vector<std::uint8_t> random_bytes(net::Rng& rng, std::size_t size_bytes) {
  std::vector<std::uint8_t> bytes(size_bytes);
  rng.fill(bytes);
  return bytes;
}

std::string to_string(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace swarmlab::runtime_test
