#include "actors/peer/storage/storage.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer::storage {

Storage::Storage(std::shared_ptr<const StorageLayout> layout) : layout_(std::move(layout)) {
  assert(layout_ != nullptr);
  assert(!layout_problem(*layout_));
}

Storage::~Storage() = default;

Result<bool> Storage::verify_piece(PieceIndex piece) {
  assert(piece < layout_->piece_count());
  auto digest = hash_piece(piece);
  if (!digest) return Result<bool>(boost::system::in_place_error, digest.error());
  return *digest == layout_->piece_hashes[piece];
}

Result<bool> Storage::check_piece(PieceIndex piece) {
  return verify_piece(piece);
}

Result<std::vector<Sha1Digest>> Storage::block_digests(PieceIndex piece,
                                                       std::uint32_t block_length_bytes) {
  assert(piece < layout_->piece_count());
  assert(block_length_bytes > 0);
  const std::uint32_t piece_size = layout_->piece_size_bytes(piece);
  std::vector<Sha1Digest> digests;
  digests.reserve((piece_size + block_length_bytes - 1) / block_length_bytes);
  std::vector<std::uint8_t> bytes;
  for (std::uint32_t offset = 0; offset < piece_size; offset += block_length_bytes) {
    const BlockRef block{.piece = piece,
                         .offset_bytes = offset,
                         .length_bytes = std::min(block_length_bytes, piece_size - offset)};
    bytes.resize(holds_payload() ? block.length_bytes : 0);
    if (auto result = read(block, bytes); !result) return result.error();
    digests.push_back(protocol::sha1(bytes));
  }
  return digests;
}

void Storage::discard_piece(PieceIndex piece) {
  assert(piece < layout_->piece_count());
}

void Storage::assert_block(const BlockRef& block, std::size_t size) const {
  assert(layout_->contains(block));
  assert(size == block.length_bytes || (size == 0 && !holds_payload()));
}

}  // namespace swarmlab::peer::storage
