#include "actors/peer/storage/memory_storage.hpp"

#include "actors/peer/storage/limits.hpp"

#include <cassert>
#include <cstring>

namespace swarmlab::peer::storage {

MemoryStorage::MemoryStorage(std::shared_ptr<const StorageLayout> layout)
    : Storage(std::move(layout)) {
  assert(this->layout().total_size_bytes <= memory_storage_size_max);
  bytes_.assign(static_cast<std::size_t>(this->layout().total_size_bytes), 0);
}

Result<void> MemoryStorage::write(const BlockRef& block, std::span<const std::uint8_t> data,
                                  Taint /*taint: the bytes themselves carry any corruption*/) {
  assert_block(block, data.size());
  const StorageLayout& map = layout();
  const std::uint64_t offset = map.piece_offset_bytes(block.piece) + block.offset_bytes;
  for_each_slice(map, offset, block.length_bytes, [&](const FileSlice& slice) {
    if (map.files[slice.file_index].is_padding) return;
    const std::uint64_t target = map.files[slice.file_index].offset_bytes + slice.file_offset_bytes;
    assert(target + slice.length_bytes <= bytes_.size());
    std::memcpy(bytes_.data() + target, data.data() + slice.range_offset_bytes, slice.length_bytes);
  });
  return {};
}

Result<void> MemoryStorage::read(const BlockRef& block, std::span<std::uint8_t> out) {
  assert_block(block, out.size());
  const std::uint64_t offset = layout().piece_offset_bytes(block.piece) + block.offset_bytes;
  assert(offset + out.size() <= bytes_.size());
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return {};
}

Result<Sha1Digest> MemoryStorage::hash_piece(PieceIndex piece) {
  return protocol::sha1(piece_bytes(piece));
}

std::span<const std::uint8_t> MemoryStorage::piece_bytes(PieceIndex piece) const {
  const std::uint64_t offset = layout().piece_offset_bytes(piece);
  const std::uint32_t size = layout().piece_size_bytes(piece);
  assert(offset + size <= bytes_.size());
  return std::span(bytes_).subspan(static_cast<std::size_t>(offset), size);
}

}  // namespace swarmlab::peer::storage
