#include "tests/tracker/tracker_clients.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <sstream>
#include <variant>

namespace swarmlab::tracker::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using namespace asio::experimental::awaitable_operators;
namespace udp = protocol::tracker_udp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Closes `stream` after the timeout: whatever operation is pending on it then fails.
asio::awaitable<void> close_after(net::Host& host, net::Stream& stream, net::Duration timeout) {
  co_await host.sleep(timeout);
  stream.close();
}

asio::awaitable<std::optional<HttpReplyText>> read_reply(net::Stream& stream) {
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  const auto [error, bytes] = co_await http::async_read(stream, buffer, response, use_tuple);
  if (error) co_return std::nullopt;
  co_return HttpReplyText{.status = response.result_int(),
                          .body = std::move(response.body()),
                          .keep_alive = response.keep_alive()};
}

asio::awaitable<std::optional<HttpReplyText>> write_then_read(net::Stream& stream,
                                                              std::string request_bytes) {
  const auto [error, bytes] =
      co_await asio::async_write(stream, asio::buffer(request_bytes), use_tuple);
  if (error) co_return std::nullopt;
  co_return co_await read_reply(stream);
}

}  // namespace

asio::awaitable<std::optional<net::Stream>> connect_to(net::Host& host, net::Endpoint tracker) {
  net::Timer timer = host.make_timer();
  timer.expires_at(host.now() + client_timeout);
  auto outcome = co_await (host.async_connect(tracker, use_tuple) || timer.async_wait(use_tuple));
  if (outcome.index() != 0) co_return std::nullopt;
  auto [error, stream] = std::move(std::get<0>(outcome));
  if (error) co_return std::nullopt;
  co_return std::move(stream);
}

asio::awaitable<std::optional<HttpReplyText>> http_raw_exchange(net::Host& host,
                                                                net::Stream& stream,
                                                                std::string request_bytes) {
  auto outcome = co_await (write_then_read(stream, std::move(request_bytes)) ||
                           close_after(host, stream, client_timeout));
  if (outcome.index() != 0) co_return std::nullopt;
  co_return std::move(std::get<0>(outcome));
}

asio::awaitable<std::optional<HttpReplyText>> http_get(net::Host& host, net::Stream& stream,
                                                       const std::string& target) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "tracker");
  request.keep_alive(true);
  std::ostringstream text;
  text << request;
  co_return co_await http_raw_exchange(host, stream, text.str());
}

asio::awaitable<std::optional<std::vector<std::uint8_t>>> udp_exchange(
    net::Host& host, net::Datagram& socket, net::Endpoint tracker,
    std::vector<std::uint8_t> request, net::Duration timeout) {
  const auto [send_error, sent] =
      co_await socket.async_send_to(asio::buffer(request), tracker, use_tuple);
  if (send_error) co_return std::nullopt;
  std::vector<std::uint8_t> reply(64 * 1024);
  net::Endpoint sender;
  net::Timer timer = host.make_timer();
  timer.expires_at(host.now() + timeout);
  auto outcome = co_await (socket.async_receive_from(asio::buffer(reply), sender, use_tuple) ||
                           timer.async_wait(use_tuple));
  if (outcome.index() != 0) co_return std::nullopt;
  const auto [error, size] = std::get<0>(outcome);
  if (error) co_return std::nullopt;
  reply.resize(size);
  co_return reply;
}

asio::awaitable<bool> UdpTrackerClient::connect() {
  const std::uint32_t transaction_id = next_transaction_id_++;
  const auto response =
      co_await exchange(udp::ConnectRequest{.transaction_id = transaction_id}, transaction_id);
  if (!response) co_return false;
  const auto* connected = std::get_if<udp::ConnectResponse>(&*response);
  if (connected == nullptr) co_return false;
  connection_id_ = connected->connection_id;
  co_return true;
}

asio::awaitable<std::optional<udp::Response>> UdpTrackerClient::exchange(
    const udp::Request& request, std::uint32_t transaction_id) {
  const auto family = tracker_.address.is_v4() ? protocol::PeerAddress::Family::ipv4
                                               : protocol::PeerAddress::Family::ipv6;
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    const auto reply =
        co_await udp_exchange(host_, socket_, tracker_, udp::encode(request), timeout_);
    if (!reply) continue;
    auto response = udp::decode_response(*reply, family);
    if (!response) co_return std::nullopt;
    const std::uint32_t answered =
        std::visit([](const auto& value) { return value.transaction_id; }, *response);
    if (answered == transaction_id) co_return std::move(*response);
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<udp::Response>> UdpTrackerClient::announce(
    udp::AnnounceRequest request) {
  // (Not `!connection_id_ && !co_await connect()`: GCC 12 mishandles co_await in a short-circuit.)
  if (!connection_id_) {
    const bool connected = co_await connect();
    if (!connected) co_return std::nullopt;
  }
  request.connection_id = *connection_id_;
  request.transaction_id = next_transaction_id_++;
  co_return co_await exchange(request, request.transaction_id);
}

asio::awaitable<std::optional<udp::Response>> UdpTrackerClient::scrape(udp::ScrapeRequest request) {
  // (Not `!connection_id_ && !co_await connect()`: GCC 12 mishandles co_await in a short-circuit.)
  if (!connection_id_) {
    const bool connected = co_await connect();
    if (!connected) co_return std::nullopt;
  }
  request.connection_id = *connection_id_;
  request.transaction_id = next_transaction_id_++;
  co_return co_await exchange(request, request.transaction_id);
}

}  // namespace swarmlab::tracker::test
