// HttpRequestHandler: one HTTP tracker request, from its method and target to the status and
// bencoded body of the reply (BEP 3 announce, BEP 48 scrape, BEP 23 compact peers, BEP 7 peers6).
// The HTTP front end reads and writes; this decides. Part of actors/tracker; no I/O.
//
//   GET /announce?...  -> 200, the announce reply, or a `failure reason` (bad query, private mode,
//                         rate limit, ...)
//   GET /scrape?...    -> 200, `files` for each info_hash asked (those outside the access list
//                         left out); a scrape naming no torrent gets a failure reason
//   anything else      -> 404 or 405, with a failure reason as body
// Requests Beast cannot parse get reply_to_unreadable(): 400 (malformed) or 431 (too large), and
// the connection closes.
#pragma once

#include "actors/tracker/tracker_core.hpp"

#include <string>
#include <string_view>

namespace swarmlab::tracker {

struct HttpReply {
  unsigned status = 200;
  std::string body;  // bencoded
  // The connection closes after this reply.
  bool close = false;
};

enum class HttpProblem : std::uint8_t { malformed, too_large };

class HttpRequestHandler {
 public:
  explicit HttpRequestHandler(TrackerCore& core) : core_(core) {}

  // `remote` is the connection's source (address and port).
  HttpReply handle(bool is_get, std::string_view target, const PeerAddress& remote,
                   net::TimePoint now);
  static HttpReply reply_to_unreadable(HttpProblem problem);

 private:
  HttpReply announce(std::string_view query, const PeerAddress& remote, net::TimePoint now);
  HttpReply scrape(std::string_view query, const PeerAddress& remote, net::TimePoint now);

  TrackerCore& core_;
  // Reused from one announce to the next.
  AnnounceResult result_;
};

}  // namespace swarmlab::tracker
