// A minimal intrusive doubly linked list. The simulator keeps its per-host registries (timers,
// connections, sockets) and its per-link round-robin rings in these lists: insertion order is the
// iteration order, so walking one is deterministic, and linking or unlinking never allocates.
//
// An element joins a list by deriving from ListHook<Tag>; one tag per list it can be in.
#pragma once

#include <cassert>
#include <cstddef>

namespace swarmlab::sim {

template <class Tag>
class ListHook {
 public:
  ListHook() = default;
  ListHook(const ListHook&) = delete;
  ListHook& operator=(const ListHook&) = delete;
  ~ListHook() { assert(!linked()); }

  bool linked() const { return next_ != nullptr; }

 private:
  template <class T, class ListTag>
  friend class IntrusiveList;
  ListHook* previous_ = nullptr;
  ListHook* next_ = nullptr;
};

template <class T, class Tag>
class IntrusiveList {
  using Hook = ListHook<Tag>;

 public:
  IntrusiveList() { head_.previous_ = head_.next_ = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  ~IntrusiveList() {
    assert(empty());
    head_.previous_ = head_.next_ = nullptr;
  }

  bool empty() const { return head_.next_ == &head_; }
  std::size_t size() const { return size_; }

  T& front() {
    assert(!empty());
    return owner(head_.next_);
  }

  void push_back(T& item) {
    Hook& hook = item;
    assert(!hook.linked());
    hook.previous_ = head_.previous_;
    hook.next_ = &head_;
    head_.previous_->next_ = &hook;
    head_.previous_ = &hook;
    ++size_;
  }

  void erase(T& item) {
    Hook& hook = item;
    assert(hook.linked());
    assert(size_ > 0);
    hook.previous_->next_ = hook.next_;
    hook.next_->previous_ = hook.previous_;
    hook.previous_ = hook.next_ = nullptr;
    --size_;
  }

  T& pop_front() {
    T& item = front();
    erase(item);
    return item;
  }

  // Moves the front element to the back (one round-robin step).
  void rotate() {
    assert(!empty());
    push_back(pop_front());
  }

  // Calls `visit` on every element in order. `visit` may unlink the element it is given (and only
  // that one), which is how registries are torn down.
  template <class Visit>
  void for_each(Visit&& visit) {
    Hook* hook = head_.next_;
    while (hook != &head_) {
      Hook* next = hook->next_;
      visit(owner(hook));
      hook = next;
    }
  }

 private:
  static T& owner(Hook* hook) { return static_cast<T&>(*hook); }

  Hook head_;
  std::size_t size_ = 0;
};

}  // namespace swarmlab::sim
