// Creating a v1 .torrent from a file or a directory: walk the source (torrent_source.hpp), hash
// its pieces on every core (piece_hasher.hpp), and encode the metainfo.
//
// The info dictionary holds exactly what python3-libtorrent writes for a v1-only torrent without
// padding: "files" (or "length"), "name", "piece length", "pieces", "private" only when asked for,
// and BEP 47 "attr" = "x" for executable files. The same content and piece length therefore give
// the same info-hash as libtorrent.
#pragma once

#include "protocol/metainfo.hpp"
#include "protocol/piece_hasher.hpp"
#include "protocol/torrent_source.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::protocol {

inline constexpr std::int64_t piece_length_min = 16 * 1024;
inline constexpr std::int64_t automatic_piece_length_max = 16 * 1024 * 1024;
// The automatic piece length aims for at most this many pieces (and so at least half as many).
inline constexpr std::int64_t automatic_piece_count_max = 2000;
static_assert(automatic_piece_length_max <= piece_length_max);

struct CreateOptions {
  // 0 picks automatic_piece_length(); otherwise a power of two from 16 KiB to piece_length_max.
  std::int64_t piece_length = 0;
  // Each tracker in its own tier, in order (as transmission-create and libtorrent do).
  std::vector<std::string> trackers;
  std::vector<std::string> url_list;
  bool is_private = false;
  std::string comment;
  std::string created_by;
  // Seconds since the Unix epoch, or none for reproducible output. The caller reads the clock.
  std::optional<std::int64_t> creation_date;
  FileOrder file_order = FileOrder::directory;
  // Hashing threads; 0: one per core.
  std::size_t worker_count = 0;
  HashProgress progress;
};

struct CreatedTorrent {
  Metainfo metainfo;
  // The .torrent file's bytes.
  std::string torrent_file;
};

// The smallest power of two from 16 KiB to 16 MiB giving at most 2000 pieces (so 1000 to 2000
// pieces whenever the bounds do not bind).
std::int64_t automatic_piece_length(std::int64_t total_size_bytes);

CreateResult<CreatedTorrent> create_torrent(const std::filesystem::path& source_path,
                                            const CreateOptions& options);

// The info dictionary for `source` and its piece hashes (exposed for tests and tools).
std::string encode_info_dictionary(const TorrentSource& source, std::int64_t piece_length,
                                   const std::vector<Sha1Digest>& piece_hashes, bool is_private);

}  // namespace swarmlab::protocol
