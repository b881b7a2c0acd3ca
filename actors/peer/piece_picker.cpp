// The picker's state changes: availability, priorities, request aborts, arrivals and hash results.
// Picking itself is in piece_picker_pick.cpp.
#include "actors/peer/piece_picker.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace swarmlab::peer {

PiecePicker::PiecePicker(const PieceLayout& layout, std::unique_ptr<PieceStrategy> strategy,
                         PickerOptions options)
    : layout_(layout),
      strategy_(std::move(strategy)),
      options_(options),
      index_(layout.piece_count()),
      priorities_(layout.piece_count(), Priority::normal),
      download_slots_(layout.piece_count(), no_download),
      have_(layout.piece_count()),
      wanted_(layout.piece_count(), true) {
  assert(strategy_ != nullptr);
  assert(options.endgame_requesters_per_block >= 1);
  assert(options.endgame_requesters_per_block <= limits::endgame_requesters_per_block_max);
  for (PieceIndex piece{0}; piece.value() < layout.piece_count().value(); ++piece) {
    index_.insert(piece, Priority::normal);
  }
}

PieceDownload* PiecePicker::download_of(PieceIndex piece) {
  const std::uint32_t slot = download_slots_[piece];
  if (slot == no_download) return nullptr;
  assert(downloads_[slot].piece() == piece);
  return &downloads_[slot];
}

const PieceDownload* PiecePicker::download(PieceIndex piece) const {
  const std::uint32_t slot = download_slots_[piece];
  if (slot == no_download) return nullptr;
  assert(downloads_[slot].piece() == piece);
  return &downloads_[slot];
}

bool PiecePicker::is_wanted_piece(PieceIndex piece) const {
  return wanted_.test(piece);
}

PieceDownload& PiecePicker::start_download(PieceIndex piece) {
  assert(index_.is_fresh(piece));
  assert(download_slots_[piece] == no_download);
  index_.erase(piece);
  download_slots_[piece] = static_cast<std::uint32_t>(downloads_.size());
  PieceDownload& download = downloads_.emplace_back(piece, layout_.block_count(piece));
  if (const auto padding = padding_.find(piece); padding != padding_.end()) {
    for (const BlockIndex block : padding->second)
      download.receive(block, PeerKey::none());
  }
  return download;
}

void PiecePicker::set_padding(std::span<const BlockRef> blocks) {
  padding_.clear();
  for (const BlockRef& block : blocks) {
    assert(layout_.contains(block));
    padding_[block.piece].push_back(block.block);
  }
  std::erase_if(padding_, [&](const auto& entry) {
    return entry.second.size() >= layout_.block_count(entry.first).size();
  });
}

void PiecePicker::remove_download(PieceIndex piece) {
  const std::uint32_t slot = download_slots_[piece];
  assert(slot != no_download);
  assert(slot < downloads_.size());
  if (slot + 1 != downloads_.size()) {
    downloads_[slot] = std::move(downloads_.back());
    download_slots_[downloads_[slot].piece()] = slot;
  }
  downloads_.pop_back();
  download_slots_[piece] = no_download;
}

void PiecePicker::return_to_fresh_if_wanted(PieceIndex piece) {
  assert(download_slots_[piece] == no_download);
  assert(!index_.is_fresh(piece));
  if (is_wanted_piece(piece)) index_.insert(piece, priorities_[piece]);
}

void PiecePicker::add_peer_pieces(const Bitfield& pieces) {
  assert(pieces.size() == layout_.piece_count());
  for (auto piece = pieces.find_next(PieceIndex(0)); piece;
       piece = pieces.find_next(*piece + PieceCount(1))) {
    index_.increment(*piece);
  }
}

void PiecePicker::add_peer_piece(PieceIndex piece) {
  assert(layout_.contains(piece));
  index_.increment(piece);
}

void PiecePicker::add_seed() {
  index_.add_seed();
}

