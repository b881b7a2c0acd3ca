#include "actors/tracker/http_front_end.hpp"

#include "actors/tracker/peer_endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cassert>
#include <chrono>
#include <exception>

namespace swarmlab::tracker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// After an accept error (out of descriptors, ...), wait this long before accepting again.
constexpr net::Duration accept_retry_delay = 100ms;
// Pipelined bytes a client may send beyond one request's headers.
constexpr std::size_t read_buffer_slack_bytes = 4096;
// The watchdog wakes at most once per deadline it is given: two per request, plus the first.
constexpr std::uint64_t watchdog_wake_max = 2 * limits::http_requests_per_connection_max + 2;
// How often run() looks whether every connection has unwound, and how many times.
constexpr net::Duration drain_poll_period = 10ms;

// Beast's parse errors (bad method, version, header, a body where none may be, limits exceeded);
// everything else is the connection's end (closed, reset, timed out).
bool is_unreadable_request(const beast::error_code& error) {
  return error.category() == make_error_code(http::error::bad_method).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

bool is_too_large(const beast::error_code& error) {
  return error == http::error::header_limit || error == http::error::body_limit ||
         error == http::error::buffer_overflow;
}

}  // namespace

struct HttpFrontEnd::Connection {
  net::Stream stream;
  PeerAddress remote;
  net::TimePoint deadline;
};

HttpFrontEnd::HttpFrontEnd(net::Host& host, TrackerCore& core)
    : host_(host), core_(core), handler_(core) {}

HttpFrontEnd::~HttpFrontEnd() {
  // run() waits for its connections; destroying a front end with connections left would leave
  // them pointing at nothing.
  assert(running_count_ == 0);
}

void HttpFrontEnd::add_listener(net::Listener listener) {
  assert(listeners_.size() < 2);
  listeners_.push_back(std::move(listener));
}

std::vector<net::Endpoint> HttpFrontEnd::endpoints() const {
  std::vector<net::Endpoint> endpoints;
  for (const net::Listener& listener : listeners_)
    endpoints.push_back(listener.local_endpoint());
  return endpoints;
}

asio::awaitable<void> HttpFrontEnd::run() {
  std::exception_ptr failure;
  try {
    if (listeners_.empty()) {
      net::Timer forever = host_.make_timer();
      forever.expires_at(net::time_max);
      co_await forever.async_wait(asio::use_awaitable);
    } else if (listeners_.size() == 1) {
      co_await accept_loop(listeners_[0]);
    } else {
      co_await (accept_loop(listeners_[0]) || accept_loop(listeners_[1]));
    }
  } catch (...) {
    failure = std::current_exception();
  }
  for (net::Listener& listener : listeners_)
    listener.close();
  co_await close_all_and_wait();
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<void> HttpFrontEnd::close_all_and_wait() {
  // run() may have been cancelled: let this last wait go ahead regardless.
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state();
  for (net::Stream* stream : open_streams_)
    stream->close();
  // Closed connections unwind within a few turns of the event loop.
  const auto polls_max = limits::shutdown_duration_max / drain_poll_period;
  for (std::int64_t poll = 0; poll < polls_max && running_count_ > 0; ++poll) {
    net::Timer timer = host_.make_timer();
    timer.expires_at(host_.now() + drain_poll_period);
    co_await timer.async_wait(use_tuple);
  }
  assert(running_count_ == 0);
}

asio::awaitable<void> HttpFrontEnd::accept_loop(net::Listener& listener) {
  // Ends when cancelled: accepting is what a listening tracker does for as long as it runs.
  while (true) {
    auto [error, stream] = co_await listener.async_accept(use_tuple);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {
      co_await host_.sleep(accept_retry_delay);
      continue;
    }
    if (running_count_ >= core_.config().http_connection_count_max) {
      stream.close();
      continue;
    }
    start_connection(std::move(stream));
  }
}

void HttpFrontEnd::start_connection(net::Stream stream) {
  ++running_count_;
  host_.spawn(serve(std::move(stream)), [this](std::exception_ptr) {
    // A connection ends by itself or by cancellation; neither is the tracker's failure.
    assert(running_count_ > 0);
    --running_count_;
  });
}

asio::awaitable<void> HttpFrontEnd::serve(net::Stream stream) {
  const PeerAddress remote = to_peer_address(stream.remote_endpoint());
  Connection connection{.stream = std::move(stream),
                        .remote = remote,
                        .deadline = host_.now() + limits::http_idle_timeout};
  const auto entry = open_streams_.insert(open_streams_.end(), &connection.stream);
  struct Unlist {
    std::list<net::Stream*>& streams;
    std::list<net::Stream*>::iterator entry;
    ~Unlist() { streams.erase(entry); }
  } unlist{open_streams_, entry};
  co_await (exchange_requests(connection) || watchdog(connection));
  connection.stream.close();
}

asio::awaitable<void> HttpFrontEnd::exchange_requests(Connection& connection) {
  beast::flat_buffer buffer(limits::http_header_size_max + read_buffer_slack_bytes);
  for (std::uint32_t served = 0; served < limits::http_requests_per_connection_max; ++served) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits::http_header_size_max));
    connection.deadline = host_.now() + limits::http_idle_timeout;
    const auto [read_error, read_bytes] =
        co_await http::async_read(connection.stream, buffer, parser, use_tuple);
    if (read_error && !is_unreadable_request(read_error)) co_return;  // closed, reset, timed out
    HttpReply reply;
    unsigned version = 11;
    bool keep_alive = false;
    if (read_error) {
      reply = HttpRequestHandler::reply_to_unreadable(
          is_too_large(read_error) ? HttpProblem::too_large : HttpProblem::malformed);
    } else {
      const auto& request = parser.get();
      version = request.version();
      keep_alive = request.keep_alive();
      reply = handler_.handle(request.method() == http::verb::get, request.target(),
                              connection.remote, host_.now());
    }
    keep_alive =
        keep_alive && !reply.close && served + 1 < limits::http_requests_per_connection_max;
    http::response<http::string_body> response{static_cast<http::status>(reply.status), version};
    response.set(http::field::server, "swarmlab");
    response.set(http::field::content_type, "text/plain");
    response.body() = std::move(reply.body);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    connection.deadline = host_.now() + limits::http_write_timeout;
    const auto [write_error, written] =
        co_await http::async_write(connection.stream, response, use_tuple);
    if (write_error) co_return;
    if (reply.close) co_await linger(connection);
    if (!keep_alive) co_return;
    assert(connection.stream.is_open());
  }
}

asio::awaitable<void> HttpFrontEnd::linger(Connection& connection) {
  connection.deadline = host_.now() + limits::http_linger_timeout;
  std::array<char, 16 * 1024> discard{};
  std::size_t discarded = 0;
  while (discarded < limits::http_linger_size_bytes_max) {
    const auto [error, size] =
        co_await connection.stream.async_read_some(asio::buffer(discard), use_tuple);
    if (error) co_return;  // the client closed, or the watchdog did
    discarded += size;
  }
}

asio::awaitable<void> HttpFrontEnd::watchdog(Connection& connection) {
  net::Timer timer = host_.make_timer();
  for (std::uint64_t wake = 0; wake < watchdog_wake_max; ++wake) {
    const net::TimePoint deadline = connection.deadline;
    if (host_.now() >= deadline) break;
    timer.expires_at(deadline);
    co_await timer.async_wait(asio::use_awaitable);
  }
  connection.stream.close();
}

}  // namespace swarmlab::tracker
