#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/phantom_storage.hpp"
#include "actors/peer/storage/thread_pool_disk_io.hpp"

#include "tests/storage/test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace swarmlab::peer::storage {
namespace {

using namespace std::chrono_literals;
using testing::expected_content;
using testing::with_hashes;

const Payload payload = Payload::from_seed(99, 3);
constexpr std::uint32_t block_bytes = 16;

// 8 pieces of 64 bytes in two files.
std::shared_ptr<const StorageLayout> small_layout() {
  return with_hashes(
      make_multi_file_layout("io", 64,
                             {{.path = {"a"}, .length_bytes = 200, .is_padding = false},
                              {.path = {"b"}, .length_bytes = 312, .is_padding = false}}),
      payload);
}

// A memory storage that records which thread ran what, can hold writes at a gate, and notices
// two operations on one piece running at the same time.
class RecordingStorage final : public Storage {
 public:
  struct Event {
    std::string kind;
    PieceIndex piece;
    std::thread::id thread;
  };

  explicit RecordingStorage(std::shared_ptr<const StorageLayout> layout,
                            std::chrono::microseconds write_delay = 0us)
      : Storage(layout), inner_(layout), write_delay_(write_delay) {}

  bool holds_payload() const override { return true; }
  Result<void> write(const BlockRef& block, std::span<const std::uint8_t> data,
                     Taint taint) override {
    enter("write-begin", block.piece);
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return gate_open_; });
    }
    std::this_thread::sleep_for(write_delay_);
    auto result = inner_.write(block, data, taint);
    leave("write", block.piece);
    return result;
  }
  Result<void> read(const BlockRef& block, std::span<std::uint8_t> out) override {
    enter("read-begin", block.piece);
    auto result = inner_.read(block, out);
    leave("read", block.piece);
    return result;
  }
  Result<Sha1Digest> hash_piece(PieceIndex piece) override {
    enter("hash-begin", piece);
    auto result = inner_.hash_piece(piece);
    leave("hash", piece);
    return result;
  }
  Result<void> flush() override { return {}; }

  void set_gate(bool open) {
    std::lock_guard lock(mutex_);
    gate_open_ = open;
    changed_.notify_all();
  }
  // Waits (at most two seconds) until `count` events of `kind` happened.
  bool wait_for(const std::string& kind, std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 2s, [&] { return count_locked(kind) >= count; });
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t count(const std::string& kind) const {
    std::lock_guard lock(mutex_);
    return count_locked(kind);
  }
  bool overlap_seen() const { return overlap_seen_; }

 private:
  void enter(const std::string& kind, PieceIndex piece) {
    std::lock_guard lock(mutex_);
    if (++active_[piece] > 1) overlap_seen_ = true;
    events_.push_back({kind, piece, std::this_thread::get_id()});
    changed_.notify_all();
  }
  void leave(const std::string& kind, PieceIndex piece) {
    std::lock_guard lock(mutex_);
    --active_[piece];
    events_.push_back({kind, piece, std::this_thread::get_id()});
    changed_.notify_all();
  }
  std::size_t count_locked(const std::string& kind) const {
    return static_cast<std::size_t>(std::count_if(
        events_.begin(), events_.end(), [&](const Event& event) { return event.kind == kind; }));
  }

  MemoryStorage inner_;
  std::chrono::microseconds write_delay_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool gate_open_ = true;
  std::map<PieceIndex, int> active_;
  std::atomic<bool> overlap_seen_{false};
  std::vector<Event> events_;
};

// Spawns a test coroutine made by `make` (a lambda returning awaitable<void>). co_spawn keeps the
// lambda alive while the coroutine runs, so the coroutine may use its captures. An exception
// escaping the coroutine is rethrown from io.run() and fails the test.
template <class MakeTask>
void spawn(boost::asio::io_context& io, MakeTask make) {
  asio::co_spawn(io, std::move(make), [](std::exception_ptr failure) {
    if (failure) std::rethrow_exception(failure);
  });
}

