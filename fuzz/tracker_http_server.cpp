// libFuzzer target: raw HTTP requests as the tracker's HTTP front end reads them (Beast's request
// parser with the front end's limits), then the tracker's request handling. Requests are read one
// after another from the input, as on a kept-alive connection. Every reply body must be a bencoded
// announce or scrape reply (or a failure reason).
#include "actors/tracker/http_request_handler.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tracker = swarmlab::tracker;
namespace http = boost::beast::http;
namespace tracker_http = swarmlab::protocol::tracker_http;

namespace {

// The same reading rules as the front end: bounded headers, no body.
constexpr int requests_per_input_max = 64;

void check_reply(const tracker::HttpReply& reply) {
  assert(reply.status >= 200 && reply.status < 600);
  const std::span body(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size());
  const bool announce = tracker_http::parse_announce_response(body).has_value();
  const bool scrape = tracker_http::parse_scrape_response(body).has_value();
  assert(announce || scrape);
  (void)announce;
  (void)scrape;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  tracker::TrackerConfig config;
  config.swarm_count_max = 64;
  config.swarm_peer_count_max = 256;
  config.peer_count_total_max = 1024;
  swarmlab::net::Rng rng(1);
  tracker::TrackerCore core(config, rng, nullptr);
  tracker::HttpRequestHandler handler(core);
  const auto remote = swarmlab::protocol::PeerAddress::ipv4({10, 0, 0, 1}, 4000);
  std::size_t offset = 0;
  for (int request = 0; request < requests_per_input_max && offset < size; ++request) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(tracker::limits::http_header_size_max));
    parser.eager(true);
    boost::beast::error_code error;
    const std::size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), error);
    if (error == http::error::need_more) {
      parser.put_eof(error);
    }
    if (error || !parser.is_done()) {
      check_reply(tracker::HttpRequestHandler::reply_to_unreadable(
          error == http::error::header_limit ? tracker::HttpProblem::too_large
                                             : tracker::HttpProblem::malformed));
      return 0;
    }
    offset += used;
    const auto& message = parser.get();
    check_reply(handler.handle(message.method() == http::verb::get, message.target(), remote,
                               swarmlab::net::TimePoint(1000s + request * 1s)));
    if (used == 0) break;
  }
  return 0;
}
