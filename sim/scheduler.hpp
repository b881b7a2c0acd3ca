// The scheduler: the simulated world's clock, its event queue, its ready FIFO and its run loop.
//
// Time is an integer count of nanoseconds that moves only here. The loop runs every ready handler
// (in FIFO order, including those they queue), then pops the earliest event, sets the clock to its
// time and fires it, and repeats. One thread; no wall clock; no decision depends on an address.
//
// Completions of simulated operations go through complete(): the handler is queued and, when its
// turn comes, runs directly if its associated executor is this world's executor, or is dispatched
// to whatever executor it is associated with (a strand, say). Never inline in the initiating call.
#pragma once

#include "sim/asio_thread.hpp"
#include "sim/event_queue.hpp"
#include "sim/executor.hpp"
#include "sim/ready_queue.hpp"
#include "sim/trace.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution_context.hpp>

#include <cassert>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

namespace swarmlab::sim {

struct SchedulerCounters {
  std::uint64_t events_fired = 0;
  std::uint64_t handlers_run = 0;
};

class Scheduler {
 public:
  Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  TimePoint now() const { return now_; }
  Executor executor() { return Executor(*this); }
  boost::asio::execution_context& context() { return context_; }
  bool owns(const Executor& executor) const { return &executor.scheduler() == this; }

  void schedule(Event& event, TimePoint time) {
    assert(time >= now_);
    events_.schedule(event, time);
  }
  void schedule_after(Event& event, Duration delay) {
    assert(delay.count() >= 0);
    events_.schedule(event, now_ + delay);
  }
  void cancel(Event& event) { events_.cancel(event); }
  TimePoint time_of(const Event& event) const { return events_.time_of(event); }
  std::size_t events_pending() const { return events_.size(); }

  template <class Function>
  void post(Function&& function) {
    ready_.push(std::forward<Function>(function));
  }

  // Queues handler(args...) as the completion of a simulated operation.
  template <class Handler, class... Args>
  void complete(Handler&& handler, Args&&... args);
  // The same, from an event's fire() that returns right after this call: when nothing else is
  // ready, the completion would be the next thing to run anyway, so it runs now, which saves the
  // trip through the ready queue. It never runs inside an initiating call: events fire only from
  // the run loop.
  template <class Handler, class... Args>
  void complete_as_event_end(Handler&& handler, Args&&... args);

  // Runs until no event is due at or before `limit` (and no handler is ready), or until stop().
  // With `advance_clock` the clock then reads `limit` (unless stopped early, or `limit` is
  // time_max); without, it stays at the last event. Returns whether nothing is left at all.
  bool run_until(TimePoint limit, bool advance_clock = true);
  // Makes the current run_until() return after the handler or event that called it.
  void stop() { stop_requested_ = true; }
  bool running() const { return running_; }

  TraceHash& trace() { return trace_; }
  const TraceHash& trace() const { return trace_; }
  const SchedulerCounters& counters() const { return counters_; }

  // Teardown: destroys every queued handler (and whatever they own) without running it. Returns
  // whether there was anything to destroy.
  bool destroy_ready();
  // Teardown: forgets every scheduled event; their owners are about to go.
  void clear_events() { events_.clear(); }

 private:
  template <class Handler, class... Args>
  class Completion;

  void run_ready();

  TimePoint now_{};
  EventQueue events_;
  ReadyQueue ready_;
  TraceHash trace_;
  SchedulerCounters counters_;
  boost::asio::execution_context context_;
  AsioThread asio_thread_;
  bool running_ = false;
  bool stop_requested_ = false;
  // An event is firing (and had nothing ready before it): see complete_as_event_end().
  bool firing_ = false;
};

template <class Handler, class... Args>
class Scheduler::Completion {
 public:
  Completion(Scheduler& scheduler, Handler handler, Args... args)
      : scheduler_(&scheduler), handler_(std::move(handler)), arguments_(std::move(args)...) {}
  Completion(Completion&&) noexcept = default;

  void operator()() {
    auto executor = boost::asio::get_associated_executor(handler_, scheduler_->executor());
    const Executor* own = as_own(executor);
    if (own != nullptr && scheduler_->owns(*own)) {
      std::apply(std::move(handler_), std::move(arguments_));
      return;
    }
    boost::asio::dispatch(
        executor, [handler = std::move(handler_), arguments = std::move(arguments_)]() mutable {
          std::apply(std::move(handler), std::move(arguments));
        });
  }

 private:
  template <class AnyExecutor>
  static const Executor* as_own(const AnyExecutor& executor) {
    if constexpr (std::is_same_v<AnyExecutor, Executor>) {
      return &executor;
    } else {
      return executor.template target<Executor>();
    }
  }

  Scheduler* scheduler_;
  Handler handler_;
  std::tuple<Args...> arguments_;
};

template <class Handler, class... Args>
void Scheduler::complete(Handler&& handler, Args&&... args) {
  ready_.push(Completion<std::decay_t<Handler>, std::decay_t<Args>...>(
      *this, std::forward<Handler>(handler), std::forward<Args>(args)...));
}

template <class Handler, class... Args>
void Scheduler::complete_as_event_end(Handler&& handler, Args&&... args) {
  if (!firing_ || !ready_.empty() || stop_requested_) {
    complete(std::forward<Handler>(handler), std::forward<Args>(args)...);
    return;
  }
  firing_ = false;
  ++counters_.handlers_run;
  Completion<std::decay_t<Handler>, std::decay_t<Args>...>(*this, std::forward<Handler>(handler),
                                                           std::forward<Args>(args)...)();
}

inline boost::asio::execution_context& Executor::query(
    boost::asio::execution::context_t) const noexcept {
  return scheduler_->context();
}

template <class Function>
void Executor::execute(Function&& function) const {
  scheduler_->post(std::forward<Function>(function));
}

}  // namespace swarmlab::sim
