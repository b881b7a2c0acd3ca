// RealTimer: a steady_timer (see real_sockets.hpp).
#include "net/real_sockets.hpp"

namespace swarmlab::net {

void RealTimer::wait(TimePoint expiry, WaitHandler handler) {
  const auto target = to_steady(expiry);
  // Setting the expiry cancels pending waits; leave it alone when it already matches, so that
  // several waiters on the same expiry (legal with steady_timer) do not cancel each other.
  if (timer_.expiry() != target) timer_.expires_at(target);
  start_operation(timer_.get_executor(), std::move(handler),
                  [&](auto ready) { timer_.async_wait(std::move(ready)); });
}

}  // namespace swarmlab::net
