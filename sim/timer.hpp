// The simulated timer behind net::Timer: one pending wait at a time, completed by an event at its
// expiry, or with operation_aborted when cancelled (cancel(), a new expiry, the handler's
// cancellation slot, a crash of its host). A wait until net::time_max never expires.
#pragma once

#include "net/host.hpp"
#include "sim/event_queue.hpp"
#include "sim/graveyard.hpp"
#include "sim/ids.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/pending.hpp"

namespace swarmlab::sim {

class Host;
class World;
struct HostTimersTag;

class SimTimer final : public net::TimerBackend, public ListHook<HostTimersTag> {
 public:
  explicit SimTimer(Host& host);
  ~SimTimer() override;

  boost::asio::any_io_executor executor() override;
  void wait(TimePoint expiry, net::WaitHandler handler) override;
  std::size_t cancel() override;

  // A crash of the host: fail a pending wait with operation_aborted.
  void abort();
  // Teardown: hand a pending handler over without running it; then forget the host.
  void take_pending(HandlerGraveyard& graveyard);
  void detach();

 private:
  void expire();
  void prefetch_expiry() const { pending_.prefetch(); }
  void complete_now(net::error_code error);

  // What the hot path needs sits together, and avoids touching the Host object.
  MemberEvent<SimTimer, &SimTimer::expire, &SimTimer::prefetch_expiry> expiry_event_{*this};
  Pending<void(net::error_code)> pending_;
  World* world_;
  HostId host_id_;
  Host* host_;
};

}  // namespace swarmlab::sim
