#include "sim/timer.hpp"

#include "sim/host.hpp"
#include "sim/world.hpp"

#include <boost/asio/error.hpp>

namespace swarmlab::sim {

SimTimer::SimTimer(Host& host) : world_(&host.world()), host_id_(host.id()), host_(&host) {
  host.timers().push_back(*this);
}

SimTimer::~SimTimer() {
  if (host_ == nullptr) {
    assert(!pending_.active());
    return;
  }
  // Like an Asio timer: destroying it cancels a pending wait.
  if (pending_.active()) complete_now(boost::asio::error::operation_aborted);
  host_->timers().erase(*this);
}

boost::asio::any_io_executor SimTimer::executor() {
  return world_->executor();
}

void SimTimer::wait(TimePoint expiry, net::WaitHandler handler) {
  assert(host_ != nullptr);
  assert(!pending_.active());
  Scheduler& scheduler = world_->scheduler();
  pending_.start(std::move(handler), [this] {
    world_->scheduler().cancel(expiry_event_);
    world_->trace().record(TraceKind::timer_cancel, index_of(host_id_), 0);
    world_->scheduler().complete(pending_.take_cancelled(),
                                 net::error_code(boost::asio::error::operation_aborted));
  });
  if (!world_->host_up(host_id_)) {
    complete_now(boost::asio::error::operation_aborted);
  } else if (expiry <= scheduler.now()) {
    complete_now(net::error_code());
  } else if (expiry != net::time_max) {
    scheduler.schedule(expiry_event_, expiry);
  }
  // A wait until time_max only ends by cancellation (a writer parked until woken): it holds no
  // event. Scheduled, every such wait would stay in the queue after its cancellation until a time
  // that never comes.
}

std::size_t SimTimer::cancel() {
  if (!pending_.active()) return 0;
  world_->trace().record(TraceKind::timer_cancel, index_of(host_id_), 0);
  complete_now(boost::asio::error::operation_aborted);
  return 1;
}

void SimTimer::abort() {
  if (pending_.active()) complete_now(boost::asio::error::operation_aborted);
}

void SimTimer::take_pending(HandlerGraveyard& graveyard) {
  if (!pending_.active()) return;
  world_->scheduler().cancel(expiry_event_);
  graveyard.waits.push_back(pending_.take());
}

void SimTimer::detach() {
  assert(!pending_.active());
  assert(host_ != nullptr);
  host_->timers().erase(*this);
  host_ = nullptr;
  expiry_event_.forget_queue();
}

void SimTimer::expire() {
  assert(pending_.active());
  ++world_->network_counters().timers_fired;
  world_->trace().record(TraceKind::timer_expiry, index_of(host_id_), 0);
  world_->scheduler().complete_as_event_end(pending_.take(), net::error_code());
}

void SimTimer::complete_now(net::error_code error) {
  assert(pending_.active());
  world_->scheduler().cancel(expiry_event_);
  world_->scheduler().complete(pending_.take(), error);
}

}  // namespace swarmlab::sim
