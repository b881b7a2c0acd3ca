// The FIFO of handlers that are ready to run at the current simulated instant. Everything the
// executor is given (Asio's own continuations, posted functions, completions of simulated
// operations) waits here, in the order it was queued, which is what makes a run deterministic.
//
// Items live in one growable ring of fixed-size slots. A callable that fits a slot is stored in
// place (no allocation); a larger one is boxed in Asio's executor_function, which draws from
// Asio's per-thread recycling allocator while a world runs.
#pragma once

#include <boost/asio/detail/executor_function.hpp>

#include <cassert>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace swarmlab::sim {

class ReadyQueue {
 public:
  static constexpr std::size_t slot_storage_bytes = 64;
  static constexpr std::size_t capacity_initial = 1024;

  ReadyQueue() : slots_(std::make_unique<Slot[]>(capacity_initial)), capacity_(capacity_initial) {}
  ReadyQueue(const ReadyQueue&) = delete;
  ReadyQueue& operator=(const ReadyQueue&) = delete;
  ~ReadyQueue() {
    while (!empty())
      destroy_front();
  }

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }

  template <class Function>
  void push(Function&& function) {
    using Stored = std::decay_t<Function>;
    if constexpr (fits_in_slot<Stored>()) {
      Slot& slot = claim_back();
      new (slot.storage) Stored(std::forward<Function>(function));
      slot.operations = &operations_for<Stored>;
    } else {
      push(boost::asio::detail::executor_function(std::forward<Function>(function),
                                                  std::allocator<void>()));
    }
  }

  // Takes the oldest item out of the queue, then runs it (it may push more items).
  void run_front() {
    assert(!empty());
    Slot& slot = slots_[head_];
    slot.operations->take_and_run(slot, *this);
  }

  // Takes the oldest item out of the queue and destroys it without running it (teardown).
  void destroy_front() {
    assert(!empty());
    Slot& slot = slots_[head_];
    slot.operations->take_and_destroy(slot, *this);
  }

 private:
  struct Slot;
  struct Operations {
    void (*take_and_run)(Slot&, ReadyQueue&);
    void (*take_and_destroy)(Slot&, ReadyQueue&);
    void (*relocate)(Slot& target, Slot& source);
  };
  struct Slot {
    const Operations* operations;
    alignas(std::max_align_t) std::byte storage[slot_storage_bytes];
  };

  template <class Stored>
  static constexpr bool fits_in_slot() {
    return sizeof(Stored) <= slot_storage_bytes && alignof(Stored) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<Stored>;
  }

  template <class Stored>
  static Stored& object(Slot& slot) {
    return *std::launder(reinterpret_cast<Stored*>(slot.storage));
  }

  Slot& claim_back() {
    if (count_ == capacity_) grow();
    Slot& slot = slots_[(head_ + count_) & (capacity_ - 1)];
    ++count_;
    return slot;
  }

  void release_front() {
    assert(count_ > 0);
    head_ = (head_ + 1) & (capacity_ - 1);
    --count_;
  }

  void grow() {
    const std::size_t capacity = capacity_ * 2;
    auto slots = std::make_unique<Slot[]>(capacity);
    for (std::size_t i = 0; i < count_; ++i) {
      Slot& source = slots_[(head_ + i) & (capacity_ - 1)];
      source.operations->relocate(slots[i], source);
    }
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
  }

  // Static member functions rather than lambdas in operations_for's initialiser: their bodies see
  // the complete class, which an initialiser of a static data member does not.
  template <class Stored>
  static void take_and_run(Slot& slot, ReadyQueue& queue) {
    // Move the callable out first: running it may push into (and grow) this queue.
    Stored callable(std::move(object<Stored>(slot)));
    object<Stored>(slot).~Stored();
    queue.release_front();
    std::move(callable)();
  }

  template <class Stored>
  static void take_and_destroy(Slot& slot, ReadyQueue& queue) {
    // Destroying a handler may post (Asio unwinds an abandoned coroutine through its executor),
    // so the slot is released before the callable dies, at the end of this scope.
    [[maybe_unused]] Stored callable(std::move(object<Stored>(slot)));
    object<Stored>(slot).~Stored();
    queue.release_front();
  }

  template <class Stored>
  static void relocate(Slot& target, Slot& source) {
    new (target.storage) Stored(std::move(object<Stored>(source)));
    object<Stored>(source).~Stored();
    target.operations = source.operations;
  }

  template <class Stored>
  static constexpr Operations operations_for{&take_and_run<Stored>, &take_and_destroy<Stored>,
                                             &relocate<Stored>};

  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_;  // always a power of two
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace swarmlab::sim
