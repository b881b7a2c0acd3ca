// Parallel piece hashing: a reader filling buffers from a bounded pool, workers hashing them.
#include "protocol/piece_hasher.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace swarmlab::protocol {
namespace {

// An open file descriptor, closed on destruction.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int descriptor) : descriptor_(descriptor) {}
  FileHandle(FileHandle&& other) noexcept : descriptor_(std::exchange(other.descriptor_, -1)) {}
  FileHandle& operator=(FileHandle&& other) noexcept {
    std::swap(descriptor_, other.descriptor_);
    return *this;
  }
  ~FileHandle() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  int get() const { return descriptor_; }

 private:
  int descriptor_ = -1;
};

CreateError system_error(const std::filesystem::path& path) {
  return CreateError{std::error_code(errno, std::system_category()), path};
}

// Reads the files in order as one stream, one piece at a time.
class StreamReader {
 public:
  explicit StreamReader(const std::vector<SourceFile>& files) : files_(files) {}

  // Fills `out` completely from the stream.
  CreateResult<void> read(std::span<std::uint8_t> out) {
    std::size_t filled = 0;
    while (filled < out.size()) {
      if (remaining_in_file_ == 0) {
        if (auto opened = open_next(); !opened) return opened.error();
      }
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::int64_t>(remaining_in_file_, out.size() - filled));
      const ssize_t got = ::read(file_.get(), out.data() + filled, want);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return system_error(files_[file_index_ - 1].disk_path);
      if (got == 0) {
        return CreateError{make_error_code(CreateErrc::file_changed),
                           files_[file_index_ - 1].disk_path};
      }
      filled += static_cast<std::size_t>(got);
      remaining_in_file_ -= got;
    }
    return {};
  }

 private:
  // Opens the next file with content (empty files add nothing to the stream).
  CreateResult<void> open_next() {
    while (file_index_ < files_.size() && files_[file_index_].length == 0)
      ++file_index_;
    assert(file_index_ < files_.size() && "the stream is longer than the files");
    const SourceFile& file = files_[file_index_++];
    const int descriptor = ::open(file.disk_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return system_error(file.disk_path);
    file_ = FileHandle(descriptor);
    ::posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL);
    remaining_in_file_ = file.length;
    return {};
  }

  const std::vector<SourceFile>& files_;
  std::size_t file_index_ = 0;
  std::int64_t remaining_in_file_ = 0;
  FileHandle file_;
};

// The hand-off between the reader and the workers.
class PiecePipeline {
 public:
  PiecePipeline(std::size_t buffer_count, std::size_t buffer_size_bytes,
                std::vector<Sha1Digest>& digests)
      : buffers_(buffer_count, std::vector<std::uint8_t>(buffer_size_bytes)), digests_(digests) {
    for (auto& buffer : buffers_)
      free_.push_back(&buffer);
  }

  // Reader side: a free buffer, waiting for one if all are being hashed.
  std::vector<std::uint8_t>* acquire() {
    std::unique_lock lock(mutex_);
    buffer_freed_.wait(lock, [&] { return !free_.empty(); });
    std::vector<std::uint8_t>* buffer = free_.back();
    free_.pop_back();
    return buffer;
  }

  void submit(std::uint32_t piece, std::vector<std::uint8_t>* buffer, std::size_t size_bytes) {
    assert(size_bytes <= buffer->size());
    {
      const std::lock_guard lock(mutex_);
      jobs_.push_back(Job{piece, buffer, size_bytes});
    }
    job_ready_.notify_one();
  }

  // Lets the workers finish the queued jobs and stop.
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    job_ready_.notify_all();
  }

  std::uint32_t hashed_count() const { return hashed_.load(std::memory_order_relaxed); }

  // Worker side: hashes jobs until the pipeline is closed and drained.
  void work() {
    Sha1Hasher hasher;
    for (;;) {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [&] { return !jobs_.empty() || closed_; });
      if (jobs_.empty()) return;
      const Job job = jobs_.front();
      jobs_.pop_front();
      lock.unlock();
      hasher.update(std::span<const std::uint8_t>(job.buffer->data(), job.size_bytes));
      digests_[job.piece] = hasher.finish();  // each piece has its own slot: no race
      lock.lock();
      free_.push_back(job.buffer);
      hashed_.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      buffer_freed_.notify_one();
    }
  }

 private:
  struct Job {
    std::uint32_t piece;
    std::vector<std::uint8_t>* buffer;
    std::size_t size_bytes;
  };

  std::vector<std::vector<std::uint8_t>> buffers_;
  std::vector<Sha1Digest>& digests_;
  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable buffer_freed_;
  std::vector<std::vector<std::uint8_t>*> free_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  std::atomic<std::uint32_t> hashed_{0};
};

std::int64_t stream_size(const std::vector<SourceFile>& files) {
  std::int64_t total = 0;
  for (const SourceFile& file : files)
    total += file.length;
  return total;
}

}  // namespace

CreateResult<std::vector<Sha1Digest>> hash_pieces(const std::vector<SourceFile>& files,
                                                  const HashOptions& options) {
  assert(options.piece_length > 0);
  const std::int64_t total = stream_size(files);
  const std::int64_t piece_length = options.piece_length;
  const auto piece_count =
      static_cast<std::uint32_t>(total / piece_length + (total % piece_length != 0));
  const std::size_t workers = std::clamp<std::size_t>(
      options.worker_count != 0 ? options.worker_count : std::thread::hardware_concurrency(), 1,
      hash_worker_count_max);
  std::vector<Sha1Digest> digests(piece_count);
  PiecePipeline pipeline(workers + 2, static_cast<std::size_t>(std::min(piece_length, total)),
                         digests);
  StreamReader reader(files);
  CreateResult<void> outcome;
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < workers; ++i)
      threads.emplace_back([&] { pipeline.work(); });
    for (std::uint32_t piece = 0; piece < piece_count; ++piece) {
      const std::int64_t start = static_cast<std::int64_t>(piece) * piece_length;
      const auto size = static_cast<std::size_t>(std::min(piece_length, total - start));
      std::vector<std::uint8_t>* buffer = pipeline.acquire();
      outcome = reader.read(std::span(buffer->data(), size));
      if (!outcome) break;
      pipeline.submit(piece, buffer, size);
      if (options.progress) options.progress(pipeline.hashed_count(), piece_count);
    }
    pipeline.close();
  }  // the workers finish their queue and join here
  if (!outcome) return outcome.error();
  assert(pipeline.hashed_count() == piece_count);
  if (options.progress) options.progress(piece_count, piece_count);
  return digests;
}

}  // namespace swarmlab::protocol
