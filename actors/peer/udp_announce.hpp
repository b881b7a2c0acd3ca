// One announce to one UDP tracker (BEP 15): obtain a connection id (reused for 60 s), then
// announce, each request retransmitted after timeout_base * 2^n (n = 0 .. retransmissions_max,
// counted over the whole exchange) before the tracker is given up. Transaction ids come from the
// host's generator; replies from other addresses or with other transaction ids are ignored.
// Part of actors/peer.
#pragma once

#include "actors/peer/tracker_reply.hpp"
#include "net/host.hpp"
#include "protocol/tracker_udp.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <optional>

namespace swarmlab::peer {

// Connection ids by tracker endpoint, with the time each was obtained.
class UdpConnectionIds {
 public:
  std::optional<std::uint64_t> find(const net::Endpoint& tracker, net::TimePoint now) const;
  void store(const net::Endpoint& tracker, std::uint64_t connection_id, net::TimePoint now);
  void forget(const net::Endpoint& tracker) { ids_.erase(tracker); }

 private:
  struct Entry {
    std::uint64_t connection_id = 0;
    net::TimePoint obtained_at{};
  };
  std::map<net::Endpoint, Entry> ids_;
};

struct UdpRetransmission {
  net::Duration timeout_base{};
  std::int32_t retransmissions_max = 0;
  // The wait after the n-th transmission (n from 0).
  net::Duration timeout(std::int32_t n) const { return timeout_base * (std::int64_t{1} << n); }
};

// `request` carries everything but the connection and transaction ids, which are filled here.
boost::asio::awaitable<TrackerReply> udp_announce(net::Host& host, const net::Endpoint& tracker,
                                                  protocol::tracker_udp::AnnounceRequest request,
                                                  UdpConnectionIds& connection_ids,
                                                  UdpRetransmission retransmission);

}  // namespace swarmlab::peer
