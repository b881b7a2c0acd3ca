// The storage a scenario peer starts with, in either payload mode: empty, complete (a seed), or a
// given set of pieces (a partial peer, or a crashed peer coming back with what it had verified).
// Part of scenarios/.
#pragma once

#include "actors/peer/peer_config.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/storage/phantom_storage.hpp"
#include "actors/peer/storage/storage.hpp"
#include "scenarios/spec.hpp"

#include <memory>
#include <vector>

namespace swarmlab::scenarios {

// Phantom storage that also reports a preset set of pieces as present when the torrent checks its
// existing data (PhantomStorage itself starts only empty or complete).
class PresetPhantomStorage final : public peer::storage::Storage {
 public:
  PresetPhantomStorage(std::shared_ptr<const peer::storage::StorageLayout> layout,
                       std::vector<bool> present);

  bool holds_payload() const override { return false; }
  peer::storage::Result<void> write(const peer::storage::BlockRef& block,
                                    std::span<const std::uint8_t> data,
                                    peer::storage::Taint taint) override {
    return inner_.write(block, data, taint);
  }
  peer::storage::Result<void> read(const peer::storage::BlockRef& block,
                                   std::span<std::uint8_t> out) override {
    return inner_.read(block, out);
  }
  peer::storage::Result<peer::storage::Sha1Digest> hash_piece(
      peer::storage::PieceIndex piece) override {
    return inner_.hash_piece(piece);
  }
  peer::storage::Result<bool> verify_piece(peer::storage::PieceIndex piece) override {
    return inner_.verify_piece(piece);
  }
  peer::storage::Result<bool> check_piece(peer::storage::PieceIndex piece) override;
  void discard_piece(peer::storage::PieceIndex piece) override;
  peer::storage::Result<void> flush() override { return {}; }

  bool is_tainted(peer::storage::PieceIndex piece) const { return inner_.is_tainted(piece); }

 private:
  peer::storage::PhantomStorage inner_;
  std::vector<bool> present_;
};

struct StartingStorage {
  std::unique_ptr<peer::storage::Storage> storage;
  peer::ExistingData existing_data = peer::ExistingData::none;
};

// Storage holding exactly the pieces flagged in `pieces` (real payload: their true bytes).
StartingStorage make_starting_storage(
    PayloadMode mode, const std::shared_ptr<const peer::storage::StorageLayout>& layout,
    const peer::storage::Payload& payload, const std::vector<bool>& pieces);

// Whether a piece a peer verified is the true content: the bytes equal the payload's (real), or
// no corrupt block reached it (phantom).
bool holds_true_piece(peer::storage::Storage& storage, const peer::storage::Payload& payload,
                      peer::storage::PieceIndex piece);

}  // namespace swarmlab::scenarios
