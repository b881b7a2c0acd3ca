// Picking blocks for one peer: allowed-fast pieces while choked, partial pieces first, fresh pieces
// in the strategy's order, then endgame duplicates. See piece_picker.hpp for the rules.
#include "actors/peer/piece_picker.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace swarmlab::peer {
namespace {

bool is_full(const PickRequest& request, const std::vector<BlockRef>& picked) {
  assert(picked.size() <= request.blocks_max.size());
  return picked.size() == request.blocks_max.size();
}

// A partial piece worth finishing: its download and the keys it is ranked by.
struct PartialCandidate {
  PieceDownload* download;
  Priority priority;
  BlockCount open_count;
  int availability;
};

// Higher priority first; then the piece nearest to completion (fewest open blocks), so pieces
// finish and can be shared; then the rarer; then the lower index, which is unique.
bool partial_before(const PartialCandidate& a, const PartialCandidate& b) {
  return std::make_tuple(level(b.priority), a.open_count, a.availability, a.download->piece()) <
         std::make_tuple(level(a.priority), b.open_count, b.availability, b.download->piece());
}

}  // namespace

std::vector<BlockRef> PiecePicker::pick(const PickRequest& request, net::Rng& rng) {
  assert(request.peer_pieces.size() == layout_.piece_count());
  assert(request.blocks_max.value() >= 0);
  std::vector<BlockRef> picked;
  picked.reserve(request.blocks_max.size());
  if (request.blocks_max.value() == 0) return picked;
  if (request.peer_chokes_us) {
    pick_allowed_fast(request, picked);
    return picked;
  }
  if (request.on_parole) {
    pick_owned(request, picked);
    if (!is_full(request, picked)) pick_fresh(request, rng, picked);
    // Nothing of its own left to take (no fresh piece it has): share pieces like anyone, or a
    // download whose last pieces only this peer has would wait for ever.
    if (!picked.empty()) return picked;
  }
  pick_partial(request, picked);
  if (!is_full(request, picked)) pick_fresh(request, rng, picked);
  if (!is_full(request, picked) && in_endgame()) pick_endgame(request, picked);
  assert(picked.size() <= request.blocks_max.size());
  return picked;
}

void PiecePicker::take_open_blocks(PieceDownload& download, const PickRequest& request,
                                   std::vector<BlockRef>& picked) {
  assert(request.peer_pieces.test(download.piece()));
  const BlockIndex end(download.block_count().value());
  for (BlockIndex block = download.next_open(BlockIndex(0));
       block < end && !is_full(request, picked);
       block = download.next_open(block + BlockCount(1))) {
    download.add_request(block, request.peer, request.now);
    picked.push_back({download.piece(), block});
  }
}

void PiecePicker::pick_partial(const PickRequest& request, std::vector<BlockRef>& picked) {
  std::vector<PartialCandidate> candidates;
  for (PieceDownload& download : downloads_) {
    const PieceIndex piece = download.piece();
    if (download.open_count().value() == 0 || !is_wanted_piece(piece)) continue;
    if (!request.peer_pieces.test(piece) || !download.is_open_to(request.peer)) continue;
    candidates.push_back(
        {&download, priorities_[piece], download.open_count(), index_.availability(piece)});
  }
  std::sort(candidates.begin(), candidates.end(), partial_before);
  for (const PartialCandidate& candidate : candidates) {
    if (is_full(request, picked)) return;
    take_open_blocks(*candidate.download, request, picked);
  }
}

void PiecePicker::pick_owned(const PickRequest& request, std::vector<BlockRef>& picked) {
  for (PieceDownload& download : downloads_) {
    if (is_full(request, picked)) return;
    if (download.owner() != request.peer || !is_wanted_piece(download.piece())) continue;
    if (request.peer_pieces.test(download.piece())) take_open_blocks(download, request, picked);
  }
}

void PiecePicker::pick_fresh(const PickRequest& request, net::Rng& rng,
                             std::vector<BlockRef>& picked) {
  if (index_.fresh_count().value() == 0) return;
  // Every fresh piece has all its blocks open; one spare piece covers a short last piece.
  const std::size_t blocks_needed = request.blocks_max.size() - picked.size();
  const std::size_t per_piece = layout_.nominal_block_count().size();
  const FreshPieceQuery query{.index = index_,
                              .peer_pieces = request.peer_pieces,
                              .suggested = request.suggested,
                              .have_count = have_.count(),
                              .pieces_max = (blocks_needed + per_piece - 1) / per_piece + 1};
  std::vector<PieceIndex> chosen;
  strategy_->choose(query, rng, chosen);
  assert(chosen.size() <= query.pieces_max);
  for (PieceIndex piece : chosen) {
    if (is_full(request, picked)) return;
    // A strategy is pluggable code: hold it to its contract.
    assert(index_.is_fresh(piece));
    assert(request.peer_pieces.test(piece));
    PieceDownload& download = start_download(piece);
    if (request.on_parole) download.set_owner(request.peer);
    take_open_blocks(download, request, picked);
  }
}

void PiecePicker::pick_endgame(const PickRequest& request, std::vector<BlockRef>& picked) {
  // Blocks others have requested and this peer has not, least duplicated first, then in block
  // order.
  std::vector<std::pair<int, BlockRef>> candidates;
  for (const PieceDownload& download : downloads_) {
    const PieceIndex piece = download.piece();
    if (!is_wanted_piece(piece) || !request.peer_pieces.test(piece)) continue;
    if (!download.is_open_to(request.peer)) continue;
    for (BlockIndex block{0}; block.value() < download.block_count().value(); ++block) {
      const int requesters = download.requester_count(block);
      if (download.state(block) != BlockState::requested) continue;
      if (requesters >= options_.endgame_requesters_per_block) continue;
      if (download.is_requested_by(block, request.peer)) continue;
      candidates.push_back({requesters, BlockRef{piece, block}});
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& [requesters, block] : candidates) {
    if (is_full(request, picked)) return;
    assert(requesters > 0);
    download_of(block.piece)->add_request(block.block, request.peer, request.now);
    picked.push_back(block);
  }
}

void PiecePicker::pick_allowed_fast(const PickRequest& request, std::vector<BlockRef>& picked) {
  // Allowed-fast pieces the peer has and we want: those in progress first, then the rarer, then the
  // lower index.
  std::vector<std::tuple<bool, int, PieceIndex>> candidates;
  for (PieceIndex piece : request.allowed_fast) {
    if (!layout_.contains(piece) || !is_wanted_piece(piece)) continue;
    if (!request.peer_pieces.test(piece)) continue;
    candidates.emplace_back(download_of(piece) == nullptr, index_.availability(piece), piece);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (const auto& [is_new, availability, piece] : candidates) {
    if (is_full(request, picked)) return;
    PieceDownload* download = download_of(piece);
    if (download != nullptr && !download->is_open_to(request.peer)) continue;
    // On parole, allowed-fast pieces too are its own or none.
    if (download != nullptr && request.on_parole && download->owner() != request.peer) continue;
    if (download == nullptr) {
      download = &start_download(piece);
      if (request.on_parole) download->set_owner(request.peer);
    }
    take_open_blocks(*download, request, picked);
    // The request was not full, so a new download got at least one block and is not idle.
    assert(!download->is_idle());
  }
}

}  // namespace swarmlab::peer
