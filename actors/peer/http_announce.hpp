// One announce to one HTTP tracker (BEP 3, compact peers of BEP 23 and BEP 7, dictionary peers):
// builds the query with protocol/tracker_http, fetches it with http_get and turns the bencoded
// answer into a TrackerReply. Part of actors/peer.
#pragma once

#include "actors/peer/tracker_reply.hpp"
#include "actors/peer/tracker_url.hpp"
#include "net/host.hpp"
#include "protocol/tracker_http.hpp"

#include <boost/asio/awaitable.hpp>

namespace swarmlab::peer {

// `endpoint` is where `url` resolved to.
boost::asio::awaitable<TrackerReply> http_announce(
    net::Host& host, const TrackerUrl& url, const net::Endpoint& endpoint,
    const protocol::tracker_http::AnnounceRequest& request, net::Duration timeout);

// The reply in a tracker's response body (exposed for tests).
TrackerReply http_reply_from_body(std::span<const std::uint8_t> body);

}  // namespace swarmlab::peer
