#include "actors/peer/piece_layout.hpp"

#include "actors/peer/limits.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

constexpr SizeBytes full_block_size{limits::block_size_bytes};

std::int64_t divide_rounding_up(std::int64_t numerator, std::int64_t denominator) {
  assert(numerator >= 0);
  assert(denominator > 0);
  return numerator / denominator + (numerator % denominator != 0 ? 1 : 0);
}

}  // namespace

std::optional<PieceLayout> PieceLayout::make(SizeBytes total_size, SizeBytes piece_size) {
  if (total_size.value() <= 0 || piece_size.value() <= 0) return std::nullopt;
  if (piece_size.value() > limits::piece_size_bytes_max) return std::nullopt;
  if (divide_rounding_up(total_size.value(), piece_size.value()) > limits::piece_count_max) {
    return std::nullopt;
  }
  return PieceLayout(total_size, piece_size);
}

PieceLayout::PieceLayout(SizeBytes total_size, SizeBytes piece_size)
    : total_size_(total_size),
      piece_size_(piece_size),
      piece_count_(
          static_cast<PieceCount::rep>(divide_rounding_up(total_size.value(), piece_size.value()))),
      nominal_block_count_(static_cast<BlockCount::rep>(
          divide_rounding_up(piece_size.value(), full_block_size.value()))) {
  assert(piece_count_.value() > 0);
  assert(nominal_block_count_.value() <= limits::blocks_per_piece_max);
}

SizeBytes PieceLayout::piece_size(PieceIndex piece) const {
  assert(contains(piece));
  const SizeBytes start = piece_size_ * piece.value();
  const SizeBytes size = std::min(piece_size_, total_size_ - start);
  assert(size.value() > 0);
  return size;
}

BlockCount PieceLayout::block_count(PieceIndex piece) const {
  const auto count = divide_rounding_up(piece_size(piece).value(), full_block_size.value());
  assert(count > 0);
  assert(count <= nominal_block_count_.value());
  return BlockCount(static_cast<BlockCount::rep>(count));
}

BlockCount PieceLayout::total_block_count() const {
  const PieceIndex last(piece_count_.value() - 1);
  return BlockCount(nominal_block_count_.value() * last.value()) + block_count(last);
}

bool PieceLayout::contains(BlockRef block) const {
  return contains(block.piece) && block.block.value() >= 0 &&
         block.block.value() < block_count(block.piece).value();
}

SizeBytes PieceLayout::block_offset(BlockRef block) const {
  assert(contains(block));
  return full_block_size * block.block.value();
}

SizeBytes PieceLayout::block_size(BlockRef block) const {
  const SizeBytes offset = block_offset(block);
  const SizeBytes size = std::min(full_block_size, piece_size(block.piece) - offset);
  assert(size.value() > 0);
  return size;
}

std::optional<BlockRef> PieceLayout::block_at(PieceIndex piece, SizeBytes offset,
                                              SizeBytes length) const {
  if (!contains(piece) || offset.value() < 0) return std::nullopt;
  if (offset.value() % full_block_size.value() != 0) return std::nullopt;
  const BlockRef block{
      piece, BlockIndex(static_cast<BlockIndex::rep>(offset.value() / full_block_size.value()))};
  if (!contains(block) || block_size(block) != length) return std::nullopt;
  return block;
}

TypedVector<PieceIndex, Priority> piece_priorities_from_files(
    const PieceLayout& layout, std::span<const SizeBytes> file_sizes,
    std::span<const Priority> file_priorities) {
  assert(file_sizes.size() == file_priorities.size());
  TypedVector<PieceIndex, Priority> pieces(layout.piece_count(), Priority::skip);
  const std::int64_t piece_size = layout.nominal_piece_size().value();
  std::int64_t file_start = 0;
  for (std::size_t file = 0; file < file_sizes.size(); ++file) {
    const std::int64_t file_end = file_start + file_sizes[file].value();
    assert(file_end >= file_start);
    assert(file_end <= layout.total_size().value());
    // Empty files span no bytes and so touch no piece.
    for (std::int64_t piece = file_start / piece_size;
         file_end > file_start && piece * piece_size < file_end; ++piece) {
      Priority& slot = pieces[PieceIndex(static_cast<PieceIndex::rep>(piece))];
      slot = std::max(slot, file_priorities[file]);
    }
    file_start = file_end;
  }
  assert(file_start == layout.total_size().value());
  return pieces;
}

}  // namespace swarmlab::peer
