#include "actors/tracker/http_request_handler.hpp"

#include "protocol/tracker_http.hpp"

#include <cassert>
#include <chrono>

namespace swarmlab::tracker {
namespace {

namespace http = protocol::tracker_http;

HttpReply failure_reply(std::string_view reason, unsigned status = 200) {
  return HttpReply{.status = status, .body = http::encode_failure(reason), .close = false};
}

AnnounceEvent to_event(http::Event event) {
  switch (event) {
    case http::Event::started:
      return AnnounceEvent::started;
    case http::Event::completed:
      return AnnounceEvent::completed;
    case http::Event::stopped:
      return AnnounceEvent::stopped;
    case http::Event::none:
      break;
  }
  return AnnounceEvent::none;
}

std::uint32_t whole_seconds(net::Duration duration) {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(duration).count());
}

http::PeerListFormat peer_list_format(const http::AnnounceRequest& request) {
  if (request.compact) return http::PeerListFormat::compact;
  return request.no_peer_id ? http::PeerListFormat::dictionary_without_peer_id
                            : http::PeerListFormat::dictionary;
}

}  // namespace

HttpReply HttpRequestHandler::handle(bool is_get, std::string_view target,
                                     const PeerAddress& remote, net::TimePoint now) {
  if (!core_.admit(remote, now)) return failure_reply(failure::rate_limited);
  const auto [path, query] = http::split_target(target);
  if (path != "/announce" && path != "/scrape") return failure_reply("not found", 404);
  if (!is_get) return failure_reply("method not allowed", 405);
  return path == "/announce" ? announce(query, remote, now) : scrape(query, remote, now);
}

HttpReply HttpRequestHandler::announce(std::string_view query, const PeerAddress& remote,
                                       net::TimePoint now) {
  const auto request = http::parse_announce_query(query);
  if (!request) return failure_reply("invalid announce: " + request.error().describe());
  PeerAddress address = remote;
  address.port = request->port;  // BEP 3's `ip` is not trusted: the source address is used
  const Announce announce{
      .info_hash = request->info_hash,
      .peer = PeerAnnounce{.address = address,
                           .peer_id = request->peer_id,
                           .key = request->key ? std::optional(core_.key_digest(*request->key))
                                               : std::nullopt,
                           .seeder = request->left_bytes == 0,
                           .event = to_event(request->event)},
      .numwant = request->numwant,
      .policy = FamilyPolicy::same_then_other};
  core_.announce(announce, limits::reply_peer_count_max, now, result_);
  const AnnounceResult& result = result_;
  if (!result.failure.empty()) return failure_reply(result.failure);

  const TrackerConfig& config = core_.config();
  http::AnnounceResponse response;
  response.interval_seconds = whole_seconds(config.interval);
  response.min_interval_seconds = whole_seconds(config.min_interval);
  response.tracker_id = config.tracker_id;
  response.complete = result.counts.seeders;
  response.incomplete = result.counts.leechers;
  response.peers.reserve(result.peers.size());
  for (const ListedPeer peer : result.peers) {
    response.peers.push_back(
        http::TrackerPeer{.address = peer.address(), .peer_id = peer.peer_id()});
  }
  assert(response.peers.size() <= limits::reply_peer_count_max);
  return HttpReply{.status = 200,
                   .body = http::encode_announce_response(response, peer_list_format(*request)),
                   .close = false};
}

HttpReply HttpRequestHandler::scrape(std::string_view query, const PeerAddress& remote,
                                     net::TimePoint now) {
  const auto info_hashes = http::parse_scrape_query(query);
  if (!info_hashes) return failure_reply("invalid scrape: " + info_hashes.error().describe());
  // A scrape of every torrent would make one request cost as much as the whole tracker.
  if (info_hashes->empty()) return failure_reply("scrape needs an info_hash");
  http::ScrapeResponse response;
  for (const InfoHash& info_hash : *info_hashes) {
    const bool listed = std::any_of(response.files.begin(), response.files.end(),
                                    [&](const auto& file) { return file.first == info_hash; });
    if (listed) continue;
    const auto counts = core_.scrape(info_hash, remote, now);
    if (!counts) continue;
    response.files.emplace_back(info_hash, http::ScrapeStats{.complete = counts->seeders,
                                                             .downloaded = counts->completed,
                                                             .incomplete = counts->leechers});
  }
  assert(response.files.size() <= info_hashes->size());
  return HttpReply{.status = 200, .body = http::encode_scrape_response(response), .close = false};
}

HttpReply HttpRequestHandler::reply_to_unreadable(HttpProblem problem) {
  HttpReply reply = problem == HttpProblem::too_large ? failure_reply("request too large", 431)
                                                      : failure_reply("malformed request", 400);
  reply.close = true;
  return reply;
}

}  // namespace swarmlab::tracker
