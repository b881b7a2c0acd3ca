#include "actors/peer/piece_download.hpp"

#include "actors/peer/limits.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

PieceDownload::PieceDownload(PieceIndex piece, BlockCount block_count)
    : piece_(piece), blocks_(block_count.size()), open_count_(block_count) {
  assert(block_count.value() > 0);
  assert(block_count.value() <= limits::blocks_per_piece_max);
}

PieceDownload::BlockRecord& PieceDownload::record(BlockIndex block) {
  assert(block.value() >= 0);
  assert(block.slot() < blocks_.size());
  return blocks_[block.slot()];
}

const PieceDownload::BlockRecord& PieceDownload::record(BlockIndex block) const {
  assert(block.value() >= 0);
  assert(block.slot() < blocks_.size());
  return blocks_[block.slot()];
}

BlockState PieceDownload::state(BlockIndex block) const {
  return record(block).state;
}

int PieceDownload::requester_count(BlockIndex block) const {
  return record(block).requester_count;
}

PeerKey PieceDownload::sender(BlockIndex block) const {
  assert(record(block).state == BlockState::received);
  return record(block).sender;
}

bool PieceDownload::is_requested_by(BlockIndex block, PeerKey peer) const {
  return std::any_of(requests_.begin(), requests_.end(), [&](const OutstandingRequest& request) {
    return request.block == block && request.peer == peer;
  });
}

BlockIndex PieceDownload::next_open(BlockIndex from) const {
  assert(from.value() >= 0);
  for (std::size_t slot = from.slot(); slot < blocks_.size(); ++slot) {
    if (blocks_[slot].state == BlockState::open) {
      return BlockIndex(static_cast<BlockIndex::rep>(slot));
    }
  }
  return BlockIndex(block_count().value());
}

void PieceDownload::add_request(BlockIndex block, PeerKey peer, net::TimePoint sent_at) {
  BlockRecord& entry = record(block);
  assert(entry.state != BlockState::received);
  assert(!is_requested_by(block, peer));
  assert(entry.requester_count < limits::endgame_requesters_per_block_max);
  if (entry.state == BlockState::open) {
    entry.state = BlockState::requested;
    --open_count_;
  }
  ++entry.requester_count;
  requests_.push_back({block, peer, sent_at});
  assert(open_count_.value() >= 0);
}

bool PieceDownload::remove_request(BlockIndex block, PeerKey peer) {
  const auto found =
      std::find_if(requests_.begin(), requests_.end(), [&](const OutstandingRequest& request) {
        return request.block == block && request.peer == peer;
      });
  if (found == requests_.end()) return false;
  requests_.erase(found);
  BlockRecord& entry = record(block);
  assert(entry.state == BlockState::requested);
  assert(entry.requester_count > 0);
  if (--entry.requester_count == 0) {
    entry.state = BlockState::open;
    ++open_count_;
  }
  assert(open_count_ <= block_count());
  return true;
}

BlockReceipt PieceDownload::receive(BlockIndex block, PeerKey peer) {
  BlockRecord& entry = record(block);
  BlockReceipt receipt;
  if (entry.state == BlockState::received) return receipt;
  if (entry.state == BlockState::open) --open_count_;
  // Every other request for this block is now redundant; the sender's own is simply fulfilled.
  for (const OutstandingRequest& request : requests_) {
    if (request.block == block && request.peer != peer)
      receipt.cancel_peers.push_back(request.peer);
  }
  std::erase_if(requests_,
                [&](const OutstandingRequest& request) { return request.block == block; });
  std::sort(receipt.cancel_peers.begin(), receipt.cancel_peers.end());
  entry = BlockRecord{.state = BlockState::received, .requester_count = 0, .sender = peer};
  ++received_count_;
  receipt.accepted = true;
  assert(received_count_ <= block_count());
  assert(open_count_.value() >= 0);
  return receipt;
}

std::vector<PeerKey> PieceDownload::contributors() const {
  std::vector<PeerKey> peers;
  for (const BlockRecord& entry : blocks_) {
    // Padding is received from nobody.
    if (entry.state == BlockState::received && entry.sender != PeerKey::none())
      peers.push_back(entry.sender);
  }
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  assert(peers.size() <= blocks_.size());
  return peers;
}

}  // namespace swarmlab::peer
