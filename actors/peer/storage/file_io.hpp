// Positioned reads and writes on POSIX file descriptors that finish the job: they retry after
// EINTR and continue after short counts, so callers see either the whole transfer or an error.
#pragma once

#include "actors/peer/storage/storage.hpp"

#include <cstdint>
#include <span>

namespace swarmlab::peer::storage {

// Writes all of `data` at `offset_bytes`.
Result<void> write_fully(int fd, std::span<const std::uint8_t> data, std::uint64_t offset_bytes);
// Reads into `out` from `offset_bytes` until it is full or the file ends; returns the byte count
// (less than out.size() only at the end of the file).
Result<std::size_t> read_fully(int fd, std::span<std::uint8_t> out, std::uint64_t offset_bytes);

// The error for the current errno.
error_code last_system_error();

}  // namespace swarmlab::peer::storage
