// One tracker's answer to one announce, the same for HTTP and UDP, as the tracker client uses it.
// Part of actors/peer; plain values.
#pragma once

#include "protocol/peer_address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::peer {

struct TrackerReply {
  // Empty when the tracker answered; otherwise why not (its failure reason, or a transport error).
  std::string error{};
  std::uint32_t interval_seconds = 0;
  std::optional<std::uint32_t> min_interval_seconds{};
  std::optional<std::string> tracker_id{};
  // The tracker's `warning message` (HTTP): it answered, but has something to say.
  std::string warning{};
  std::optional<std::uint32_t> seeders{};
  std::optional<std::uint32_t> leechers{};
  std::vector<protocol::PeerAddress> peers{};

  bool succeeded() const { return error.empty(); }
  static TrackerReply failure(std::string why) {
    TrackerReply reply;
    reply.error = std::move(why);
    return reply;
  }
};

}  // namespace swarmlab::peer
