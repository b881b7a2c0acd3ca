#include "actors/peer/trust_ledger.hpp"

#include "actors/peer/session_limits.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

void TrustLedger::credit(std::span<const net::Address> senders) {
  for (const net::Address& address : senders) {
    std::int32_t& points = points_[address];
    points = std::min(points + 1, limits::trust_points_max);
  }
}

std::optional<net::Address> TrustLedger::blame(std::span<const net::Address> senders) {
  if (senders.empty()) return std::nullopt;
  if (senders.size() == 1) return senders.front();
  const net::Address* least_trusted = nullptr;
  bool tied = false;
  for (const net::Address& address : senders) {
    std::int32_t& points = points_[address];
    points -= limits::trust_points_per_failure;
    if (least_trusted == nullptr || points < points_[*least_trusted]) {
      least_trusted = &address;
      tied = false;
    } else if (points == points_[*least_trusted]) {
      tied = true;
    }
  }
  assert(least_trusted != nullptr);
  if (tied || points_[*least_trusted] > limits::trust_points_ban_level) return std::nullopt;
  return *least_trusted;
}

void TrustLedger::forgive(const net::Address& address, std::int32_t failures) {
  assert(failures >= 0);
  std::int32_t& points = points_[address];
  points = std::min(points + failures * limits::trust_points_per_failure, limits::trust_points_max);
}

std::int32_t TrustLedger::trust(const net::Address& address) const {
  const auto found = points_.find(address);
  return found == points_.end() ? 0 : found->second;
}

}  // namespace swarmlab::peer
