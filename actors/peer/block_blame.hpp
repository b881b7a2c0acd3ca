// Which sender of a failed piece sent the bad data, found block by block, as libtorrent's "smart
// ban" does. When a piece fails its check, the digest of every stored block is kept with the peer
// that sent it; when the piece later passes, a sender whose block differs from the good one is
// certainly a liar, and a sender whose blocks all match is cleared of that failure. Trust points
// (TrustLedger) still judge the failures whose piece has not passed yet, but a liar is now caught
// at the first good copy of a piece it spoiled, and the honest peers that shared the piece with it
// get back what the failure cost them. Part of actors/peer; pure logic.
#pragma once

#include "actors/peer/types.hpp"
#include "protocol/sha1.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace swarmlab::peer {

class BlockBlame {
 public:
  struct Verdict {
    // Sent a block that differs from the good copy: key order, each once.
    std::vector<PeerKey> liars;
    // Sent only good blocks: key order, each once, with the failed attempts they took part in.
    std::vector<std::pair<PeerKey, std::int32_t>> cleared;
  };

  // Failed attempts are remembered up to this many blocks in all (64 MiB of pieces in 16 KiB
  // blocks, at 12 bytes a block), so a flood of bad pieces costs bounded memory; beyond it,
  // failures are judged by trust points alone.
  static constexpr std::size_t blocks_max = 4096;

  // An attempt at `piece` failed: senders[i] sent block i, whose stored content has digests[i].
  void on_failed(PieceIndex piece, std::span<const PeerKey> senders,
                 std::span<const protocol::Sha1Digest> digests);
  bool remembers(PieceIndex piece) const { return attempts_.contains(piece); }
  // `piece` passed with these block digests: the verdict on its failed attempts, which are then
  // forgotten. Empty when none is remembered.
  Verdict on_passed(PieceIndex piece, std::span<const protocol::Sha1Digest> good);
  std::size_t block_count() const { return block_count_; }

 private:
  struct Attempt {
    std::vector<PeerKey> senders;
    // A prefix of each block's SHA-1: 64 bits tell two contents apart as surely as any check
    // here needs, at 8 bytes a block instead of 20.
    std::vector<std::uint64_t> digests;
  };
  static std::uint64_t prefix(const protocol::Sha1Digest& digest);

  std::map<PieceIndex, std::vector<Attempt>> attempts_;
  std::size_t block_count_ = 0;
};

}  // namespace swarmlab::peer
