// FilePool: the open file descriptors of one file storage, at most `capacity` of them; the least
// recently used one is closed when another must open. Handles are shared: a descriptor that is
// evicted while a thread still reads through it closes only when that thread lets go, so eviction
// never pulls a descriptor from under a pread/pwrite in flight. Thread-safe.
#pragma once

#include "actors/peer/storage/storage.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace swarmlab::peer::storage {

class OpenFile {
 public:
  OpenFile(int fd, bool writable) : fd_(fd), writable_(writable) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile();

  int fd() const { return fd_; }
  bool writable() const { return writable_; }

 private:
  int fd_;
  bool writable_;
};

class FilePool {
 public:
  using Handle = std::shared_ptr<const OpenFile>;

  explicit FilePool(std::size_t capacity);

  // An open descriptor for file `key` (any mode will do). A missing file is an error
  // (no_such_file_or_directory); the file is not created.
  Result<Handle> open_for_read(std::size_t key, const std::filesystem::path& path);
  // A writable descriptor for file `key`. Creates the file and its directories when missing and
  // extends a shorter file to `size_bytes` with ftruncate, which leaves a hole (a sparse file):
  // no zeros are ever written to fill it.
  Result<Handle> open_for_write(std::size_t key, const std::filesystem::path& path,
                                std::uint64_t size_bytes);
  // fdatasync on every file written through this pool since the last sync, open or evicted.
  Result<void> sync_all();

 private:
  struct Entry {
    std::size_t key = 0;
    std::filesystem::path path;
    Handle file;
    std::uint64_t last_use = 0;
  };

  Entry* find_locked(std::size_t key);
  void insert_locked(std::size_t key, const std::filesystem::path& path, Handle file);

  std::mutex mutex_;
  std::size_t capacity_;
  std::vector<Entry> entries_;  // at most capacity_, guarded by mutex_
  std::uint64_t use_counter_ = 0;
  // Writable files closed by eviction before a sync: key -> path (at most one per file).
  std::map<std::size_t, std::filesystem::path> unsynced_closed_;
};

}  // namespace swarmlab::peer::storage
