#include "record/piece_availability.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::record {

PieceAvailability::PieceAvailability(std::uint32_t piece_count) : copies_(piece_count, 0) {
  assert(piece_count <= piece_count_max);
}

PieceAvailability::Holdings& PieceAvailability::present_holdings(ActorId host) {
  Holdings& holdings = hosts_[host];
  if (!holdings.present) {
    holdings.present = true;
    ++hosts_present_;
  }
  assert(hosts_present_ <= hosts_.size());
  return holdings;
}

void PieceAvailability::drop_pieces(Holdings& holdings) {
  if (holdings.held_count == 0) return;
  for (std::uint32_t piece = 0; piece < holdings.held.size(); ++piece) {
    if (!holdings.held[piece]) continue;
    assert(copies_[piece] > 0);
    --copies_[piece];
  }
  holdings.held.assign(holdings.held.size(), false);
  holdings.held_count = 0;
}

void PieceAvailability::join(ActorId host, std::span<const std::uint8_t> bitfield) {
  Holdings& holdings = present_holdings(host);
  drop_pieces(holdings);
  const std::uint32_t piece_count = this->piece_count();
  for (std::uint32_t piece = 0; piece < piece_count; ++piece) {
    const std::size_t byte = piece / 8;
    if (byte >= bitfield.size()) break;
    if ((bitfield[byte] & (0x80u >> (piece % 8))) == 0) continue;
    add_piece(host, piece);
  }
  assert(holdings.held_count <= piece_count);
}

void PieceAvailability::add_piece(ActorId host, std::uint32_t piece) {
  if (piece >= piece_count()) return;  // A piece index the run does not have: nothing to count.
  Holdings& holdings = present_holdings(host);
  if (holdings.held.empty()) holdings.held.assign(piece_count(), false);
  if (holdings.held[piece]) return;
  holdings.held[piece] = true;
  ++holdings.held_count;
  ++copies_[piece];
  assert(copies_[piece] <= hosts_present_);
}

void PieceAvailability::leave(ActorId host) {
  const auto found = hosts_.find(host);
  if (found == hosts_.end() || !found->second.present) return;
  drop_pieces(found->second);
  found->second.present = false;
  assert(hosts_present_ > 0);
  --hosts_present_;
}

PieceAvailability::Summary PieceAvailability::summarize() const {
  Summary summary;
  summary.hosts_present = hosts_present_;
  if (copies_.empty()) return summary;
  const auto [lowest, highest] = std::minmax_element(copies_.begin(), copies_.end());
  summary.copies_min = *lowest;
  summary.copies_max = *highest;
  summary.rarest_piece = static_cast<std::uint32_t>(lowest - copies_.begin());
  std::uint64_t total = 0;
  for (const std::uint32_t copies : copies_) {
    total += copies;
    if (copies == summary.copies_min) ++summary.pieces_at_min;
  }
  summary.copies_mean = static_cast<double>(total) / static_cast<double>(copies_.size());
  assert(summary.pieces_at_min >= 1);
  assert(summary.copies_max <= hosts_present_);
  return summary;
}

void PieceAvailability::encode_copies(std::vector<std::uint8_t>& out) const {
  out.clear();
  out.reserve(copies_.size() * 4);
  for (const std::uint32_t copies : copies_) {
    for (int shift = 0; shift < 32; shift += 8) {
      out.push_back(static_cast<std::uint8_t>(copies >> shift));
    }
  }
  assert(out.size() == copies_.size() * 4);
}

}  // namespace swarmlab::record
