#include "scenarios/peer_storage.hpp"

#include "actors/peer/storage/memory_storage.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::scenarios {

namespace storage = peer::storage;

PresetPhantomStorage::PresetPhantomStorage(std::shared_ptr<const storage::StorageLayout> layout,
                                           std::vector<bool> present)
    : Storage(layout), inner_(layout, storage::PhantomStart::empty), present_(std::move(present)) {
  assert(present_.size() == this->layout().piece_count());
}

storage::Result<bool> PresetPhantomStorage::check_piece(storage::PieceIndex piece) {
  assert(piece < present_.size());
  if (present_[piece] && !inner_.is_tainted(piece)) return true;
  return inner_.check_piece(piece);
}

void PresetPhantomStorage::discard_piece(storage::PieceIndex piece) {
  assert(piece < present_.size());
  present_[piece] = false;
  inner_.discard_piece(piece);
}

namespace {

StartingStorage make_real_storage(const std::shared_ptr<const storage::StorageLayout>& layout,
                                  const storage::Payload& payload,
                                  const std::vector<bool>& pieces) {
  auto memory = std::make_unique<storage::MemoryStorage>(layout);
  const bool all = std::all_of(pieces.begin(), pieces.end(), [](bool held) { return held; });
  const bool none = std::none_of(pieces.begin(), pieces.end(), [](bool held) { return held; });
  std::vector<std::uint8_t> buffer;
  for (storage::PieceIndex piece = 0; piece < pieces.size(); ++piece) {
    if (!pieces[piece]) continue;
    buffer.resize(layout->piece_size_bytes(piece));
    storage::fill_content(*layout, payload, layout->piece_offset_bytes(piece), buffer);
    const auto written = memory->write({.piece = piece,
                                        .offset_bytes = 0,
                                        .length_bytes = static_cast<std::uint32_t>(buffer.size())},
                                       buffer, storage::Taint::clean);
    assert(written);
  }
  const peer::ExistingData existing = all    ? peer::ExistingData::trust_complete
                                      : none ? peer::ExistingData::none
                                             : peer::ExistingData::verify;
  return {std::move(memory), existing};
}

}  // namespace

StartingStorage make_starting_storage(PayloadMode mode,
                                      const std::shared_ptr<const storage::StorageLayout>& layout,
                                      const storage::Payload& payload,
                                      const std::vector<bool>& pieces) {
  assert(pieces.size() == layout->piece_count());
  if (mode == PayloadMode::real) return make_real_storage(layout, payload, pieces);
  const bool all = std::all_of(pieces.begin(), pieces.end(), [](bool held) { return held; });
  const bool none = std::none_of(pieces.begin(), pieces.end(), [](bool held) { return held; });
  if (all) {
    return {std::make_unique<storage::PhantomStorage>(layout, storage::PhantomStart::complete),
            peer::ExistingData::trust_complete};
  }
  if (none) {
    return {std::make_unique<storage::PhantomStorage>(layout, storage::PhantomStart::empty),
            peer::ExistingData::none};
  }
  return {std::make_unique<PresetPhantomStorage>(layout, pieces), peer::ExistingData::verify};
}

bool holds_true_piece(storage::Storage& store, const storage::Payload& payload,
                      storage::PieceIndex piece) {
  if (auto* phantom = dynamic_cast<storage::PhantomStorage*>(&store))
    return !phantom->is_tainted(piece);
  if (auto* preset = dynamic_cast<PresetPhantomStorage*>(&store)) return !preset->is_tainted(piece);
  const storage::StorageLayout& layout = store.layout();
  std::vector<std::uint8_t> stored(layout.piece_size_bytes(piece));
  std::vector<std::uint8_t> expected(stored.size());
  const storage::BlockRef block{
      .piece = piece, .offset_bytes = 0, .length_bytes = static_cast<std::uint32_t>(stored.size())};
  if (!store.read(block, stored)) return false;
  storage::fill_content(layout, payload, layout.piece_offset_bytes(piece), expected);
  return stored == expected;
}

}  // namespace swarmlab::scenarios