std::vector<BlockRef> PiecePicker::remove_peer(PeerKey peer, const Bitfield& pieces) {
  assert(pieces.size() == layout_.piece_count());
  for (auto piece = pieces.find_next(PieceIndex(0)); piece;
       piece = pieces.find_next(*piece + PieceCount(1))) {
    index_.decrement(*piece);
  }
  return abort_peer_requests(peer);
}

std::vector<BlockRef> PiecePicker::remove_seed_peer(PeerKey peer) {
  index_.remove_seed();
  return abort_peer_requests(peer);
}

void PiecePicker::set_have(PieceIndex piece) {
  assert(layout_.contains(piece));
  assert(download_slots_[piece] == no_download);
  if (have_.test(piece)) return;
  if (index_.is_fresh(piece)) index_.erase(piece);
  have_.set(piece);
  wanted_.reset(piece);
  assert(!index_.is_fresh(piece));
}

void PiecePicker::set_priority(PieceIndex piece, Priority priority) {
  assert(layout_.contains(piece));
  assert(level(priority) < priority_level_count);
  if (priorities_[piece] == priority) return;
  if (index_.is_fresh(piece)) index_.erase(piece);
  priorities_[piece] = priority;
  wanted_.assign(piece, is_wanted(priority) && !have_.test(piece));
  // A piece in progress keeps its download (blocks may be in flight); picking skips it while it is
  // not wanted.
  if (download_slots_[piece] == no_download) return_to_fresh_if_wanted(piece);
  assert(index_.is_fresh(piece) == (is_wanted_piece(piece) && download(piece) == nullptr));
}

void PiecePicker::set_priorities(const TypedVector<PieceIndex, Priority>& priorities) {
  assert(priorities.size() == layout_.piece_count());
  for (PieceIndex piece{0}; piece.value() < priorities.size().value(); ++piece) {
    set_priority(piece, priorities[piece]);
  }
}

bool PiecePicker::is_interesting(const Bitfield& peer_pieces) const {
  assert(peer_pieces.size() == layout_.piece_count());
  return wanted_.intersects(peer_pieces);
}

bool PiecePicker::in_endgame() const {
  if (index_.fresh_count().value() > 0) return false;
  bool waiting = false;
  for (const PieceDownload& download : downloads_) {
    if (!is_wanted_piece(download.piece())) continue;
    if (download.open_count().value() > 0) return false;
    waiting = waiting || !download.is_complete();
  }
  // Every wanted block is requested or received, and some are still on their way.
  return waiting;
}

bool PiecePicker::abort_request(BlockRef block, PeerKey peer) {
  assert(layout_.contains(block));
  PieceDownload* download = download_of(block.piece);
  if (download == nullptr) return false;
  const bool removed = download->remove_request(block.block, peer);
  // An owner that lets a request go does not hold the piece back from others.
  if (removed && download->owner() == peer) download->set_owner(PeerKey::none());
  // A piece with nothing requested and nothing received is fresh again, so that the partial list
  // only holds pieces that hold something.
  if (removed && download->is_idle()) {
    remove_download(block.piece);
    return_to_fresh_if_wanted(block.piece);
  }
  return removed;
}

template <class Predicate>
std::vector<BlockRef> PiecePicker::abort_requests_where(PeerKey peer, Predicate predicate) {
  std::vector<BlockRef> aborted;
  for (const PieceDownload& download : downloads_) {
    for (const OutstandingRequest& request : download.requests()) {
      if (request.peer == peer && predicate(request)) {
        aborted.push_back({download.piece(), request.block});
      }
    }
  }
  // Collected first: aborting may remove downloads and so reorder downloads_.
  std::sort(aborted.begin(), aborted.end());
  for (const BlockRef& block : aborted) {
    const bool removed = abort_request(block, peer);
    assert(removed);
  }
  return aborted;
}

std::vector<BlockRef> PiecePicker::abort_requests_sent_before(PeerKey peer, net::TimePoint cutoff) {
  return abort_requests_where(
      peer, [cutoff](const OutstandingRequest& request) { return request.sent_at < cutoff; });
}

