// Teardown helper: pending handlers are first moved out of every simulated object into here, and
// only then destroyed. Destroying a handler may unwind a coroutine and with it the very objects
// being walked, so nothing is destroyed while a registry is being iterated.
#pragma once

#include "net/host.hpp"

#include <vector>

namespace swarmlab::sim {

struct HandlerGraveyard {
  std::vector<net::WaitHandler> waits;
  std::vector<net::IoHandler> transfers;
  std::vector<net::StreamHandler> streams;

  bool empty() const { return waits.empty() && transfers.empty() && streams.empty(); }
};

}  // namespace swarmlab::sim