Buffer block_content(const StorageLayout& layout, PieceIndex piece, std::uint32_t offset,
                     std::uint32_t length) {
  return expected_content(layout, payload, layout.piece_offset_bytes(piece) + offset, length);
}

asio::awaitable<void> write_piece(DiskIo& disk, PieceIndex piece) {
  const StorageLayout& layout = disk.layout();
  for (std::uint32_t offset = 0; offset < layout.piece_size_bytes(piece); offset += block_bytes) {
    const BlockRef block{.piece = piece, .offset_bytes = offset, .length_bytes = block_bytes};
    auto written = co_await disk.write(block, block_content(layout, piece, offset, block_bytes));
    EXPECT_TRUE(written) << piece;
  }
}

TEST(InlineDiskIo, CompletesWithoutLettingOtherHandlersRun) {
  boost::asio::io_context io;
  InlineDiskIo disk(std::make_unique<MemoryStorage>(small_layout()));
  bool marker_ran = false;
  bool finished = false;
  spawn(io, [&]() -> asio::awaitable<void> {
    asio::post(io, [&] { marker_ran = true; });
    co_await write_piece(disk, 3);
    EXPECT_EQ((co_await disk.verify_piece(3)).value(), true);
    const auto read = co_await disk.read({.piece = 3, .offset_bytes = 5, .length_bytes = 20});
    EXPECT_EQ(read.value(), block_content(disk.layout(), 3, 5, 20));
    // Had any operation suspended, the handler posted first would have run by now.
    EXPECT_FALSE(marker_ran);
    finished = true;
  });
  io.run();
  EXPECT_TRUE(finished);
  EXPECT_TRUE(marker_ran);
}

TEST(InlineDiskIo, CheckExistingReportsPresentPiecesAndProgress) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  InlineDiskIo disk(std::make_unique<MemoryStorage>(layout));
  std::vector<std::uint32_t> progress;
  std::vector<bool> present;
  spawn(io, [&]() -> asio::awaitable<void> {
    co_await write_piece(disk, 1);
    co_await write_piece(disk, 6);
    auto checked = co_await disk.check_existing([&](std::uint32_t done, std::uint32_t total) {
      EXPECT_EQ(total, 8u);
      progress.push_back(done);
    });
    present = checked.value();
  });
  io.run();
  EXPECT_EQ(present, (std::vector<bool>{false, true, false, false, false, false, true, false}));
  EXPECT_EQ(progress, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(InlineDiskIo, PhantomReadsGiveNoBytesAndTaintFailsVerification) {
  boost::asio::io_context io;
  InlineDiskIo disk(std::make_unique<PhantomStorage>(small_layout(), PhantomStart::empty));
  EXPECT_FALSE(disk.holds_payload());
  spawn(io, [&]() -> asio::awaitable<void> {
    const BlockRef block{.piece = 0, .offset_bytes = 0, .length_bytes = 64};
    EXPECT_TRUE(co_await disk.write(block, {}, Taint::corrupt_sender));
    EXPECT_EQ((co_await disk.verify_piece(0)).value(), false);
    EXPECT_TRUE(co_await disk.discard_piece(0));
    EXPECT_TRUE(co_await disk.write(block, {}));
    EXPECT_EQ((co_await disk.verify_piece(0)).value(), true);
    EXPECT_TRUE((co_await disk.read(block)).value().empty());
  });
  io.run();
}

TEST(InlineDiskIo, ReadNowGivesWhatReadGives) {
  boost::asio::io_context io;
  InlineDiskIo disk(std::make_unique<MemoryStorage>(small_layout()));
  spawn(io, [&]() -> asio::awaitable<void> { co_await write_piece(disk, 2); });
  io.run();
  const BlockRef block{.piece = 2, .offset_bytes = 3, .length_bytes = 30};
  const std::optional<Result<Buffer>> read = disk.read_now(block);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->value(), block_content(disk.layout(), 2, 3, 30));
}

