#include "actors/peer/storage/file_io.hpp"

#include <unistd.h>

#include <boost/system/errc.hpp>

#include <cassert>
#include <cerrno>

namespace swarmlab::peer::storage {
namespace {

static_assert(sizeof(off_t) >= sizeof(std::uint64_t), "64-bit file offsets");

// A signal storm could interrupt every attempt; give up rather than spin forever.
constexpr int interrupted_retry_max = 1000;

}  // namespace

error_code last_system_error() {
  return error_code(errno, boost::system::system_category());
}

Result<void> write_fully(int fd, std::span<const std::uint8_t> data, std::uint64_t offset_bytes) {
  assert(fd >= 0);
  std::size_t done = 0;
  int interrupted = 0;
  // Every iteration either advances `done` or counts an interruption, so the loop ends.
  while (done < data.size()) {
    const ssize_t written = ::pwrite(fd, data.data() + done, data.size() - done,
                                     static_cast<off_t>(offset_bytes + done));
    if (written < 0) {
      if (errno == EINTR && ++interrupted < interrupted_retry_max) continue;
      return last_system_error();
    }
    // pwrite returns 0 only for an empty request; treat anything else as a device that is full.
    if (written == 0)
      return boost::system::errc::make_error_code(boost::system::errc::no_space_on_device);
    done += static_cast<std::size_t>(written);
  }
  assert(done == data.size());
  return {};
}

Result<std::size_t> read_fully(int fd, std::span<std::uint8_t> out, std::uint64_t offset_bytes) {
  assert(fd >= 0);
  std::size_t done = 0;
  int interrupted = 0;
  while (done < out.size()) {
    const ssize_t got =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset_bytes + done));
    if (got < 0) {
      if (errno == EINTR && ++interrupted < interrupted_retry_max) continue;
      return last_system_error();
    }
    if (got == 0) break;  // the end of the file
    done += static_cast<std::size_t>(got);
  }
  assert(done <= out.size());
  return done;
}

}  // namespace swarmlab::peer::storage
