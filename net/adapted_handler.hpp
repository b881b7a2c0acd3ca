// AdaptedHandler: lets a backend put a small step (convert a socket into a Stream, copy an Asio
// endpoint into the caller's Endpoint) between an Asio operation and the caller's type-erased
// handler, without the caller noticing. The wrapper reports the caller's handler as its own for
// every Asio associator (executor, allocator, cancellation slot), so the wrapped operation
// completes on the caller's executor and per-operation cancellation reaches it exactly as if the
// caller's handler had been passed straight through.
#pragma once

#include <boost/asio/associator.hpp>

#include <utility>

namespace swarmlab::net {

// On completion calls `step(std::move(handler), results...)`; `step` must call the handler exactly
// once (it is already running on the handler's executor, so it calls it directly).
template <class Handler, class Step>
class AdaptedHandler {
 public:
  AdaptedHandler(Handler handler, Step step)
      : handler_(std::move(handler)), step_(std::move(step)) {}

  template <class... Results>
  void operator()(Results&&... results) {
    std::move(step_)(std::move(handler_), std::forward<Results>(results)...);
  }

  const Handler& handler() const noexcept { return handler_; }

 private:
  Handler handler_;
  Step step_;
};

}  // namespace swarmlab::net

template <template <class, class> class Associator, class Handler, class Step,
          class DefaultCandidate>
struct boost::asio::associator<Associator, swarmlab::net::AdaptedHandler<Handler, Step>,
                               DefaultCandidate> {
  using type = typename Associator<Handler, DefaultCandidate>::type;

  static type get(const swarmlab::net::AdaptedHandler<Handler, Step>& adapted) noexcept {
    return Associator<Handler, DefaultCandidate>::get(adapted.handler());
  }

  static auto get(const swarmlab::net::AdaptedHandler<Handler, Step>& adapted,
                  const DefaultCandidate& candidate) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(adapted.handler(), candidate)) {
    return Associator<Handler, DefaultCandidate>::get(adapted.handler(), candidate);
  }
};
