// ThreadPoolDiskIo: runs storage operations on a small pool of threads, off the network thread,
// and resumes each caller on the executor it awaited from (its handler's associated executor).
//
// Scheduling, per operation:
//   started -> waiting (at most waiting_max) -> running (at most in_flight_max) -> done
// Operations on one piece run one at a time, in the order they were started: a hash never reads a
// piece while a write to it is still running, even a write whose caller stopped waiting.
// Operations without a piece (flush) take any free slot.
//
// Cancellation (the awaiting coroutine's slot): a waiting operation is removed and never runs; a
// running one is abandoned: the caller resumes at once with operation_aborted, the worker finishes
// on the job's own buffers and the result is dropped. Total cancellation (no side effects allowed)
// is honoured only while the operation waits. The caller's executor keeps outstanding work until
// the job is done, so io_context::run() does not return under a running job.
//
// Lifetime: destroy a ThreadPoolDiskIo before the executors its callers run on; its destructor
// aborts the waiting operations and waits for the running ones.
#pragma once

#include "actors/peer/storage/disk_io.hpp"
#include "actors/peer/storage/limits.hpp"

#include <boost/asio/thread_pool.hpp>

namespace swarmlab::peer::storage {

struct ThreadPoolOptions {
  std::size_t thread_count = 2;
  // Jobs handed to the pool at once; a few more than threads keep every thread busy.
  std::size_t in_flight_max = 4;
  // Jobs held back beyond that; one more completes with no_buffer_space.
  std::size_t waiting_max = 1024;
};

class ThreadPoolDiskIo final : public DiskIo {
 public:
  ThreadPoolDiskIo(std::unique_ptr<Storage> storage, ThreadPoolOptions options = {});
  ~ThreadPoolDiskIo() override;

 protected:
  asio::awaitable<error_code> execute(std::shared_ptr<DiskJob> job) override;

 private:
  struct Operation;
  class Scheduler;

  std::shared_ptr<Scheduler> scheduler_;
  asio::thread_pool pool_;
};

}  // namespace swarmlab::peer::storage
