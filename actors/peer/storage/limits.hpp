// Limits of the peer's storage layer, in one place so that their relations can be asserted. The
// metainfo parser enforces its own (stricter or equal) limits on untrusted input; these bound what
// a storage accepts from its caller and what it allocates.
#pragma once

#include <cstddef>
#include <cstdint>

namespace swarmlab::peer::storage {

// Piece lengths in the wild are 16 KiB to 16 MiB; the metainfo parser accepts up to 1 GiB, and
// file storage never allocates a whole piece (hashing reads it in chunks).
inline constexpr std::uint32_t piece_length_max = std::uint32_t{1} << 30;  // 1 GiB
inline constexpr std::uint32_t piece_count_max = std::uint32_t{1} << 24;
inline constexpr std::size_t file_count_max = std::size_t{1} << 20;
inline constexpr std::uint64_t total_size_max =
    std::uint64_t{piece_length_max} * std::uint64_t{piece_count_max};
// The whole torrent lives in one buffer in a memory storage: only for small simulated swarms.
inline constexpr std::uint64_t memory_storage_size_max = std::uint64_t{1} << 32;  // 4 GiB

// Hashing reads a piece in chunks of this size, so that a large piece never needs a piece-sized
// buffer.
inline constexpr std::size_t hash_chunk_size_bytes = std::size_t{1} << 18;  // 256 KiB

// File storage: pieces hashed as they are written, at most (the others are hashed from the files).
inline constexpr std::size_t write_digests_max = 4096;

// File storage: file descriptors kept open at most (least recently used ones are closed).
inline constexpr std::size_t open_files_default = 64;
inline constexpr std::size_t open_files_max = 1024;

// Thread-pool disk I/O.
inline constexpr std::size_t disk_thread_count_max = 8;
inline constexpr std::size_t disk_in_flight_max = 64;  // jobs handed to the pool at once
inline constexpr std::size_t disk_waiting_max = 8192;  // jobs held back, waiting for a slot

static_assert(piece_length_max <= UINT32_MAX / 2, "piece offsets and lengths fit in 32 bits");
static_assert(total_size_max / piece_length_max == piece_count_max, "no overflow in the total");
static_assert(hash_chunk_size_bytes <= piece_length_max);
static_assert(memory_storage_size_max <= total_size_max);
static_assert(open_files_default <= open_files_max);
static_assert(disk_in_flight_max <= disk_waiting_max);

}  // namespace swarmlab::peer::storage
