#include "actors/peer/storage/thread_pool_disk_io.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <list>
#include <mutex>

namespace swarmlab::peer::storage {

using DiskHandler = asio::any_completion_handler<void(error_code)>;

// One started operation. Shared by the waiting list or the worker that runs it, and the
// completion posted to the caller; the caller's cancellation slot holds only a weak reference, so
// an abandoned coroutine frame and its operation never keep each other alive.
struct ThreadPoolDiskIo::Operation {
  std::shared_ptr<DiskJob> job;
  // Boost 1.81: never move-assign an any_completion_handler; emplace and reset only.
  std::optional<DiskHandler> handler;
  asio::cancellation_slot slot;
  // The caller's executor, with outstanding work tracked until this operation is destroyed.
  asio::any_io_executor executor;
  // Set by whichever comes first, the worker's completion or the caller's cancellation.
  std::atomic<bool> completed{false};
  // Guarded by the scheduler's mutex.
  bool waiting = false;
  std::list<std::shared_ptr<Operation>>::iterator position;

  // Resumes the caller with `error`, once, on its own executor (never inline).
  static void complete(const std::shared_ptr<Operation>& operation, error_code error) {
    if (operation->completed.exchange(true)) return;
    asio::post(operation->executor, [operation, error] {
      assert(operation->handler.has_value());
      operation->slot.clear();
      DiskHandler resumed(std::move(*operation->handler));
      operation->handler.reset();
      std::move(resumed)(error);
    });
  }
};

// The waiting list and the slots, shared by the callers' threads and the workers.
class ThreadPoolDiskIo::Scheduler : public std::enable_shared_from_this<Scheduler> {
 public:
  Scheduler(Storage& storage, asio::thread_pool& pool, ThreadPoolOptions options)
      : storage_(storage), pool_(pool), options_(options) {}

  void start(const std::shared_ptr<Operation>& operation);
  // From the caller's thread, inside its cancellation signal.
  void cancel(const std::shared_ptr<Operation>& operation, asio::cancellation_type type);
  // From the destructor: aborts the waiting operations and lets no more run.
  void close();

 private:
  using Ready = std::vector<std::shared_ptr<Operation>>;

  // Moves the operations that may run now from the waiting list to the slots.
  Ready take_ready_locked();
  void submit(Ready ready);
  void finish(const std::shared_ptr<Operation>& operation);

  Storage& storage_;
  asio::thread_pool& pool_;
  const ThreadPoolOptions options_;
  std::mutex mutex_;
  // Everything below is guarded by mutex_.
  bool closed_ = false;
  std::list<std::shared_ptr<Operation>> waiting_;  // at most options_.waiting_max
  std::size_t in_flight_ = 0;                      // at most options_.in_flight_max
  std::vector<PieceIndex> busy_pieces_;            // pieces with a job in flight
};

void ThreadPoolDiskIo::Scheduler::start(const std::shared_ptr<Operation>& operation) {
  Ready ready;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      Operation::complete(operation, asio::error::operation_aborted);
      return;
    }
    if (waiting_.size() >= options_.waiting_max) {
      Operation::complete(operation, asio::error::no_buffer_space);
      return;
    }
    operation->waiting = true;
    operation->position = waiting_.insert(waiting_.end(), operation);
    ready = take_ready_locked();
  }
  submit(std::move(ready));
}

ThreadPoolDiskIo::Scheduler::Ready ThreadPoolDiskIo::Scheduler::take_ready_locked() {
  Ready ready;
  // Pieces of earlier waiting jobs: a later job on the same piece must not overtake them.
  std::vector<PieceIndex> blocked;
  for (auto it = waiting_.begin(); it != waiting_.end() && in_flight_ < options_.in_flight_max;) {
    const std::optional<PieceIndex> piece = (*it)->job->piece();
    const auto holds = [&](const std::vector<PieceIndex>& pieces) {
      return piece && std::find(pieces.begin(), pieces.end(), *piece) != pieces.end();
    };
    if (holds(busy_pieces_) || holds(blocked)) {
      if (piece) blocked.push_back(*piece);
      ++it;
      continue;
    }
    if (piece) busy_pieces_.push_back(*piece);
    ++in_flight_;
    (*it)->waiting = false;
    ready.push_back(std::move(*it));
    it = waiting_.erase(it);
  }
  assert(in_flight_ <= options_.in_flight_max);
  assert(busy_pieces_.size() <= in_flight_);
  return ready;
}

