// Marks the thread that runs a world as one of Asio's own scheduler threads for the duration of a
// run. Asio then serves its frequent small allocations (coroutine frames, type-erased handlers,
// executor functions) from its per-thread recycling cache, as it does inside io_context::run(),
// instead of from malloc. This relies on Asio's detail::thread_context, which io_context itself
// uses; it only changes where memory comes from, never what runs or in which order.
#pragma once

#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/detail/thread_info_base.hpp>

namespace swarmlab::sim {

class AsioThread : private boost::asio::detail::thread_context {
 public:
  AsioThread() = default;
  AsioThread(const AsioThread&) = delete;
  AsioThread& operator=(const AsioThread&) = delete;

  // While a Scope lives, Asio sees this thread as running our context.
  class Scope {
   public:
    explicit Scope(AsioThread& thread) : context_(thread.key(), thread.info_) {}

   private:
    thread_call_stack::context context_;
  };

 private:
  boost::asio::detail::thread_context* key() { return this; }
  boost::asio::detail::thread_info_base info_;
};

}  // namespace swarmlab::sim