std::vector<BlockRef> PiecePicker::abort_peer_requests(PeerKey peer) {
  return abort_requests_where(peer, [](const OutstandingRequest&) { return true; });
}

BlockArrival PiecePicker::on_block(BlockRef block, PeerKey sender) {
  assert(layout_.contains(block));
  BlockArrival arrival;
  if (have_.test(block.piece)) return arrival;
  PieceDownload* download = download_of(block.piece);
  if (download == nullptr) {
    // Unrequested or late data for a piece nobody is downloading: worth keeping if wanted.
    if (!index_.is_fresh(block.piece)) return arrival;
    download = &start_download(block.piece);
  }
  BlockReceipt receipt = download->receive(block.block, sender);
  arrival.outcome =
      receipt.accepted ? BlockArrival::Outcome::accepted : BlockArrival::Outcome::duplicate;
  arrival.cancel_peers = std::move(receipt.cancel_peers);
  arrival.piece_complete = receipt.accepted && download->is_complete();
  assert(download->received_count().value() > 0);
  return arrival;
}

HashSuccess PiecePicker::on_hash_passed(PieceIndex piece) {
  const PieceDownload* download = download_of(piece);
  assert(download != nullptr);
  assert(download->is_complete());
  const std::vector<PeerKey> contributors = download->contributors();
  remove_download(piece);
  have_.set(piece);
  wanted_.reset(piece);
  HashSuccess success;
  const auto failed = failed_contributors_.find(piece);
  if (failed != failed_contributors_.end()) {
    std::set_difference(failed->second.begin(), failed->second.end(), contributors.begin(),
                        contributors.end(), std::back_inserter(success.suspects));
    failed_contributors_.erase(failed);
  }
  assert(!index_.is_fresh(piece));
  return success;
}

HashFailure PiecePicker::on_hash_failed(PieceIndex piece) {
  const PieceDownload* download = download_of(piece);
  assert(download != nullptr);
  assert(download->is_complete());
  HashFailure failure{download->contributors()};
  remove_download(piece);
  return_to_fresh_if_wanted(piece);
  std::vector<PeerKey>& recorded = failed_contributors_[piece];
  std::vector<PeerKey> merged;
  std::set_union(recorded.begin(), recorded.end(), failure.contributors.begin(),
                 failure.contributors.end(), std::back_inserter(merged));
  recorded = std::move(merged);
  assert(recorded.size() >= failure.contributors.size());
  return failure;
}

BlockState PiecePicker::block_state(BlockRef block) const {
  assert(layout_.contains(block));
  const PieceDownload* in_progress = download(block.piece);
  return in_progress == nullptr ? BlockState::open : in_progress->state(block.block);
}

std::vector<PieceIndex> PiecePicker::partial_pieces() const {
  std::vector<PieceIndex> pieces;
  pieces.reserve(downloads_.size());
  for (const PieceDownload& download : downloads_)
    pieces.push_back(download.piece());
  std::sort(pieces.begin(), pieces.end());
  return pieces;
}

std::span<const PeerKey> PiecePicker::failed_contributors(PieceIndex piece) const {
  const auto found = failed_contributors_.find(piece);
  if (found == failed_contributors_.end()) return {};
  return found->second;
}

bool PiecePicker::is_consistent() const {
  if (!index_.is_consistent()) return false;
  for (PieceIndex piece{0}; piece.value() < layout_.piece_count().value(); ++piece) {
    const bool wanted = is_wanted(priorities_[piece]) && !have_.test(piece);
    const bool downloading = download(piece) != nullptr;
    if (wanted_.test(piece) != wanted) return false;
    if (index_.is_fresh(piece) != (wanted && !downloading)) return false;
    if (have_.test(piece) && downloading) return false;
    if (index_.is_fresh(piece) && index_.fresh_priority(piece) != priorities_[piece]) return false;
  }
  for (const PieceDownload& download : downloads_) {
    if (download.is_idle()) return false;
  }
  return true;
}

}  // namespace swarmlab::peer
