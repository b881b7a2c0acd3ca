// The real backend: every scenario host is a net::RealHost on its own loopback address
// (127.100.x.y; Linux routes all of 127.0.0.0/8 to the loopback interface), all on one io_context
// on the caller's thread, in wall-clock time. Link capacities become per-host token-bucket rate
// limits on the host's streams (upload and download); latencies cannot be honoured on loopback and
// are ignored. Runs are not deterministic: there is no trace hash.
//
// Not every scenario can run for real: review_for_real_backend() lists what stops one (faults that
// need the simulated network, too many hosts) and what is ignored, before anything runs.
// Part of scenarios/.
#pragma once

#include "scenarios/world_backend.hpp"

#include <string>
#include <vector>

namespace swarmlab::scenarios {

// Every connection between two hosts costs two descriptors in this one process; this many hosts
// with their default connection limits stay well within a usual descriptor limit.
inline constexpr std::size_t real_hosts_max = 250;

struct RealBackendReview {
  // Each makes the scenario impossible on real sockets.
  std::vector<std::string> errors;
  // Each names something the real backend ignores.
  std::vector<std::string> warnings;
};

RealBackendReview review_for_real_backend(const ScenarioSpec& spec);

// The scenario must have passed review_for_real_backend() without errors.
std::unique_ptr<WorldBackend> make_real_backend(const ScenarioSpec& spec);

}  // namespace swarmlab::scenarios
