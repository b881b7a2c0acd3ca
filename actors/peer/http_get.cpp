#include "actors/peer/http_get.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>

#include <variant>

namespace swarmlab::peer {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using namespace asio::experimental::awaitable_operators;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view user_agent = "swarmlab/0.1";

std::string describe(const net::error_code& error) {
  if (error == http::error::body_limit || error == http::error::header_limit)
    return "response too large";
  return error.message();
}

asio::awaitable<HttpGetResponse> exchange(net::Host& host, const HttpGetRequest& request) {
  auto [connect_error, stream] = co_await host.async_connect(request.endpoint, use_tuple);
  if (connect_error) co_return HttpGetResponse{.error = describe(connect_error)};

  http::request<http::empty_body> message{http::verb::get, request.target, 11};
  message.set(http::field::host, request.host);
  message.set(http::field::user_agent, user_agent);
  message.set(http::field::connection, "close");
  auto [write_error, written] = co_await http::async_write(stream, message, use_tuple);
  (void)written;
  if (write_error) co_return HttpGetResponse{.error = describe(write_error)};

  beast::flat_buffer buffer(http_header_size_max + request.body_size_max);
  http::response_parser<http::vector_body<std::uint8_t>> parser;
  parser.header_limit(static_cast<std::uint32_t>(http_header_size_max));
  parser.body_limit(request.body_size_max);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  (void)read;
  stream.close();
  if (read_error) co_return HttpGetResponse{.error = describe(read_error)};
  HttpGetResponse response;
  response.status = parser.get().result_int();
  response.body = std::move(parser.get().body());
  co_return response;
}

}  // namespace

asio::awaitable<HttpGetResponse> http_get(net::Host& host, const HttpGetRequest& request) {
  net::Timer timer = host.make_timer();
  timer.expires_at(host.now() + request.timeout);
  auto outcome = co_await (exchange(host, request) || timer.async_wait(use_tuple));
  if (auto* response = std::get_if<0>(&outcome)) co_return std::move(*response);
  co_return HttpGetResponse{.error = "timed out"};
}

}  // namespace swarmlab::peer
