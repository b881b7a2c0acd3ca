#include "sim/scheduler.hpp"

namespace swarmlab::sim {

Scheduler::~Scheduler() {
  // The owner (the world) tears down first; here only the queues' own storage remains.
  assert(!running_);
  while (destroy_ready()) {
  }
  events_.clear();
}

void Scheduler::run_ready() {
  while (!ready_.empty() && !stop_requested_) {
    ++counters_.handlers_run;
    ready_.run_front();
  }
}

bool Scheduler::run_until(TimePoint limit, bool advance_clock) {
  assert(!running_);
  running_ = true;
  stop_requested_ = false;
  // A handler may throw (an actor's bug surfaces this way): leave the scheduler runnable.
  struct RunningGuard {
    bool& running;
    bool& firing;
    ~RunningGuard() {
      running = false;
      firing = false;
    }
  } guard{running_, firing_};
  const AsioThread::Scope asio_scope(asio_thread_);
  for (;;) {
    run_ready();
    if (stop_requested_) return false;
    if (events_.empty() || events_.next_time() > limit) break;
    const TimePoint time = events_.next_time();
    assert(time >= now_);
    now_ = time;
    Event& event = events_.pop();
    events_.prefetch_next();
    ++counters_.events_fired;
    trace_.fold(static_cast<std::uint64_t>(now_.time_since_epoch().count()));
    // run_ready() left nothing ready (or the loop would have returned).
    firing_ = true;
    event.fire();
    firing_ = false;
  }
  if (advance_clock && limit != net::time_max && now_ < limit) now_ = limit;
  return events_.empty();
}

bool Scheduler::destroy_ready() {
  assert(!running_);
  const AsioThread::Scope asio_scope(asio_thread_);
  bool destroyed = false;
  while (!ready_.empty()) {
    ready_.destroy_front();
    destroyed = true;
  }
  return destroyed;
}

}  // namespace swarmlab::sim
