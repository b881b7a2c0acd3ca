// The layout of a torrent's content as the storage sees it: the byte stream of all files laid end
// to end, cut into pieces of a fixed length (the last one may be shorter), and the files that the
// stream maps onto. This is a plain input: the metainfo layer fills it from the info dictionary
// (name, piece length, files with their path components, lengths and BEP 47 padding attribute,
// piece hashes); the simulator builds it directly.
//
//   stream:  |<-------- file 0 -------->|<- pad ->|<-- file 1 -->|<-------- file 2 -------->|
//   pieces:  |<-- piece 0 -->|<-- piece 1 -->|<-- piece 2 -->|<-- piece 3 -->|<- piece 4 ->|
//
// A piece may span any number of files; a file may span any number of pieces. Terms: a "slice" is
// the part of a byte range that falls into one file.
#pragma once

#include "protocol/sha1.hpp"
#include "record/observer.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace swarmlab::peer::storage {

using PieceIndex = std::uint32_t;
using protocol::Sha1Digest;
// A block of a piece: `piece`, `offset_bytes` into the piece, `length_bytes`.
using BlockRef = record::BlockRef;

struct FileEntry {
  // Path components below the torrent's root directory (the `path` list of a multi-file info
  // dictionary). Empty for the one file of a single-file torrent, which is named after the torrent.
  std::vector<std::string> path;
  std::uint64_t length_bytes = 0;
  // Where the file starts in the torrent's byte stream: the sum of the lengths before it.
  std::uint64_t offset_bytes = 0;
  // A BEP 47 padding file (attribute "p"): its content is zeros, it is never written to disk.
  bool is_padding = false;
};

struct StorageLayout {
  // The torrent's name: the file name of a single-file torrent, the root directory of a
  // multi-file one.
  std::string name;
  bool multi_file = false;
  std::uint32_t piece_length_bytes = 0;
  std::uint64_t total_size_bytes = 0;
  std::vector<FileEntry> files;
  // One expected SHA-1 per piece, in piece order.
  std::vector<Sha1Digest> piece_hashes;

  std::uint32_t piece_count() const;
  std::uint64_t piece_offset_bytes(PieceIndex piece) const;
  std::uint32_t piece_size_bytes(PieceIndex piece) const;
  // True when the block lies inside its piece and is not empty.
  bool contains(const BlockRef& block) const;
};

// The part of a byte range that falls into one file.
struct FileSlice {
  std::size_t file_index = 0;
  std::uint64_t file_offset_bytes = 0;
  // Where the slice starts in the caller's range (0 for the first slice).
  std::uint64_t range_offset_bytes = 0;
  std::uint64_t length_bytes = 0;
};

// Why a layout is inconsistent (offsets not contiguous, sizes that do not add up, a hash count
// that does not match the piece count, ...), or nullopt when it is sound. Storages assert this.
std::optional<std::string> layout_problem(const StorageLayout& layout);

// The slices of [offset, offset + length) in stream order, skipping empty files. The range must lie
// inside the stream. Visits at most one slice per file.
template <class Visit>
void for_each_slice(const StorageLayout& layout, std::uint64_t offset_bytes,
                    std::uint64_t length_bytes, Visit&& visit);

// The index of the first file whose range holds `offset_bytes` (offset < total size).
std::size_t file_at(const StorageLayout& layout, std::uint64_t offset_bytes);

// Layouts made by hand, for the simulator and the tests: offsets are computed and the piece hashes
// are left as zeros (fill them with payload.hpp's content_piece_hashes, or from real data).
struct FileSpec {
  std::vector<std::string> path;
  std::uint64_t length_bytes = 0;
  bool is_padding = false;
};
StorageLayout make_single_file_layout(std::string name, std::uint32_t piece_length_bytes,
                                      std::uint64_t length_bytes);
StorageLayout make_multi_file_layout(std::string name, std::uint32_t piece_length_bytes,
                                     const std::vector<FileSpec>& files);

// ---------------------------------------------------------------------------------------------

template <class Visit>
void for_each_slice(const StorageLayout& layout, std::uint64_t offset_bytes,
                    std::uint64_t length_bytes, Visit&& visit) {
  assert(offset_bytes <= layout.total_size_bytes);
  assert(length_bytes <= layout.total_size_bytes - offset_bytes);
  if (length_bytes == 0) return;
  const std::uint64_t end_bytes = offset_bytes + length_bytes;
  std::uint64_t position = offset_bytes;
  for (std::size_t index = file_at(layout, offset_bytes); position < end_bytes; ++index) {
    assert(index < layout.files.size());
    const FileEntry& file = layout.files[index];
    if (file.length_bytes == 0) continue;
    const std::uint64_t file_end_bytes = file.offset_bytes + file.length_bytes;
    assert(file.offset_bytes <= position && position < file_end_bytes);
    const std::uint64_t slice_end_bytes = std::min(end_bytes, file_end_bytes);
    visit(FileSlice{.file_index = index,
                    .file_offset_bytes = position - file.offset_bytes,
                    .range_offset_bytes = position - offset_bytes,
                    .length_bytes = slice_end_bytes - position});
    position = slice_end_bytes;
  }
}

}  // namespace swarmlab::peer::storage
