#include "actors/peer/storage/metainfo_layout.hpp"

#include "actors/peer/storage/limits.hpp"

#include <cassert>

namespace swarmlab::peer::storage {

static_assert(protocol::piece_length_max <= std::int64_t{piece_length_max},
              "every piece length the parser accepts fits the storage");
static_assert(protocol::file_count_max <= file_count_max,
              "every file list the parser accepts fits the storage");

std::shared_ptr<const StorageLayout> make_storage_layout(const protocol::Metainfo& metainfo) {
  assert(metainfo.piece_length > 0);
  assert(metainfo.total_size_bytes > 0);
  StorageLayout layout;
  layout.name = metainfo.name;
  layout.multi_file = metainfo.is_multi_file;
  layout.piece_length_bytes = static_cast<std::uint32_t>(metainfo.piece_length);
  layout.total_size_bytes = static_cast<std::uint64_t>(metainfo.total_size_bytes);
  layout.files.reserve(metainfo.files.size());
  for (const protocol::FileEntry& source : metainfo.files) {
    assert(source.length >= 0 && source.offset >= 0);
    FileEntry file;
    // A single file's path is its name, which the storage places itself.
    if (metainfo.is_multi_file) file.path = source.path;
    file.length_bytes = static_cast<std::uint64_t>(source.length);
    file.offset_bytes = static_cast<std::uint64_t>(source.offset);
    file.is_padding = source.is_padding;
    layout.files.push_back(std::move(file));
  }
  layout.piece_hashes = metainfo.piece_hashes;
  assert(!layout_problem(layout));
  return std::make_shared<const StorageLayout>(std::move(layout));
}

}  // namespace swarmlab::peer::storage
