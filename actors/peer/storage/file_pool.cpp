#include "actors/peer/storage/file_pool.hpp"

#include "actors/peer/storage/file_io.hpp"
#include "actors/peer/storage/limits.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer::storage {

OpenFile::~OpenFile() {
  assert(fd_ >= 0);
  ::close(fd_);
}

FilePool::FilePool(std::size_t capacity) : capacity_(capacity) {
  assert(capacity_ > 0);
  assert(capacity_ <= open_files_max);
  entries_.reserve(capacity_);
}

FilePool::Entry* FilePool::find_locked(std::size_t key) {
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      entry.last_use = ++use_counter_;
      return &entry;
    }
  }
  return nullptr;
}

void FilePool::insert_locked(std::size_t key, const std::filesystem::path& path, Handle file) {
  assert(file != nullptr);
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      // Reopened for writing: the read-only descriptor goes once its last user lets go.
      entry.file = std::move(file);
      entry.last_use = ++use_counter_;
      return;
    }
  }
  if (entries_.size() == capacity_) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
    if (oldest->file->writable()) unsynced_closed_.emplace(oldest->key, oldest->path);
    entries_.erase(oldest);
  }
  entries_.push_back(
      Entry{.key = key, .path = path, .file = std::move(file), .last_use = ++use_counter_});
  assert(entries_.size() <= capacity_);
}

Result<FilePool::Handle> FilePool::open_for_read(std::size_t key,
                                                 const std::filesystem::path& path) {
  std::lock_guard lock(mutex_);
  if (Entry* entry = find_locked(key)) return entry->file;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return last_system_error();
  auto file = std::make_shared<const OpenFile>(fd, false);
  insert_locked(key, path, file);
  return file;
}

namespace {

// Opens (creating if needed) and makes the file at least `size_bytes` long.
Result<int> open_and_extend(const std::filesystem::path& path, std::uint64_t size_bytes) {
  std::error_code directory_error;
  std::filesystem::create_directories(path.parent_path(), directory_error);
  if (directory_error) return error_code(directory_error.value(), boost::system::system_category());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return last_system_error();
  struct stat status {};
  if (::fstat(fd, &status) != 0 || (static_cast<std::uint64_t>(status.st_size) < size_bytes &&
                                    ::ftruncate(fd, static_cast<off_t>(size_bytes)) != 0)) {
    const error_code error = last_system_error();
    ::close(fd);
    return error;
  }
  return fd;
}

}  // namespace

Result<FilePool::Handle> FilePool::open_for_write(std::size_t key,
                                                  const std::filesystem::path& path,
                                                  std::uint64_t size_bytes) {
  std::lock_guard lock(mutex_);
  if (Entry* entry = find_locked(key); entry != nullptr && entry->file->writable()) {
    return entry->file;
  }
  auto fd = open_and_extend(path, size_bytes);
  if (!fd) return fd.error();
  auto file = std::make_shared<const OpenFile>(*fd, true);
  insert_locked(key, path, file);
  return file;
}

Result<void> FilePool::sync_all() {
  std::vector<Handle> writable;
  std::map<std::size_t, std::filesystem::path> closed;
  {
    std::lock_guard lock(mutex_);
    for (const Entry& entry : entries_) {
      if (entry.file->writable()) writable.push_back(entry.file);
    }
    closed.swap(unsynced_closed_);
  }
  // Outside the lock: a sync may take long, and other threads keep reading and writing meanwhile.
  for (const Handle& file : writable) {
    if (::fdatasync(file->fd()) != 0) return last_system_error();
  }
  for (const auto& [key, path] : closed) {
    // Linux syncs through a read-only descriptor too; the data lives in the page cache either way.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return last_system_error();
    const OpenFile file(fd, false);
    if (::fdatasync(fd) != 0) return last_system_error();
  }
  return {};
}

}  // namespace swarmlab::peer::storage
