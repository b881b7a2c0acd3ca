// TrackerWorld: the few things a whole-swarm tracker test needs from a backend, so the same test
// runs on real loopback sockets (RealHosts on 127.1.x.y) and, once the simulator is available, in
// a simulated world with virtual time.
#pragma once

#include "net/host.hpp"

#include <functional>
#include <memory>
#include <string>

namespace swarmlab::tracker::test {

class TrackerWorld {
 public:
  virtual ~TrackerWorld() = default;
  // A new host with one IPv4 address of its own.
  virtual net::Host& add_host() = 0;
  // Runs the world until `done()` or until `limit` has passed (wall clock on real sockets,
  // virtual time in a simulation); returns done().
  virtual bool run_until(const std::function<bool()>& done, net::Duration limit) = 0;
  // Lets `duration` pass with everything running.
  virtual void run_for(net::Duration duration) = 0;
  virtual net::TimePoint now() const = 0;
  // Cancels every host's tasks and runs until they have ended (before what they use goes away).
  virtual void cancel_all() = 0;
  virtual std::string name() const = 0;
};

std::unique_ptr<TrackerWorld> make_real_tracker_world();
// By backend name: "real" (and "sim" once the simulator is part of the build).
std::unique_ptr<TrackerWorld> make_tracker_world(const std::string& backend);

}  // namespace swarmlab::tracker::test
