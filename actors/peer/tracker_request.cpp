#include "actors/peer/tracker_request.hpp"

#include "actors/peer/http_announce.hpp"
#include "actors/peer/tracker_url.hpp"

#include <algorithm>
#include <cstdio>

namespace swarmlab::peer {

namespace {

namespace tracker_http = protocol::tracker_http;
namespace tracker_udp = protocol::tracker_udp;
using record::AnnounceEvent;

tracker_http::Event http_event(AnnounceEvent event) {
  switch (event) {
    case AnnounceEvent::started:
      return tracker_http::Event::started;
    case AnnounceEvent::completed:
      return tracker_http::Event::completed;
    case AnnounceEvent::stopped:
      return tracker_http::Event::stopped;
    case AnnounceEvent::none:
      break;
  }
  return tracker_http::Event::none;
}

tracker_udp::Event udp_event(AnnounceEvent event) {
  switch (event) {
    case AnnounceEvent::started:
      return tracker_udp::Event::started;
    case AnnounceEvent::completed:
      return tracker_udp::Event::completed;
    case AnnounceEvent::stopped:
      return tracker_udp::Event::stopped;
    case AnnounceEvent::none:
      break;
  }
  return tracker_udp::Event::none;
}

std::string key_text(std::uint32_t key) {
  char text[9];
  std::snprintf(text, sizeof text, "%08X", static_cast<unsigned>(key));
  return text;
}

// Where the URL's host is: its IP literal, or what the resolver finds for its name.
boost::asio::awaitable<net::Result<net::Address>> resolve(const TrackerUrl& url,
                                                          const HostResolver& resolver) {
  if (url.address) co_return *url.address;
  if (!resolver) co_return net::error_code(boost::asio::error::host_not_found);
  auto addresses = co_await resolver(url.host);
  if (!addresses) co_return addresses.error();
  if (addresses->empty()) co_return net::error_code(boost::asio::error::host_not_found);
  co_return addresses->front();
}

}  // namespace

boost::asio::awaitable<TrackerReply> announce_to_url(net::Host& host, const std::string& url,
                                                     const AnnounceParams& params,
                                                     const TrackerClientOptions& options,
                                                     UdpConnectionIds& udp_connection_ids) {
  const auto parsed = parse_tracker_url(url);
  if (!parsed) co_return TrackerReply::failure("unsupported announce URL");
  if (!parsed->address && !options.resolver)
    co_return TrackerReply::failure("no resolver for host names");
  const auto address = co_await resolve(*parsed, options.resolver);
  if (!address) co_return TrackerReply::failure("cannot resolve " + parsed->host);
  const net::Endpoint endpoint{*address, parsed->port};
  if (parsed->scheme == TrackerUrl::Scheme::http) {
    const tracker_http::AnnounceRequest announce{.info_hash = params.info_hash,
                                                 .peer_id = params.peer_id,
                                                 .port = params.port,
                                                 .uploaded_bytes = params.uploaded_bytes,
                                                 .downloaded_bytes = params.downloaded_bytes,
                                                 .left_bytes = params.left_bytes,
                                                 .event = http_event(params.event),
                                                 .numwant = options.numwant,
                                                 .key = key_text(params.key),
                                                 .tracker_id = params.tracker_id,
                                                 .ip = std::nullopt};
    co_return co_await http_announce(host, *parsed, endpoint, announce, options.http_timeout);
  }
  tracker_udp::AnnounceRequest announce{
      .info_hash = params.info_hash,
      .peer_id = params.peer_id,
      .downloaded_bytes = params.downloaded_bytes,
      .left_bytes = params.left_bytes,
      .uploaded_bytes = params.uploaded_bytes,
      .event = udp_event(params.event),
      .key = params.key,
      .num_want = static_cast<std::int32_t>(std::min<std::uint32_t>(options.numwant, 0x7fffffff)),
      .port = params.port,
      .options = {}};
  const UdpRetransmission retransmission{.timeout_base = options.udp_timeout_base,
                                         .retransmissions_max = options.udp_retransmissions_max};
  co_return co_await udp_announce(host, endpoint, std::move(announce), udp_connection_ids,
                                  retransmission);
}

}  // namespace swarmlab::peer
