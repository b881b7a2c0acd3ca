#include "actors/peer/storage/phantom_storage.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer::storage {

PhantomStorage::PhantomStorage(std::shared_ptr<const StorageLayout> layout, PhantomStart start)
    : Storage(std::move(layout)) {
  flags_.assign(this->layout().piece_count(), start == PhantomStart::complete ? stored : 0);
}

Result<void> PhantomStorage::write(const BlockRef& block, std::span<const std::uint8_t> data,
                                   Taint taint) {
  assert_block(block, data.size());
  if (taint == Taint::corrupt_sender) {
    std::lock_guard lock(mutex_);
    flags_[block.piece] |= tainted;
    tainted_offsets_[block.piece].push_back(block.offset_bytes);
  }
  return {};
}

Result<void> PhantomStorage::read(const BlockRef& block, std::span<std::uint8_t> out) {
  assert_block(block, out.size());
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  return {};
}

Result<Sha1Digest> PhantomStorage::hash_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  Sha1Digest digest = layout().piece_hashes[piece];
  if (is_tainted(piece)) {
    // Any other digest would do: the complement differs from the expected one in every bit.
    for (std::uint8_t& byte : digest)
      byte = static_cast<std::uint8_t>(~byte);
  }
  return digest;
}

Result<bool> PhantomStorage::verify_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  std::lock_guard lock(mutex_);
  if ((flags_[piece] & tainted) != 0) return false;
  flags_[piece] |= stored;
  return true;
}

Result<bool> PhantomStorage::check_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  std::lock_guard lock(mutex_);
  return (flags_[piece] & stored) != 0 && (flags_[piece] & tainted) == 0;
}

Result<std::vector<Sha1Digest>> PhantomStorage::block_digests(PieceIndex piece,
                                                              std::uint32_t block_length_bytes) {
  assert(piece < layout().piece_count());
  assert(block_length_bytes > 0);
  const std::uint32_t piece_size = layout().piece_size_bytes(piece);
  std::vector<Sha1Digest> digests((piece_size + block_length_bytes - 1) / block_length_bytes,
                                  Sha1Digest{});
  std::lock_guard lock(mutex_);
  if (const auto found = tainted_offsets_.find(piece); found != tainted_offsets_.end()) {
    for (const std::uint32_t offset : found->second)
      digests.at(offset / block_length_bytes).fill(0xff);
  }
  return digests;
}

void PhantomStorage::discard_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  std::lock_guard lock(mutex_);
  flags_[piece] = 0;
  tainted_offsets_.erase(piece);
}

bool PhantomStorage::is_tainted(PieceIndex piece) const {
  assert(piece < layout().piece_count());
  std::lock_guard lock(mutex_);
  return (flags_[piece] & tainted) != 0;
}

}  // namespace swarmlab::peer::storage
