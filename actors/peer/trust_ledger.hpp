// Trust points per address, and who a failed piece's senders are to blame (see the trust_points_*
// limits). Part of actors/peer; pure logic, the torrent keeps the ban list.
#pragma once

#include "net/endpoint.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>

namespace swarmlab::peer {

class TrustLedger {
 public:
  // A piece they sent passed its check: one point each, up to limits::trust_points_max.
  void credit(std::span<const net::Address> senders);
  // A piece they sent (distinct addresses, none banned) failed its check: each loses
  // limits::trust_points_per_failure. Returns the sender to ban: the only one, or else the least
  // trusted if that took it to limits::trust_points_ban_level and no other sender is as low (a
  // tie does not tell a liar from an honest peer that keeps sharing pieces with it).
  std::optional<net::Address> blame(std::span<const net::Address> senders);
  // The sender was cleared of `failures` failures it was blamed for: it gets their cost back, up
  // to limits::trust_points_max.
  void forgive(const net::Address& address, std::int32_t failures);
  std::int32_t trust(const net::Address& address) const;

 private:
  std::map<net::Address, std::int32_t> points_;
};

}  // namespace swarmlab::peer
