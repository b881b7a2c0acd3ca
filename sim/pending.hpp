// One outstanding asynchronous operation: its type-erased handler, wired to the handler's
// per-operation cancellation slot.
//
// Asio's rule for cancellation handlers applies: the handler installed in the slot is cleared when
// the operation completes normally (take()), but not from inside the cancellation itself
// (take_cancelled(): clearing a slot from within its own emit would destroy the running handler);
// there the awaiting coroutine clears it when it resumes. The handler is held in std::optional and
// never move-assigned (any_completion_handler's move assignment recurses in Boost 1.81).
#pragma once

#include "sim/prefetch.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>

#include <cassert>
#include <cstddef>
#include <cstring>
#include <optional>
#include <utility>

namespace swarmlab::sim {

template <class Signature>
class Pending {
 public:
  using Handler = boost::asio::any_completion_handler<Signature>;

  Pending() = default;
  Pending(const Pending&) = delete;
  Pending& operator=(const Pending&) = delete;
  // The owner completes or takes its handler before it goes away.
  ~Pending() { assert(!active()); }

  bool active() const { return handler_.has_value(); }

  // Stores `handler`; `on_cancel()` runs if its slot is emitted with terminal, partial or total
  // cancellation while the operation is outstanding.
  template <class OnCancel>
  void start(Handler handler, OnCancel on_cancel) {
    assert(!active());
    assert(handler);
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    filter_ = nullptr;
    signal_ = nullptr;
    if (slot.is_connected()) {
      filter_ = &slot.template emplace<Filter<OnCancel>>(std::move(on_cancel));
      signal_ = word<0>(slot);
    }
    handler_.emplace(std::move(handler));
  }

  // Asks the processor to load what completing the operation touches first: the handler's
  // type-erased state, and the slot's signal and the filter installed in it. The event that
  // completes the operation calls this shortly before it fires.
  void prefetch() const {
    if (!handler_) return;
    // any_completion_handler holds {function table, state}.
    sim::prefetch(word<1>(*handler_));
    sim::prefetch(signal_);
    sim::prefetch(filter_);
  }

  // Takes the handler out to complete it normally (or to destroy it at teardown).
  Handler take() {
    assert(active());
    Handler handler(std::move(*handler_));
    handler_.reset();
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) slot.clear();
    return handler;
  }

  // Takes the handler out from inside its cancellation handler.
  Handler take_cancelled() {
    assert(active());
    Handler handler(std::move(*handler_));
    handler_.reset();
    return handler;
  }

 private:
  template <class OnCancel>
  struct Filter {
    // Asio constructs the handler it stores with parentheses, which initialise an aggregate only
    // in compilers that implement C++20's parenthesised aggregate initialisation.
    explicit Filter(OnCancel on_cancel_function) : on_cancel(std::move(on_cancel_function)) {}
    OnCancel on_cancel;
    void operator()(boost::asio::cancellation_type_t type) {
      using boost::asio::cancellation_type;
      if ((type & (cancellation_type::terminal | cancellation_type::partial |
                   cancellation_type::total)) != cancellation_type::none) {
        on_cancel();
      }
    }
  };

  // Asio keeps the addresses prefetch() wants private: they are read as raw pointer-sized words
  // of Boost 1.81's objects (a cancellation_slot is {signal}). Under another layout the
  // prefetches load useless lines, which costs a little time and nothing else.
  template <std::size_t Index, class Object>
  static const void* word(const Object& object) {
    static_assert(sizeof(Object) >= (Index + 1) * sizeof(void*));
    const void* value = nullptr;
    std::memcpy(&value,
                static_cast<const char*>(static_cast<const void*>(&object)) + Index * sizeof(value),
                sizeof(value));
    return value;
  }

  std::optional<Handler> handler_;
  // Where the filter installed in the handler's slot lives, and the slot's signal (null when the
  // handler has no slot): hints for prefetch().
  const void* filter_ = nullptr;
  const void* signal_ = nullptr;
};

}  // namespace swarmlab::sim
