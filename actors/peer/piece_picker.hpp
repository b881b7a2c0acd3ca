// The piece picker: decides which blocks to request from which peer, and keeps the block
// bookkeeping shared by every piece strategy. Part of actors/peer; pure logic, no I/O, no clock, no
// Asio: time and randomness are passed in.
//
// What it tracks:
// - availability: how many connected peers have each piece (availability_index.hpp);
// - have: pieces whose hash check passed. Only those count as ours;
// - priorities: per piece, from skip (never download) to top; "wanted" means not skip and not had;
// - downloads: pieces in progress, each with per-block state (piece_download.hpp): open, requested
// by
//   which peers since when, or received from whom and waiting for the hash check;
// - contributors of failed pieces: the peers that sent blocks of a piece that failed its hash
// check,
//   kept until the piece passes, so the caller can tell which peer sent bad data.
//
// How a pick for one peer proceeds (pick()):
// 1. If the peer chokes us, only its BEP 6 allowed-fast pieces may be requested; nothing else.
// 2. Partial pieces first: open blocks of pieces in progress, nearest to completion first, so that
//    pieces complete (and can be shared) soon and few stay half done.
// 3. Fresh pieces in the order of the pluggable PieceStrategy (rarest first, random, sequential).
// 4. Endgame: once no wanted block is open anywhere, blocks already requested from other peers may
//    be requested again (up to a limit per block); when one copy arrives, the others are cancelled.
// A peer on parole (PickRequest::on_parole) gets only the open blocks of pieces it owns and fresh
// pieces, which it then owns (and only when there are none, what anyone gets); nobody else gets
// blocks of a piece somebody owns. A piece stops being
// owned when its owner's requests for it are aborted (choke, timeout, reject, the peer gone), so
// that a peer that stops sending cannot hold a piece back.
#pragma once

#include "actors/peer/availability_index.hpp"
#include "actors/peer/bitfield.hpp"
#include "actors/peer/limits.hpp"
#include "actors/peer/piece_download.hpp"
#include "actors/peer/piece_layout.hpp"
#include "actors/peer/piece_strategy.hpp"
#include "actors/peer/types.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"

#include <map>
#include <memory>
#include <span>
#include <vector>

namespace swarmlab::peer {

struct PickerOptions {
  // Endgame: peers that may hold an outstanding request for the same block at once.
  int endgame_requesters_per_block = limits::endgame_requesters_per_block_default;
};

struct PickRequest {
  PeerKey peer = PeerKey::none();
  // The peer's pieces (its bitfield and HAVEs; all set for a seed).
  const Bitfield& peer_pieces;
  // How many blocks to request at most (the free room in the peer's request pipeline).
  BlockCount blocks_max{0};
  net::TimePoint now = net::time_zero;
  // The peer chokes us: only allowed-fast pieces may be requested (BEP 6).
  bool peer_chokes_us = false;
  std::span<const PieceIndex> allowed_fast = {};
  // BEP 6 suggest piece hints; strategies may use them as tie-breaks.
  std::span<const PieceIndex> suggested = {};
  // The peer sent blocks of a piece that failed its check and has not sent a good piece since
  // (libtorrent's parole): it gets only pieces of its own, which nobody else downloads, so that
  // its next bad piece has one sender, certainly to blame, and honest peers stop sharing
  // failures with it.
  bool on_parole = false;
};

struct BlockArrival {
  enum class Outcome {
    // New data for a wanted piece: store it.
    accepted,
    // The block was already received (an endgame duplicate): discard the data.
    duplicate,
    // We have the piece, or do not want it: discard the data.
    unwanted,
  };
  Outcome outcome = Outcome::unwanted;
  // Peers that still had a request out for this block: send each a cancel.
  std::vector<PeerKey> cancel_peers;
  // Every block of the piece has arrived: hash it, then call on_hash_passed or on_hash_failed.
  bool piece_complete = false;
};

struct HashFailure {
  // Peers that sent blocks of the failed piece, in key order.
  std::vector<PeerKey> contributors;
};

struct HashSuccess {
  // Peers that sent blocks to an earlier, failed download of this piece but none to the one that
  // passed: the likely senders of the bad data, in key order.
  std::vector<PeerKey> suspects;
};

class PiecePicker {
 public:
  PiecePicker(const PieceLayout& layout, std::unique_ptr<PieceStrategy> strategy,
              PickerOptions options = {});

  const PieceLayout& layout() const { return layout_; }
  const PieceStrategy& strategy() const { return *strategy_; }

  // Availability. A peer that sent have-all is added with add_seed() and removed with
  // remove_seed_peer(); every other peer with add_peer_pieces() (its bitfield), add_peer_piece()
  // (a HAVE for a piece it did not have yet) and remove_peer() with everything it had.
  void add_peer_pieces(const Bitfield& pieces);
  void add_peer_piece(PieceIndex piece);
  void add_seed();
  int availability(PieceIndex piece) const { return index_.availability(piece); }

