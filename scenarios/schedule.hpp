// The random draws a scenario makes before it runs, as pure functions of the spec and a generator:
// when each peer of a group arrives, which bandwidth class it gets, which pieces a partial peer
// starts with, and how long a peer seeds before leaving. Part of scenarios/; no I/O, no clock.
#pragma once

#include "net/rng.hpp"
#include "scenarios/spec.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::scenarios {

// One arrival time per peer of the group, in the order the group's peers are numbered (sorted).
std::vector<net::Duration> arrival_times(const GroupSpec& group, net::Rng& rng);

// The bandwidth class of each of the group's peers: the count split in proportion to the weights
// (largest remainders), then shuffled so classes mix in arrival order. nullopt: unlimited links.
std::vector<std::optional<std::size_t>> class_assignment(const GroupSpec& group, net::Rng& rng);

// The pieces a peer starts with (one flag per piece).
std::vector<bool> initial_pieces(const InitialContent& content, std::uint32_t piece_count,
                                 net::Rng& rng);

// How long a complete peer stays before it leaves; nullopt: it stays.
std::optional<net::Duration> seeding_time(const Departure& departure, net::Rng& rng);

}  // namespace swarmlab::scenarios
