// Hashing the pieces of a new torrent: the files are read in order as one byte stream, cut into
// pieces, and each piece's SHA-1 is computed.
//
// One reader (the calling thread) fills piece buffers from a fixed pool while worker threads hash
// full buffers in parallel, so that hashing uses every core while memory stays bounded at
// (worker_count + 2) pieces:
//
//   reader:  read p0 | read p1 | read p2 | read p3 | ...   (waits when no buffer is free)
//   worker1:         | hash p0           | hash p2  ...
//   worker2:                   | hash p1           | hash p3 ...
#pragma once

#include "protocol/sha1.hpp"
#include "protocol/torrent_source.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace swarmlab::protocol {

inline constexpr std::size_t hash_worker_count_max = 64;

// Called on the reading thread as pieces complete: (pieces hashed so far, piece count).
using HashProgress = std::function<void(std::uint32_t, std::uint32_t)>;

struct HashOptions {
  std::int64_t piece_length = 0;
  // 0: one worker per core.
  std::size_t worker_count = 0;
  HashProgress progress;
};

// The SHA-1 of every piece of `files`, read as one stream. A file that is shorter than listed
// yields CreateErrc::file_changed; read errors come back with the file's path.
CreateResult<std::vector<Sha1Digest>> hash_pieces(const std::vector<SourceFile>& files,
                                                  const HashOptions& options);

}  // namespace swarmlab::protocol
