// TestWorld: what a backend-independent runtime test needs from a backend. The suites in this
// folder are written against net::Host only and run once per backend ("real": RealHosts on
// loopback; "sim": simulated hosts), so the same actor code is shown to behave the same in both.
#pragma once

#include "net/host.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace swarmlab::runtime_test {

class TestWorld {
 public:
  virtual ~TestWorld() = default;

  // A new host with at least one IPv4 address, distinct from every other host's.
  // Real: a RealHost on 127.0.0.N, N = 2, 3, ...
  virtual net::Host& add_host() = 0;
  // Runs every host until no work is left or `limit` has passed (wall-clock time on real sockets,
  // simulated time in the simulator). Returns true when the world went idle within the limit.
  virtual bool run_until_idle(net::Duration limit) = 0;
  virtual net::TimePoint now() = 0;
  virtual std::string name() const = 0;
  // An endpoint whose connects neither succeed nor fail for a long while (much longer than a
  // second). Real: a loopback listener whose accept queue is full, so the kernel drops new SYNs.
  virtual net::Endpoint unresponsive_endpoint() = 0;
};

// The backends the suites run against, by name.
std::span<const std::string_view> world_names();
std::unique_ptr<TestWorld> make_world(std::string_view backend);

// One factory per backend (tests/runtime/<backend>_world.cpp).
std::unique_ptr<TestWorld> make_real_world();
std::unique_ptr<TestWorld> make_sim_world();

}  // namespace swarmlab::runtime_test
