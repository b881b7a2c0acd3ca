// Strong identifiers used across the simulator.
#pragma once

#include <cstdint>

namespace swarmlab::sim {

// A host's index in its world, in the order hosts were added; it seeds the host's generator.
enum class HostId : std::uint32_t {};

constexpr std::uint32_t index_of(HostId id) {
  return static_cast<std::uint32_t>(id);
}

// A partition in force, as returned by World::partition().
enum class PartitionId : std::uint64_t {};

}  // namespace swarmlab::sim
