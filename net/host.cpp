#include "net/host.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <vector>

namespace swarmlab::net {

struct Host::Task {
  asio::cancellation_signal signal;
};

Result<std::size_t> StreamBackend::try_read_some(MutableBuffers) {
  return error_code(asio::error::would_block);
}

Result<std::size_t> StreamBackend::try_write_some(ConstBuffers) {
  return error_code(asio::error::would_block);
}

Result<std::size_t> DatagramBackend::try_receive_from(MutableBuffers, Endpoint&) {
  return error_code(asio::error::would_block);
}

Result<std::size_t> DatagramBackend::try_send_to(ConstBuffers, const Endpoint&) {
  return error_code(asio::error::would_block);
}

Result<std::size_t> DatagramBackend::try_receive_many(std::span<DatagramSlot> slots) {
  std::size_t done = 0;
  for (DatagramSlot& slot : slots) {
    const auto received = try_receive_from(MutableBuffers::from(slot.buffer), slot.peer);
    if (!received) {
      if (done == 0) return received.error();
      break;
    }
    slot.size_bytes = *received;
    ++done;
  }
  return done;
}

Result<std::size_t> DatagramBackend::try_send_many(std::span<const DatagramSlot> slots) {
  std::size_t done = 0;
  for (const DatagramSlot& slot : slots) {
    const asio::const_buffer bytes(slot.buffer.data(), slot.size_bytes);
    const auto sent = try_send_to(ConstBuffers::from(bytes), slot.peer);
    if (!sent) {
      if (done == 0) return sent.error();
      break;
    }
    ++done;
  }
  return done;
}

Host::Host() = default;
Host::~Host() = default;

asio::awaitable<void> Host::sleep(Duration duration) {
  Timer timer = make_timer();
  timer.expires_at(now() + duration);
  co_await timer.async_wait(asio::use_awaitable);
}

bool is_cancellation(std::exception_ptr failure) {
  // `a || b` (and `a && b` when both fail) rethrow the first failure wrapped in
  // multiple_exceptions; a task cancelled while it waited on either must still count as
  // cancelled, not as a bug. Each operator adds one level; a bounded unwrap covers real nesting.
  constexpr int nesting_max = 16;
  for (int level = 0; level < nesting_max && failure; ++level) {
    try {
      std::rethrow_exception(failure);
    } catch (const asio::multiple_exceptions& wrapped) {
      failure = wrapped.first_exception();
    } catch (const boost::system::system_error& error) {
      return error.code() == asio::error::operation_aborted;
    } catch (...) {
      return false;
    }
  }
  return false;
}

namespace {

// The completion handler of a spawned task. It is a named type with only a cancellation slot
// association, not a lambda wrapped in bind_cancellation_slot: Boost 1.81's co_spawn treats a
// handler with any executor association (cancellation_slot_binder forwards one) as possibly
// foreign and relays every emission through dispatch() with a raw pointer into the slot's
// memory. Called from outside the executor's run() (a test or app stopping its hosts), that
// dispatch becomes a post, and a task that finishes before the posted emission runs has its
// signal freed under it. Without the association co_spawn emits inline, within cancel_tasks().
template <class Finish>
class TaskExit {
 public:
  using cancellation_slot_type = asio::cancellation_slot;

  TaskExit(asio::cancellation_slot slot, Finish finish) : slot_(slot), finish_(std::move(finish)) {}

  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }
  void operator()(std::exception_ptr failure) { finish_(failure); }

 private:
  asio::cancellation_slot slot_;
  Finish finish_;
};

}  // namespace

void Host::spawn(asio::awaitable<void> task, ExitHandler on_exit) {
  auto entry = tasks_.insert(tasks_.end(), std::make_unique<Task>());
  auto slot = (*entry)->signal.slot();
  auto finish = [this, entry, on_exit = std::move(on_exit)](std::exception_ptr failure) {
    tasks_.erase(entry);
    if (on_exit) {
      on_exit(failure);
    } else if (failure && !is_cancellation(failure)) {
      std::rethrow_exception(failure);
    }
  };
  asio::co_spawn(get_executor(), std::move(task), TaskExit(slot, std::move(finish)));
}

void Host::cancel_tasks() {
  // Emitting may finish a task and erase its entry; work on a snapshot of the signals.
  std::vector<asio::cancellation_signal*> signals;
  signals.reserve(tasks_.size());
  for (auto& task : tasks_)
    signals.push_back(&task->signal);
  for (auto* signal : signals)
    signal->emit(asio::cancellation_type::terminal);
}

}  // namespace swarmlab::net
