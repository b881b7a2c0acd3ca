// One announce to one tracker URL, over HTTP (BEP 3) or UDP (BEP 15) as the URL's scheme says,
// with the URL's host name resolved first if it has one. TrackerClient sends these on its
// schedule; a magnet link's metadata fetch sends one to find its first peers before any torrent
// exists. Part of actors/peer.
#pragma once

#include "actors/peer/tracker_client_options.hpp"
#include "actors/peer/tracker_reply.hpp"
#include "actors/peer/udp_announce.hpp"
#include "net/host.hpp"
#include "protocol/sha1.hpp"
#include "record/observer.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace swarmlab::peer {

// What an announce says about us, whatever the transport.
struct AnnounceParams {
  protocol::InfoHash info_hash{};
  protocol::PeerId peer_id{};
  std::uint16_t port = 0;
  std::uint64_t uploaded_bytes = 0;
  std::uint64_t downloaded_bytes = 0;
  std::uint64_t left_bytes = 0;
  record::AnnounceEvent event = record::AnnounceEvent::none;
  // BEP 7's key, the same in every announce of one client.
  std::uint32_t key = 0;
  // The `tracker id` this HTTP tracker gave earlier, echoed back.
  std::optional<std::string> tracker_id{};
};

boost::asio::awaitable<TrackerReply> announce_to_url(net::Host& host, const std::string& url,
                                                     const AnnounceParams& params,
                                                     const TrackerClientOptions& options,
                                                     UdpConnectionIds& udp_connection_ids);

}  // namespace swarmlab::peer