TEST(ThreadPoolDiskIo, HasNoReadNow) {
  ThreadPoolDiskIo disk(std::make_unique<MemoryStorage>(small_layout()));
  EXPECT_FALSE(disk.read_now({.piece = 0, .offset_bytes = 0, .length_bytes = 16}).has_value());
}

TEST(ThreadPoolDiskIo, RunsOffTheCallerThreadAndResumesOnIt) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout);
  RecordingStorage& recorder = *storage;
  ThreadPoolDiskIo disk(std::move(storage));
  const auto caller = std::this_thread::get_id();
  int verified = 0;
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    spawn(io, [&, piece]() -> asio::awaitable<void> {
      co_await write_piece(disk, piece);
      EXPECT_EQ(std::this_thread::get_id(), caller);
      const auto ok = co_await disk.verify_piece(piece);
      EXPECT_EQ(std::this_thread::get_id(), caller);
      EXPECT_EQ(ok.value(), true);
      const auto read = co_await disk.read({.piece = piece, .offset_bytes = 1, .length_bytes = 9});
      EXPECT_EQ(std::this_thread::get_id(), caller);
      EXPECT_EQ(read.value(), block_content(*layout, piece, 1, 9));
      ++verified;
    });
  }
  io.run();
  EXPECT_EQ(verified, 8);
  const auto events = recorder.events();
  ASSERT_FALSE(events.empty());
  for (const auto& event : events)
    EXPECT_NE(event.thread, caller) << event.kind;
}

TEST(ThreadPoolDiskIo, OperationsOnOnePieceRunOneAtATimeInOrder) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout, 500us);
  RecordingStorage& recorder = *storage;
  ThreadPoolDiskIo disk(std::move(storage),
                        {.thread_count = 2, .in_flight_max = 8, .waiting_max = 64});
  // Every block write and then the verification are started before any of them runs.
  bool verified = false;
  for (std::uint32_t offset = 0; offset < 64; offset += block_bytes) {
    spawn(io, [&, offset]() -> asio::awaitable<void> {
      const BlockRef block{.piece = 2, .offset_bytes = offset, .length_bytes = block_bytes};
      EXPECT_TRUE(co_await disk.write(block, block_content(*layout, 2, offset, block_bytes)));
    });
    spawn(io, [&disk, offset] { return write_piece(disk, offset / block_bytes + 4); });
  }
  spawn(io, [&]() -> asio::awaitable<void> { verified = (co_await disk.verify_piece(2)).value(); });
  io.run();
  EXPECT_TRUE(verified);
  EXPECT_FALSE(recorder.overlap_seen());
  std::vector<std::string> piece_two;
  for (const auto& event : recorder.events()) {
    if (event.piece == 2 && event.kind.find("begin") == std::string::npos) {
      piece_two.push_back(event.kind);
    }
  }
  EXPECT_EQ(piece_two, (std::vector<std::string>{"write", "write", "write", "write", "hash"}));
}

TEST(ThreadPoolDiskIo, CancelledWaitingOperationNeverRuns) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout);
  RecordingStorage& recorder = *storage;
  recorder.set_gate(false);
  ThreadPoolDiskIo disk(std::move(storage),
                        {.thread_count = 1, .in_flight_max = 1, .waiting_max = 8});
  std::optional<error_code> first;
  std::optional<error_code> second;
  spawn(io, [&]() -> asio::awaitable<void> {
    const BlockRef block{.piece = 0, .offset_bytes = 0, .length_bytes = 8};
    auto result = co_await disk.write(block, Buffer(8, 1));
    first = result ? error_code{} : result.error();
  });
  boost::asio::cancellation_signal cancel;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        const BlockRef block{.piece = 1, .offset_bytes = 0, .length_bytes = 8};
        auto result = co_await disk.write(block, Buffer(8, 2));
        second = result ? error_code{} : result.error();
      },
      asio::bind_cancellation_slot(cancel.slot(), [](std::exception_ptr) {}));
  io.poll();
  ASSERT_TRUE(recorder.wait_for("write-begin", 1));
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, asio::error::operation_aborted);
  recorder.set_gate(true);
  io.run();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(*first);
  EXPECT_EQ(recorder.count("write"), 1u);
}

