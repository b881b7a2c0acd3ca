// A growable FIFO of small trivially copyable records (in-flight chunks, acknowledgements), stored
// contiguously with power-of-two capacity. It only grows; a flow reuses its storage for its life.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <type_traits>

namespace swarmlab::sim {

template <class T>
class Ring {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }

  T& front() {
    assert(!empty());
    return items_[head_];
  }
  // The index-th record from the front.
  const T& operator[](std::size_t index) const {
    assert(index < count_);
    return items_[(head_ + index) & (capacity_ - 1)];
  }
  T& back() {
    assert(!empty());
    return items_[(head_ + count_ - 1) & (capacity_ - 1)];
  }

  void push_back(const T& item) {
    if (count_ == capacity_) grow();
    items_[(head_ + count_) & (capacity_ - 1)] = item;
    ++count_;
  }

  void pop_front() {
    assert(!empty());
    head_ = (head_ + 1) & (capacity_ - 1);
    --count_;
  }

  void clear() {
    head_ = 0;
    count_ = 0;
  }

 private:
  static constexpr std::size_t capacity_initial = 4;

  void grow() {
    const std::size_t capacity = capacity_ == 0 ? capacity_initial : capacity_ * 2;
    auto items = std::make_unique_for_overwrite<T[]>(capacity);
    for (std::size_t i = 0; i < count_; ++i)
      items[i] = items_[(head_ + i) & (capacity_ - 1)];
    items_ = std::move(items);
    capacity_ = capacity;
    head_ = 0;
  }

  std::unique_ptr<T[]> items_;
  std::size_t capacity_ = 0;  // 0 or a power of two
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace swarmlab::sim
