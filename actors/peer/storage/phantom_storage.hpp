// PhantomStorage: sizes only, no bytes (DESIGN §4, phantom payload mode). Writes keep nothing but
// the taint of a block from a corrupt sender; reads give zeros; a piece verifies unless a corrupt
// sender contributed to it since it was last discarded. What this models: the content a peer
// receives is the true content, except where the simulator says a sender lies.
//
// Per piece it keeps two bits: `tainted` (a corrupt block arrived) and `stored` (the piece was
// verified, or the storage started complete), which check_piece reports on a restart; and, for
// tainted pieces only, where the corrupt blocks were written, which block_digests tells.
#pragma once

#include "actors/peer/storage/storage.hpp"

#include <map>
#include <mutex>
#include <vector>

namespace swarmlab::peer::storage {

enum class PhantomStart : std::uint8_t { empty, complete };

class PhantomStorage final : public Storage {
 public:
  PhantomStorage(std::shared_ptr<const StorageLayout> layout, PhantomStart start);

  bool holds_payload() const override { return false; }
  Result<void> write(const BlockRef& block, std::span<const std::uint8_t> data,
                     Taint taint) override;
  Result<void> read(const BlockRef& block, std::span<std::uint8_t> out) override;
  Result<Sha1Digest> hash_piece(PieceIndex piece) override;
  Result<bool> verify_piece(PieceIndex piece) override;
  Result<bool> check_piece(PieceIndex piece) override;
  // A digest of zeros for a clean block, of 0xff bytes for one written by a corrupt sender.
  Result<std::vector<Sha1Digest>> block_digests(PieceIndex piece,
                                                std::uint32_t block_length_bytes) override;
  void discard_piece(PieceIndex piece) override;
  Result<void> flush() override { return {}; }

  bool is_tainted(PieceIndex piece) const;

 private:
  enum Flag : std::uint8_t { tainted = 1, stored = 2 };

  mutable std::mutex mutex_;
  std::vector<std::uint8_t> flags_;  // one Flag set per piece, guarded by mutex_
  // The offsets of the corrupt writes into each tainted piece, guarded by mutex_.
  std::map<PieceIndex, std::vector<std::uint32_t>> tainted_offsets_;
};

}  // namespace swarmlab::peer::storage