TEST(ThreadPoolDiskIo, TimedOutWriteIsAbandonedAndFinishesOnItsOwnBuffer) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout);
  RecordingStorage& recorder = *storage;
  recorder.set_gate(false);
  ThreadPoolDiskIo disk(std::move(storage));
  bool timed_out = false;
  spawn(io, [&]() -> asio::awaitable<void> {
    boost::asio::steady_timer timer(io, 20ms);
    const BlockRef block{.piece = 5, .offset_bytes = 0, .length_bytes = 64};
    // The buffer lives in this frame only until the write is handed over; the frame ends below.
    auto outcome = co_await (disk.write(block, block_content(*layout, 5, 0, 64)) ||
                             timer.async_wait(asio::use_awaitable));
    timed_out = outcome.index() == 1;
  });
  // Opens the gate well after the caller gave up; io.run() must wait for the job all the same.
  std::thread opener([&] {
    std::this_thread::sleep_for(100ms);
    recorder.set_gate(true);
  });
  io.run();
  const bool write_done_when_run_returned = recorder.count("write") == 1;
  opener.join();
  EXPECT_TRUE(timed_out);
  EXPECT_TRUE(write_done_when_run_returned);
  // The abandoned write still landed, from the operation's own copy of the bytes.
  EXPECT_EQ(recorder.hash_piece(5).value(), layout->piece_hashes[5]);
}

TEST(ThreadPoolDiskIo, FullQueueIsAnError) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout);
  RecordingStorage& recorder = *storage;
  recorder.set_gate(false);
  ThreadPoolDiskIo disk(std::move(storage),
                        {.thread_count = 1, .in_flight_max = 1, .waiting_max = 1});
  std::vector<error_code> results;
  for (PieceIndex piece = 0; piece < 3; ++piece) {
    spawn(io, [&, piece]() -> asio::awaitable<void> {
      const BlockRef block{.piece = piece, .offset_bytes = 0, .length_bytes = 8};
      auto result = co_await disk.write(block, Buffer(8, 3));
      results.push_back(result ? error_code{} : result.error());
    });
  }
  io.poll();
  ASSERT_TRUE(recorder.wait_for("write-begin", 1));
  io.poll();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], asio::error::no_buffer_space);
  recorder.set_gate(true);
  io.run();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[1]);
  EXPECT_FALSE(results[2]);
}

TEST(ThreadPoolDiskIo, DestroyedWithOperationsRunningAndWaiting) {
  boost::asio::io_context io;
  const auto layout = small_layout();
  auto storage = std::make_unique<RecordingStorage>(layout);
  RecordingStorage& recorder = *storage;
  recorder.set_gate(false);
  auto disk = std::make_unique<ThreadPoolDiskIo>(
      std::move(storage),
      ThreadPoolOptions{.thread_count = 2, .in_flight_max = 2, .waiting_max = 64});
  int finished = 0;
  int aborted = 0;
  for (PieceIndex piece = 0; piece < 8; ++piece) {
    spawn(io, [&, piece]() -> asio::awaitable<void> {
      const BlockRef block{.piece = piece, .offset_bytes = 0, .length_bytes = 64};
      auto result = co_await disk->write(block, Buffer(64, 4));
      if (result) {
        ++finished;
      } else {
        EXPECT_EQ(result.error(), asio::error::operation_aborted);
        ++aborted;
      }
    });
  }
  io.poll();
  // Two writes run (held at the gate), six wait.
  ASSERT_TRUE(recorder.wait_for("write-begin", 2));
  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);
    recorder.set_gate(true);
  });
  // The destructor aborts what waits and waits for what runs (the storage dies with it, so a
  // worker still running would touch freed memory); the callers resume afterwards.
  disk.reset();
  opener.join();
  io.run();
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(aborted, 6);
}

}  // namespace
}  // namespace swarmlab::peer::storage
