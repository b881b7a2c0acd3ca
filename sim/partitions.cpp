#include "sim/partitions.hpp"

#include <bit>
#include <cassert>

namespace swarmlab::sim {

namespace {
constexpr std::uint64_t slot_bits = 8;
static_assert((1u << slot_bits) >= partitions_max);
}  // namespace

std::optional<PartitionId> PartitionTable::add(std::span<const HostId> side_a,
                                               std::span<const HostId> side_b, PartitionMode mode) {
  if (in_force_mask_ == ~std::uint64_t{0}) return std::nullopt;
  const auto slot = static_cast<std::size_t>(std::countr_one(in_force_mask_));
  assert(slot < partitions_max);
  const std::uint64_t bit = std::uint64_t{1} << slot;
  for (HostId host : side_a) {
    assert(index_of(host) < masks_.size());
    masks_[index_of(host)].side_a |= bit;
  }
  for (HostId host : side_b) {
    assert(index_of(host) < masks_.size());
    assert((masks_[index_of(host)].side_a & bit) == 0);
    masks_[index_of(host)].side_b |= bit;
  }
  in_force_mask_ |= bit;
  if (mode == PartitionMode::symmetric) symmetric_mask_ |= bit;
  ++generation_[slot];
  return PartitionId((generation_[slot] << slot_bits) | slot);
}

bool PartitionTable::remove(PartitionId id) {
  const auto raw = static_cast<std::uint64_t>(id);
  const std::size_t slot = raw & ((1u << slot_bits) - 1);
  if (slot >= partitions_max) return false;
  const std::uint64_t bit = std::uint64_t{1} << slot;
  if ((in_force_mask_ & bit) == 0 || generation_[slot] != (raw >> slot_bits)) return false;
  for (Masks& masks : masks_) {
    masks.side_a &= ~bit;
    masks.side_b &= ~bit;
  }
  in_force_mask_ &= ~bit;
  symmetric_mask_ &= ~bit;
  return true;
}

void PartitionTable::clear() {
  for (Masks& masks : masks_)
    masks = {};
  in_force_mask_ = 0;
  symmetric_mask_ = 0;
}

}  // namespace swarmlab::sim