  // A peer is gone: its pieces no longer count and its outstanding requests are aborted (returned,
  // in block order).
  std::vector<BlockRef> remove_peer(PeerKey peer, const Bitfield& pieces);
  std::vector<BlockRef> remove_seed_peer(PeerKey peer);

  // What we have and want.
  // A piece verified outside a download (for example on start with existing data).
  void set_have(PieceIndex piece);
  void set_priority(PieceIndex piece, Priority priority);
  void set_priorities(const TypedVector<PieceIndex, Priority>& priorities);
  // Blocks wholly inside BEP 47 padding (zeros): never requested, they count as received from
  // nobody when their piece starts downloading. A piece of padding alone is downloaded as usual.
  void set_padding(std::span<const BlockRef> blocks);
  Priority priority(PieceIndex piece) const { return priorities_[piece]; }
  const Bitfield& have() const { return have_; }
  // Wanted pieces we do not have.
  const Bitfield& wanted() const { return wanted_; }
  // Whether the peer has a piece we want (we should be interested in it).
  bool is_interesting(const Bitfield& peer_pieces) const;
  // Every wanted piece is ours.
  bool is_complete() const { return wanted_.none(); }

  // Picks up to request.blocks_max blocks to request from the peer and records them as requested by
  // it at request.now. The caller sends them; any it cannot send must be aborted.
  std::vector<BlockRef> pick(const PickRequest& request, net::Rng& rng);
  bool in_endgame() const;

  // Requests that end without data: a reject, a cancel of ours, a choke that drops requests (before
  // BEP 6). The block becomes open again unless another peer also requested it. False when the peer
  // had no request for the block.
  bool abort_request(BlockRef block, PeerKey peer);
  // Timeouts: aborts the peer's requests sent before `cutoff`; returns them, in block order.
  std::vector<BlockRef> abort_requests_sent_before(PeerKey peer, net::TimePoint cutoff);
  // Aborts every outstanding request of the peer; returns them, in block order.
  std::vector<BlockRef> abort_peer_requests(PeerKey peer);

  // A block's data arrived from `sender` (requested from it or not).
  BlockArrival on_block(BlockRef block, PeerKey sender);
  // The hash check of a complete piece passed: the piece is ours.
  HashSuccess on_hash_passed(PieceIndex piece);
  // The hash check failed: every block is discarded and the piece is wanted again.
  HashFailure on_hash_failed(PieceIndex piece);

  // Observation.
  BlockState block_state(BlockRef block) const;
  const PieceDownload* download(PieceIndex piece) const;
  // Pieces in progress, in index order.
  std::vector<PieceIndex> partial_pieces() const;
  PieceCount fresh_count() const { return index_.fresh_count(); }
  // Peers that sent blocks of this piece's failed downloads since it last passed.
  std::span<const PeerKey> failed_contributors(PieceIndex piece) const;
  // Checks every invariant (for tests; O(pieces)).
  bool is_consistent() const;

 private:
  static constexpr std::uint32_t no_download = ~std::uint32_t{0};

  PieceDownload* download_of(PieceIndex piece);
  bool is_wanted_piece(PieceIndex piece) const;
  PieceDownload& start_download(PieceIndex piece);
  void remove_download(PieceIndex piece);
  void return_to_fresh_if_wanted(PieceIndex piece);
  void take_open_blocks(PieceDownload& download, const PickRequest& request,
                        std::vector<BlockRef>& picked);
  void pick_allowed_fast(const PickRequest& request, std::vector<BlockRef>& picked);
  void pick_partial(const PickRequest& request, std::vector<BlockRef>& picked);
  void pick_owned(const PickRequest& request, std::vector<BlockRef>& picked);
  void pick_fresh(const PickRequest& request, net::Rng& rng, std::vector<BlockRef>& picked);
  void pick_endgame(const PickRequest& request, std::vector<BlockRef>& picked);
  template <class Predicate>
  std::vector<BlockRef> abort_requests_where(PeerKey peer, Predicate predicate);

  PieceLayout layout_;
  std::unique_ptr<PieceStrategy> strategy_;
  PickerOptions options_;
  AvailabilityIndex index_;
  TypedVector<PieceIndex, Priority> priorities_;
  // Per piece: its position in downloads_, or no_download.
  TypedVector<PieceIndex, std::uint32_t> download_slots_;
  // Pieces in progress; a piece is here from its first request until its hash check, and leaves
  // early (back to fresh) when its last request is aborted before any block arrived.
  std::vector<PieceDownload> downloads_;
  Bitfield have_;
  // Invariant: wanted_ = priority above skip and not in have_.
  Bitfield wanted_;
  std::map<PieceIndex, std::vector<PeerKey>> failed_contributors_;
  // The padding blocks of each piece that has some.
  std::map<PieceIndex, std::vector<BlockIndex>> padding_;
};

}  // namespace swarmlab::peer
