#include "actors/peer/torrent_layout.hpp"

#include <cassert>

namespace swarmlab::peer {

storage::StorageLayout storage_layout_from(const protocol::Metainfo& metainfo) {
  assert(metainfo.piece_length > 0);
  assert(metainfo.total_size_bytes > 0);
  storage::StorageLayout layout;
  layout.name = metainfo.name;
  layout.multi_file = metainfo.is_multi_file;
  layout.piece_length_bytes = static_cast<std::uint32_t>(metainfo.piece_length);
  layout.total_size_bytes = static_cast<std::uint64_t>(metainfo.total_size_bytes);
  layout.piece_hashes = metainfo.piece_hashes;
  layout.files.reserve(metainfo.files.size());
  for (const protocol::FileEntry& file : metainfo.files) {
    storage::FileEntry entry;
    // A single-file torrent's one file is named after the torrent.
    if (metainfo.is_multi_file) entry.path = file.path;
    entry.length_bytes = static_cast<std::uint64_t>(file.length);
    entry.offset_bytes = static_cast<std::uint64_t>(file.offset);
    entry.is_padding = file.is_padding;
    layout.files.push_back(std::move(entry));
  }
  assert(layout.piece_count() == metainfo.piece_count());
  return layout;
}

std::optional<PieceLayout> piece_layout_from(const storage::StorageLayout& layout) {
  return PieceLayout::make(SizeBytes(static_cast<SizeBytes::rep>(layout.total_size_bytes)),
                           SizeBytes(layout.piece_length_bytes));
}

protocol::wire::PieceGeometry piece_geometry_from(const storage::StorageLayout& layout) {
  assert(layout.piece_count() > 0);
  return {.piece_count = layout.piece_count(),
          .piece_length_bytes = layout.piece_length_bytes,
          .total_size_bytes = layout.total_size_bytes};
}

record::BlockRef to_record_block(const PieceLayout& layout, BlockRef block) {
  assert(layout.contains(block));
  return {.piece = static_cast<std::uint32_t>(block.piece.value()),
          .offset_bytes = static_cast<std::uint32_t>(layout.block_offset(block).value()),
          .length_bytes = static_cast<std::uint32_t>(layout.block_size(block).value())};
}

TypedVector<PieceIndex, Priority> piece_priorities_for(const storage::StorageLayout& layout,
                                                       const PieceLayout& pieces,
                                                       std::span<const Priority> file_priorities) {
  if (file_priorities.empty())
    return TypedVector<PieceIndex, Priority>(pieces.piece_count(), Priority::normal);
  assert(file_priorities.size() == layout.files.size());
  std::vector<SizeBytes> sizes;
  sizes.reserve(layout.files.size());
  for (const storage::FileEntry& file : layout.files) {
    sizes.push_back(SizeBytes(static_cast<SizeBytes::rep>(file.length_bytes)));
  }
  return piece_priorities_from_files(pieces, sizes, file_priorities);
}

std::vector<BlockRef> padding_blocks(const storage::StorageLayout& layout,
                                     const PieceLayout& pieces) {
  std::vector<BlockRef> blocks;
  const auto piece_size = static_cast<std::uint64_t>(pieces.nominal_piece_size().value());
  for (const storage::FileEntry& file : layout.files) {
    if (!file.is_padding || file.length_bytes == 0) continue;
    const std::uint64_t begin = file.offset_bytes;
    const std::uint64_t end = file.offset_bytes + file.length_bytes;
    // Every block from the one holding the file's first byte to the one holding its last.
    for (auto piece = PieceIndex(static_cast<PieceIndex::rep>(begin / piece_size));
         pieces.contains(piece) && static_cast<std::uint64_t>(piece.value()) * piece_size < end;
         ++piece) {
      for (BlockIndex block{0}; block.value() < pieces.block_count(piece).value(); ++block) {
        const std::uint64_t start =
            static_cast<std::uint64_t>(piece.value()) * piece_size +
            static_cast<std::uint64_t>(pieces.block_offset({piece, block}).value());
        const auto size = static_cast<std::uint64_t>(pieces.block_size({piece, block}).value());
        if (start >= begin && start + size <= end) blocks.push_back({piece, block});
      }
    }
  }
  return blocks;
}

}  // namespace swarmlab::peer
