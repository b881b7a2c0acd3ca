#include "actors/peer/storage/storage.hpp"

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

void Storage::discard_piece(PieceIndex piece) {
  assert(piece < layout_->piece_count());
}

void Storage::assert_block(const BlockRef& block, std::size_t size) const {
  assert(layout_->contains(block));
  assert(size == block.length_bytes || (size == 0 && !holds_payload()));
}

}  // namespace swarmlab::peer::storage
