// Walking a file or directory into the ordered file list of a new torrent.
#include "protocol/torrent_source.hpp"

#include "protocol/metainfo.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <limits>

namespace swarmlab::protocol {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "create"; }
  std::string message(int value) const override {
    switch (static_cast<CreateErrc>(value)) {
      case CreateErrc::source_not_found:
        return "no such file or directory";
      case CreateErrc::unsupported_source:
        return "neither a regular file nor a directory";
      case CreateErrc::empty_source:
        return "no content (no files, or only empty ones)";
      case CreateErrc::invalid_piece_length:
        return "piece length must be a power of two from 16 KiB to 1 GiB";
      case CreateErrc::unsupported_file_name:
        return "file name cannot be stored safely in a torrent (empty, '.', '..', a '\\', or too "
               "long)";
      case CreateErrc::too_many_files:
        return "too many files";
      case CreateErrc::too_deep:
        return "directories nested too deep";
      case CreateErrc::total_size_overflow:
        return "total size overflows 64 bits";
      case CreateErrc::file_changed:
        return "file got shorter while it was being read";
    }
    return "unknown error";
  }
};

CreateError fail(std::error_code code, std::filesystem::path path) {
  return CreateError{code, std::move(path)};
}

// Identifies a directory, to avoid entering it twice along one path (symbolic link loops).
struct DirectoryId {
  dev_t device;
  ino_t inode;
  friend bool operator==(const DirectoryId&, const DirectoryId&) = default;
};

struct DirectoryFrame {
  std::vector<std::filesystem::path> entries;
  std::size_t next = 0;
  DirectoryId id;
  std::string name;  // this directory's component ("" for the root)
};

// The entries of one directory, in the order the filesystem lists them or sorted by name.
CreateResult<std::vector<std::filesystem::path>> list_directory(const std::filesystem::path& path,
                                                                FileOrder order) {
  std::error_code error;
  std::vector<std::filesystem::path> entries;
  std::filesystem::directory_iterator iterator(path, error);
  const std::filesystem::directory_iterator end;
  while (!error && iterator != end) {
    if (entries.size() == file_count_max) return fail(CreateErrc::too_many_files, path);
    entries.push_back(iterator->path());
    iterator.increment(error);
  }
  if (error) return fail(error, path);
  if (order == FileOrder::sorted) {
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.filename().native() < b.filename().native();
    });
  }
  return entries;
}

bool is_owner_executable(const std::filesystem::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return false;
  return (status.st_mode & S_IXUSR) != 0;
}

CreateResult<SourceFile> make_file(const std::filesystem::path& path,
                                   std::vector<std::string> components, const struct stat& status) {
  if (check_path_component(components.back())) {
    return fail(CreateErrc::unsupported_file_name, path);
  }
  assert(status.st_size >= 0);
  return SourceFile{path, std::move(components), static_cast<std::int64_t>(status.st_size),
                    is_owner_executable(path)};
}

CreateResult<void> add_file(TorrentSource& source, SourceFile file) {
  if (source.files.size() == file_count_max) {
    return fail(CreateErrc::too_many_files, file.disk_path);
  }
  if (file.length > std::numeric_limits<std::int64_t>::max() - source.total_size_bytes) {
    return fail(CreateErrc::total_size_overflow, file.disk_path);
  }
  source.total_size_bytes += file.length;
  source.files.push_back(std::move(file));
  return {};
}

class DirectoryWalk {
 public:
  DirectoryWalk(TorrentSource& source, FileOrder order) : source_(source), order_(order) {}

  CreateResult<void> run(const std::filesystem::path& root, const struct stat& status) {
    if (auto entered = enter(root, "", status); !entered) return entered.error();
    // Each step consumes one entry or leaves one directory; both are bounded above.
    while (!stack_.empty()) {
      DirectoryFrame& frame = stack_.back();
      if (frame.next == frame.entries.size()) {
        stack_.pop_back();
        continue;
      }
      const std::filesystem::path path = frame.entries[frame.next++];
      if (auto visited = visit(path); !visited) return visited.error();
    }
    return {};
  }

 private:
  CreateResult<void> enter(const std::filesystem::path& path, std::string name,
                           const struct stat& status) {
    const DirectoryId id{status.st_dev, status.st_ino};
    for (const DirectoryFrame& frame : stack_) {
      if (frame.id == id) return {};  // a loop through a symbolic link: already being walked
    }
    // Files in a directory at stack depth s get s + 1 path components.
    if (stack_.size() >= path_depth_max) return fail(CreateErrc::too_deep, path);
    auto entries = list_directory(path, order_);
    if (!entries) return entries.error();
    stack_.push_back(DirectoryFrame{std::move(*entries), 0, id, std::move(name)});
    return {};
  }

  CreateResult<void> visit(const std::filesystem::path& path) {
    struct stat status {};
    // Follows symbolic links; a dangling one is skipped like any other non-file.
    if (::stat(path.c_str(), &status) != 0) return {};
    std::string name = path.filename().native();
    if (S_ISDIR(status.st_mode)) {
      if (check_path_component(name)) return fail(CreateErrc::unsupported_file_name, path);
      return enter(path, std::move(name), status);
    }
    if (!S_ISREG(status.st_mode)) return {};
    std::vector<std::string> components;
    for (std::size_t i = 1; i < stack_.size(); ++i)
      components.push_back(stack_[i].name);
    components.push_back(std::move(name));
    auto file = make_file(path, std::move(components), status);
    if (!file) return file.error();
    return add_file(source_, std::move(*file));
  }

  TorrentSource& source_;
  FileOrder order_;
  std::vector<DirectoryFrame> stack_;
};

// The name of the file or directory itself, also for "dir/" and "./dir".
std::string source_name(const std::filesystem::path& path) {
  std::filesystem::path normal = std::filesystem::absolute(path).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  return normal.filename().native();
}

}  // namespace

const std::error_category& create_error_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(CreateErrc error) {
  return {static_cast<int>(error), create_error_category()};
}

std::string CreateError::describe() const {
  return path.string() + ": " + code.message();
}

void throw_exception_from_error(const CreateError& error, const boost::source_location&) {
  throw std::system_error(error.code, error.path.string());
}

CreateResult<TorrentSource> scan_source(const std::filesystem::path& path, FileOrder order) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return fail(CreateErrc::source_not_found, path);
    return fail(std::error_code(errno, std::system_category()), path);
  }
  TorrentSource source;
  source.name = source_name(path);
  if (check_path_component(source.name)) return fail(CreateErrc::unsupported_file_name, path);
  if (S_ISREG(status.st_mode)) {
    auto file = make_file(path, {source.name}, status);
    if (!file) return file.error();
    if (auto added = add_file(source, std::move(*file)); !added) return added.error();
  } else if (S_ISDIR(status.st_mode)) {
    source.is_multi_file = true;
    DirectoryWalk walk(source, order);
    if (auto walked = walk.run(path, status); !walked) return walked.error();
  } else {
    return fail(CreateErrc::unsupported_source, path);
  }
  if (source.total_size_bytes == 0) return fail(CreateErrc::empty_source, path);
  assert(!source.files.empty());
  return source;
}

}  // namespace swarmlab::protocol
