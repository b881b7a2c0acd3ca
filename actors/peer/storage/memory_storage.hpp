// MemoryStorage: the whole torrent in one buffer in RAM, laid out as the torrent's byte stream.
// For simulated swarms with real payload, where every peer holds real bytes but nothing touches a
// disk. Padding ranges are never written and stay zero, as BEP 47 defines their content.
#pragma once

#include "actors/peer/storage/storage.hpp"

#include <vector>

namespace swarmlab::peer::storage {

class MemoryStorage final : public Storage {
 public:
  // Starts with every byte zero (nothing downloaded).
  explicit MemoryStorage(std::shared_ptr<const StorageLayout> layout);

  bool holds_payload() const override { return true; }
  Result<void> write(const BlockRef& block, std::span<const std::uint8_t> data,
                     Taint taint) override;
  Result<void> read(const BlockRef& block, std::span<std::uint8_t> out) override;
  Result<Sha1Digest> hash_piece(PieceIndex piece) override;
  Result<void> flush() override { return {}; }

  // The whole byte stream, for comparing peers' content byte for byte.
  std::span<const std::uint8_t> content() const { return bytes_; }

 private:
  std::span<const std::uint8_t> piece_bytes(PieceIndex piece) const;

  std::vector<std::uint8_t> bytes_;
};

}  // namespace swarmlab::peer::storage
