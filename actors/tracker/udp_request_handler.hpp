// UdpRequestHandler: one UDP tracker datagram (BEP 15), from the bytes received to the bytes to
// send back, or nothing. The UDP front end receives and sends; this decides. Part of
// actors/tracker; no I/O.
//
// What comes back:
//   - shorter than a connect, longer than limits::udp_request_size_max, or over the sender's rate
//     limit: nothing (answering floods or junk only feeds them);
//   - connect: a connection id for the sender's address (see connection_ids.hpp);
//   - announce or scrape with a connection id that does not verify for the sender: an error
//     reply, never larger than the request, so a spoofed source gains nothing;
//   - announce or scrape that does not parse: an error reply if its connection id verifies,
//     otherwise nothing;
//   - otherwise the announce or scrape reply, or an error naming why it was refused.
// Announce replies carry peers of the datagram's family only, at most what fits one Ethernet frame.
#pragma once

#include "actors/tracker/connection_ids.hpp"
#include "actors/tracker/tracker_core.hpp"
#include "protocol/tracker_udp.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace swarmlab::tracker {

class UdpRequestHandler {
 public:
  UdpRequestHandler(TrackerCore& core, net::Rng& rng) : core_(core), connection_ids_(rng) {}

  // Sets `reply` to the datagram to send back to `sender`, or clears it when nothing is sent.
  void handle(std::span<const std::uint8_t> packet, const PeerAddress& sender, net::TimePoint now,
              std::vector<std::uint8_t>& reply);

  const ConnectionIds& connection_ids() const { return connection_ids_; }

 private:
  void handle_parsed(const protocol::tracker_udp::Request& request, const PeerAddress& sender,
                     net::TimePoint now, std::vector<std::uint8_t>& reply);
  void announce(const protocol::tracker_udp::AnnounceRequest& request, const PeerAddress& sender,
                net::TimePoint now, std::vector<std::uint8_t>& reply);
  protocol::tracker_udp::Response scrape(const protocol::tracker_udp::ScrapeRequest& request,
                                         const PeerAddress& sender, net::TimePoint now);

  TrackerCore& core_;
  ConnectionIds connection_ids_;
  // Reused from one announce to the next, so that answering one allocates nothing.
  AnnounceResult result_;
};

}  // namespace swarmlab::tracker
