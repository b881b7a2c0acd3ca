// sim::Executor: the Asio executor of a simulated world. Handlers given to it (coroutine
// continuations, posted functions, completions) are queued in the scheduler's ready FIFO and run by
// the world's run loop on the thread that drives it; execute() never runs anything inline.
//
// It models Asio's standard executor concept with the properties any_io_executor needs (a context
// to query, blocking.never), so actors hold it as any_io_executor and co_spawn, awaitables,
// async_compose, Beast and the awaitable operators work on it unchanged.
#pragma once

#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>

#include <cassert>
#include <utility>

namespace swarmlab::sim {

class Scheduler;

class Executor {
 public:
  explicit Executor(Scheduler& scheduler) noexcept : scheduler_(&scheduler) {}

  boost::asio::execution_context& query(boost::asio::execution::context_t) const noexcept;
  static constexpr boost::asio::execution::blocking_t query(
      boost::asio::execution::blocking_t) noexcept {
    return boost::asio::execution::blocking.never;
  }
  Executor require(boost::asio::execution::blocking_t::never_t) const noexcept { return *this; }

  // Defined in scheduler.hpp, which every user of the executor includes.
  template <class Function>
  void execute(Function&& function) const;

  Scheduler& scheduler() const noexcept { return *scheduler_; }

  friend bool operator==(const Executor& left, const Executor& right) noexcept {
    return left.scheduler_ == right.scheduler_;
  }
  friend bool operator!=(const Executor& left, const Executor& right) noexcept {
    return left.scheduler_ != right.scheduler_;
  }

 private:
  Scheduler* scheduler_;
};

}  // namespace swarmlab::sim