void ThreadPoolDiskIo::Scheduler::submit(Ready ready) {
  for (auto& operation : ready) {
    asio::post(pool_, [self = shared_from_this(), operation = std::move(operation)] {
      operation->job->run(self->storage_);
      self->finish(operation);
    });
  }
}

void ThreadPoolDiskIo::Scheduler::finish(const std::shared_ptr<Operation>& operation) {
  Ready ready;
  {
    std::lock_guard lock(mutex_);
    assert(in_flight_ > 0);
    --in_flight_;
    if (const auto piece = operation->job->piece()) {
      const auto it = std::find(busy_pieces_.begin(), busy_pieces_.end(), *piece);
      assert(it != busy_pieces_.end());
      busy_pieces_.erase(it);
    }
    if (!closed_) ready = take_ready_locked();
  }
  submit(std::move(ready));
  Operation::complete(operation, error_code{});
}

void ThreadPoolDiskIo::Scheduler::cancel(const std::shared_ptr<Operation>& operation,
                                         asio::cancellation_type type) {
  bool removed = false;
  {
    std::lock_guard lock(mutex_);
    if (operation->waiting) {
      waiting_.erase(operation->position);
      operation->waiting = false;
      removed = true;
    }
  }
  // A running job may still change the storage: only terminal and partial cancellation allow
  // the caller to leave before it ends.
  constexpr auto side_effects_allowed =
      asio::cancellation_type::terminal | asio::cancellation_type::partial;
  if (!removed && (type & side_effects_allowed) == asio::cancellation_type::none) return;
  Operation::complete(operation, asio::error::operation_aborted);
}

void ThreadPoolDiskIo::Scheduler::close() {
  std::list<std::shared_ptr<Operation>> aborted;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    aborted.swap(waiting_);
    for (auto& operation : aborted)
      operation->waiting = false;
  }
  for (auto& operation : aborted)
    Operation::complete(operation, asio::error::operation_aborted);
}

ThreadPoolDiskIo::ThreadPoolDiskIo(std::unique_ptr<Storage> storage, ThreadPoolOptions options)
    : DiskIo(std::move(storage)), pool_(options.thread_count) {
  assert(options.thread_count > 0 && options.thread_count <= disk_thread_count_max);
  assert(options.in_flight_max > 0 && options.in_flight_max <= disk_in_flight_max);
  assert(options.waiting_max <= disk_waiting_max);
  scheduler_ = std::make_shared<Scheduler>(this->storage(), pool_, options);
}

ThreadPoolDiskIo::~ThreadPoolDiskIo() {
  scheduler_->close();
  // The running jobs use the storage, which the base class destroys after this body.
  pool_.join();
}

asio::awaitable<error_code> ThreadPoolDiskIo::execute(std::shared_ptr<DiskJob> job) {
  assert(job != nullptr);
  auto initiation = [scheduler = scheduler_](auto handler, std::shared_ptr<DiskJob> started) {
    auto operation = std::make_shared<Operation>();
    operation->job = std::move(started);
    operation->slot = asio::get_associated_cancellation_slot(handler);
    operation->executor = asio::prefer(asio::get_associated_executor(handler),
                                       asio::execution::outstanding_work.tracked);
    operation->handler.emplace(std::move(handler));
    if (operation->slot.is_connected()) {
      operation->slot.assign(
          [weak_operation = std::weak_ptr<Operation>(operation),
           weak_scheduler = std::weak_ptr<Scheduler>(scheduler)](asio::cancellation_type type) {
            auto cancelled = weak_operation.lock();
            auto owner = weak_scheduler.lock();
            if (cancelled && owner) owner->cancel(cancelled, type);
          });
    }
    scheduler->start(operation);
  };
  auto token = asio::as_tuple(asio::use_awaitable);
  auto [error] = co_await asio::async_initiate<decltype(token), void(error_code)>(
      std::move(initiation), token, std::move(job));
  co_return error;
}

}  // namespace swarmlab::peer::storage
