// Small actors for the runtime suites, written against net::Host only so that they run unchanged
// on every backend. Each records what it saw in a plain struct that the test inspects after the
// world has gone idle.
#pragma once

#include "net/host.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace swarmlab::runtime_test {

namespace asio = boost::asio;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The error a task ended with: success for a normal return, the code of a system_error (unwrapped
// from the awaitable operators' multiple_exceptions), or bad_message for any other exception.
net::error_code exit_code(std::exception_ptr failure);

// ---- TCP echo ----------------------------------------------------------------------------------

struct EchoServerLog {
  std::size_t sessions_started = 0;
  std::size_t sessions_finished = 0;
  std::size_t bytes_echoed = 0;
  std::vector<net::Endpoint> peers;
  std::vector<net::error_code> session_ends;  // Why each session stopped reading (eof expected).
};

// Accepts `session_count` streams, runs an echo session for each as a task of `host`, then closes
// the listener.
asio::awaitable<void> serve_echo(net::Host& host, net::Listener listener, std::size_t session_count,
                                 EchoServerLog& log);
// Writes back every byte it reads until the peer closes.
asio::awaitable<void> echo_session(net::Stream stream, EchoServerLog& log);
// Connects to `server`, sends `payload` (gathered from three buffers) while reading the echo back
// (scattered into two), then closes. Returns the bytes read back.
asio::awaitable<std::vector<std::uint8_t>> echo_round_trip(net::Host& host, net::Endpoint server,
                                                           std::span<const std::uint8_t> payload);

// ---- UDP request/response ----------------------------------------------------------------------

struct UdpLog {
  std::vector<net::Endpoint> senders;
  std::vector<std::string> messages;
  std::size_t timeouts = 0;
};

// Answers `request_count` requests with "re:" + request, to whoever sent each one.
asio::awaitable<void> serve_udp(net::Datagram socket, std::size_t request_count, UdpLog& log);
// Sends "request <i>" for i < request_count, one at a time, each waiting up to `reply_timeout`.
asio::awaitable<void> query_udp(net::Host& host, net::Datagram socket, net::Endpoint server,
                                std::size_t request_count, net::Duration reply_timeout,
                                UdpLog& log);

// ---- Timers ------------------------------------------------------------------------------------

struct TickerLog {
  net::TimePoint started{};
  std::vector<net::TimePoint> ticks;
};

// Ticks `tick_count` times at start + k * period (drift-free), recording when each tick ran.
asio::awaitable<void> tick(net::Host& host, std::size_t tick_count, net::Duration period,
                           TickerLog& log);

// ---- Helpers -----------------------------------------------------------------------------------

std::vector<std::uint8_t> random_bytes(net::Rng& rng, std::size_t size_bytes);
std::string to_string(std::span<const std::uint8_t> bytes);

}  // namespace swarmlab::runtime_test
