// Where a scenario's hosts live, behind one small interface, so that one engine (engine.hpp)
// drives both: the deterministic simulator (sim_backend.cpp) and real sockets on loopback
// (real_backend.cpp). The engine adds hosts in order (host index = actor id), schedules its
// actions with at(), and advances time with run_until(); faults that a backend cannot apply are
// rejected before a run starts (real_backend.hpp). Part of scenarios/.
#pragma once

#include "net/host.hpp"
#include "net/time.hpp"
#include "record/run.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

namespace swarmlab::scenarios {

struct ScenarioSpec;

// A host's access link: the simulator models it; real sockets honour the rates only.
struct HostLink {
  std::uint64_t upload_bytes_per_second = 0;  // 0: unlimited
  std::uint64_t download_bytes_per_second = 0;
  net::Duration latency{0};  // one way, host to core
};

class WorldBackend {
 public:
  virtual ~WorldBackend() = default;

  virtual record::Backend kind() const = 0;
  // Adds a host; hosts are numbered 0, 1, ... in the order they are added.
  virtual net::Host& add_host(const HostLink& link) = 0;
  virtual net::Host& host(std::size_t index) = 0;

  // The run's clock: the start of the run, and now (simulated, or the steady clock).
  virtual net::TimePoint start_time() const = 0;
  virtual net::TimePoint now() const = 0;
  // Runs `action` at `time` from the run loop; actions due at the same time run in the order
  // they were scheduled.
  virtual void at(net::TimePoint time, std::function<void()> action) = 0;
  // Runs everything due up to `limit`, or until stop().
  virtual void run_until(net::TimePoint limit) = 0;
  // Makes the current run_until() return soon (from an action or an actor's report).
  virtual void stop() = 0;
  // Events (simulated) or handlers (real) run so far.
  virtual std::uint64_t events() const = 0;
  // A hash over the ordered event stream; none where runs are not deterministic.
  virtual std::optional<std::uint64_t> trace_hash() const = 0;

  // Listening ports: the engine's fixed ports (simulated hosts have the network to themselves),
  // or 0 for ports the system picks (real hosts share the machine with whatever else runs).
  virtual std::uint16_t listen_port(std::uint16_t fixed) const = 0;
  // Whether crash() also closes the sockets the host's actors still hold. Where it does not, the
  // engine closes them itself (stops the peer, drops the tracker's server).
  virtual bool crash_closes_sockets() const = 0;

  // ---- Faults: each takes effect now.
  virtual void crash(std::size_t host) = 0;
  virtual void restart(std::size_t host) = 0;
  virtual void partition(std::span<const std::size_t> side_a, std::span<const std::size_t> side_b,
                         bool one_way) = 0;
  virtual void heal_all() = 0;
  virtual void set_link(std::size_t host, const HostLink& link) = 0;

  // Ends every task while the actors they use still exist; after it the engine destroys its
  // actors, then the backend.
  virtual void end_tasks() = 0;
};

std::unique_ptr<WorldBackend> make_sim_backend(const ScenarioSpec& spec);

}  // namespace swarmlab::scenarios
