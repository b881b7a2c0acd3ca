// The block bookkeeping of one piece being downloaded: which blocks are open, requested (and from
// which peers, since when) or received (and from whom). Part of actors/peer; pure logic, no I/O.
//
// Block states:
// - open: nobody has an outstanding request for it and we do not have its data;
// - requested: one or more peers have an outstanding request for it (more than one only in
// endgame);
// - received: its data arrived and waits, with the rest of the piece, for the hash check.
// A block goes open -> requested -> received, or back to open when its last request is aborted
// (timeout, reject, choke, peer gone). A hash failure discards the whole download.
#pragma once

#include "actors/peer/types.hpp"
#include "net/time.hpp"

#include <cstdint>
#include <vector>

namespace swarmlab::peer {

enum class BlockState : std::uint8_t { open, requested, received };

struct OutstandingRequest {
  BlockIndex block;
  PeerKey peer;
  net::TimePoint sent_at;
};

// What happened to a block that arrived.
struct BlockReceipt {
  // False when the block had already been received (an endgame duplicate): discard its data.
  bool accepted = false;
  // Other peers that still have an outstanding request for this block: send them a cancel.
  std::vector<PeerKey> cancel_peers;
};

class PieceDownload {
 public:
  PieceDownload(PieceIndex piece, BlockCount block_count);

  PieceIndex piece() const { return piece_; }
  BlockCount block_count() const {
    return BlockCount(static_cast<BlockCount::rep>(blocks_.size()));
  }
  BlockCount open_count() const { return open_count_; }
  BlockCount received_count() const { return received_count_; }
  bool is_complete() const { return received_count_ == block_count(); }
  // Nothing requested and nothing received: the download can be dropped without loss.
  bool is_idle() const { return open_count_ == block_count(); }

  BlockState state(BlockIndex block) const;
  int requester_count(BlockIndex block) const;
  bool is_requested_by(BlockIndex block, PeerKey peer) const;
  // The peer whose data we hold for a received block.
  PeerKey sender(BlockIndex block) const;
  // The first open block at or after `from`, or block_count() when there is none.
  BlockIndex next_open(BlockIndex from) const;
  const std::vector<OutstandingRequest>& requests() const { return requests_; }

  // Records an outstanding request; the block must not be received, nor already requested by
  // `peer`.
  void add_request(BlockIndex block, PeerKey peer, net::TimePoint sent_at);
  // Forgets `peer`'s request; the block becomes open again when no request is left. False when the
  // peer had no such request.
  bool remove_request(BlockIndex block, PeerKey peer);
  // Records the data of `block` from `peer` (who may or may not have requested it).
  BlockReceipt receive(BlockIndex block, PeerKey peer);
  // The peers that sent us at least one received block, in key order, each once (not the
  // PeerKey::none() of padding blocks, received from nobody).
  std::vector<PeerKey> contributors() const;
  // A peer on parole downloads pieces of its own: while set, nobody else is given its blocks.
  PeerKey owner() const { return owner_; }
  void set_owner(PeerKey owner) { owner_ = owner; }
  // Whether blocks of this piece may be given to `peer`.
  bool is_open_to(PeerKey peer) const { return owner_ == PeerKey::none() || owner_ == peer; }

 private:
  // 8 bytes per block.
  struct BlockRecord {
    BlockState state = BlockState::open;
    // Outstanding requests for the block; zero unless the state is requested.
    std::uint8_t requester_count = 0;
    // Who sent the data once received; PeerKey::none() before.
    PeerKey sender = PeerKey::none();
  };
  static_assert(sizeof(BlockRecord) == 8);

  BlockRecord& record(BlockIndex block);
  const BlockRecord& record(BlockIndex block) const;

  PieceIndex piece_;
  std::vector<BlockRecord> blocks_;
  // Every outstanding request of this piece; bounded by blocks x endgame requesters per block.
  std::vector<OutstandingRequest> requests_;
  BlockCount open_count_;
  BlockCount received_count_{0};
  PeerKey owner_ = PeerKey::none();
};

}  // namespace swarmlab::peer
