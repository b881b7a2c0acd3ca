// The partitions in force: each is a pair of host sets (side A, side B) that cannot reach each
// other, in both directions (symmetric) or only from A to B (one way). Membership is one bit per
// partition in two per-host masks, so asking whether a path is cut costs a few AND operations,
// whatever the number of hosts.
#pragma once

#include "sim/ids.hpp"
#include "sim/limits.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace swarmlab::sim {

enum class PartitionMode : std::uint8_t { symmetric, one_way };

class PartitionTable {
 public:
  // Hosts are added in id order.
  void add_host() { masks_.push_back({}); }

  // Cuts side_a from side_b; nullopt if partitions_max are already in force. A host may not be
  // on both sides.
  std::optional<PartitionId> add(std::span<const HostId> side_a, std::span<const HostId> side_b,
                                 PartitionMode mode);
  // Returns false if `id` is not in force (already healed).
  bool remove(PartitionId id);
  void clear();

  bool cut(HostId from, HostId to) const {
    const Masks& source = masks_[index_of(from)];
    const Masks& target = masks_[index_of(to)];
    return ((source.side_a & target.side_b) | (symmetric_mask_ & source.side_b & target.side_a)) !=
           0;
  }
  bool empty() const { return in_force_mask_ == 0; }

 private:
  struct Masks {
    std::uint64_t side_a = 0;
    std::uint64_t side_b = 0;
  };

  std::vector<Masks> masks_;
  std::uint64_t in_force_mask_ = 0;
  std::uint64_t symmetric_mask_ = 0;
  // Ids stay unique across reuse of a slot: slot in the low bits, generation above.
  std::array<std::uint64_t, partitions_max> generation_{};
};

}  // namespace swarmlab::sim
