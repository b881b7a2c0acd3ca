#include "net/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <vector>

namespace swarmlab::net {
namespace {

std::error_code last_error() {
  return {errno, std::system_category()};
}

// Writes everything, retrying short writes and interruptions.
std::error_code write_all(int descriptor, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(descriptor, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return last_error();
    assert(written > 0);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

}  // namespace

boost::system::result<std::string, std::error_code> read_file(const std::filesystem::path& path,
                                                              std::size_t size_max) {
  // Opened without waiting, so that a named pipe nobody writes to reads as empty rather than
  // blocking here forever; reads then wait as usual (a pipe being written, /dev/stdin).
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (descriptor < 0) return last_error();
  const int flags = ::fcntl(descriptor, F_GETFL);
  if (flags < 0 || ::fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    const std::error_code error = last_error();
    ::close(descriptor);
    return error;
  }
  struct stat status {};
  std::error_code error;
  std::string bytes;
  if (::fstat(descriptor, &status) != 0) {
    error = last_error();
  } else if (S_ISDIR(status.st_mode)) {
    error = std::make_error_code(std::errc::is_a_directory);
  } else if (static_cast<std::uint64_t>(status.st_size) > size_max) {
    error = std::make_error_code(std::errc::file_too_large);
  } else {
    // Read up to one byte past the limit, so a file that grew since fstat is still caught.
    bytes.resize(static_cast<std::size_t>(status.st_size));
    std::size_t filled = 0;
    for (;;) {
      if (filled == bytes.size()) bytes.resize(std::min(size_max + 1, bytes.size() * 2 + 4096));
      const ssize_t got = ::read(descriptor, bytes.data() + filled, bytes.size() - filled);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        error = last_error();
        break;
      }
      if (got == 0) break;
      filled += static_cast<std::size_t>(got);
      if (filled > size_max) {
        error = std::make_error_code(std::errc::file_too_large);
        break;
      }
    }
    bytes.resize(filled);
  }
  ::close(descriptor);
  if (error) return error;
  return bytes;
}

std::error_code write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string pattern = (directory / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) return last_error();
  std::error_code error = write_all(descriptor, bytes);
  // mkstemp creates 0600; a torrent file is as readable as any file the user creates.
  if (!error) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(descriptor, 0666 & ~mask) != 0) error = last_error();
  }
  if (!error && ::fsync(descriptor) != 0) error = last_error();
  if (::close(descriptor) != 0 && !error) error = last_error();
  if (!error && ::rename(name.data(), path.c_str()) != 0) error = last_error();
  if (error) ::unlink(name.data());
  return error;
}

}  // namespace swarmlab::net
