#include "actors/peer/http_announce.hpp"

#include "actors/peer/http_get.hpp"
#include "actors/peer/tracker_client_options.hpp"

namespace swarmlab::peer {

namespace tracker_http = protocol::tracker_http;

TrackerReply http_reply_from_body(std::span<const std::uint8_t> body) {
  auto parsed = tracker_http::parse_announce_response(body);
  if (!parsed) return TrackerReply::failure("bad response: " + parsed.error().code.message());
  tracker_http::AnnounceResponse& response = *parsed;
  if (response.failure_reason) {
    return TrackerReply::failure(response.failure_reason->empty() ? "tracker failure"
                                                                  : *response.failure_reason);
  }
  TrackerReply reply;
  reply.interval_seconds = response.interval_seconds;
  reply.min_interval_seconds = response.min_interval_seconds;
  reply.tracker_id = std::move(response.tracker_id);
  reply.warning = response.warning_message.value_or("");
  reply.seeders = response.complete;
  reply.leechers = response.incomplete;
  reply.peers.reserve(response.peers.size());
  // Dictionary peers given by host name are left out: resolving them is not worth a lookup each.
  for (const tracker_http::TrackerPeer& peer : response.peers)
    reply.peers.push_back(peer.address);
  return reply;
}

boost::asio::awaitable<TrackerReply> http_announce(net::Host& host, const TrackerUrl& url,
                                                   const net::Endpoint& endpoint,
                                                   const tracker_http::AnnounceRequest& request,
                                                   net::Duration timeout) {
  // A named request: GCC 12 mishandles braced temporaries passed to a coroutine.
  const HttpGetRequest get{.endpoint = endpoint,
                           .host = url.authority(),
                           .target = tracker_http::build_announce_url(url.target, request),
                           .timeout = timeout,
                           .body_size_max = tracker_client_limits::http_response_size_max};
  HttpGetResponse response = co_await http_get(host, get);
  if (!response.error.empty()) co_return TrackerReply::failure(std::move(response.error));
  if (response.status != 200)
    co_return TrackerReply::failure("HTTP status " + std::to_string(response.status));
  co_return http_reply_from_body(response.body);
}

}  // namespace swarmlab::peer
