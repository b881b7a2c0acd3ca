// Piece availability: for every piece, how many of the peers present in the swarm hold it. The
// recorder keeps it up to date from the event stream (a peer joins with some pieces, verifies more,
// leaves with all of them), one step per event, and writes a summary row (and optionally the whole
// vector) at every sampling tick. Counting here, where every event passes in order anyway, is
// cheaper and safer than making the analysis replay piece events, joins and departures.
#pragma once

#include "record/observer.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace swarmlab::record {

class PieceAvailability {
 public:
  // 2^22 pieces: 64 TiB at the smallest usual piece size (16 KiB); keeps the per-tick vector small.
  static constexpr std::uint32_t piece_count_max = std::uint32_t{1} << 22;

  struct Summary {
    std::uint32_t hosts_present = 0;
    std::uint32_t copies_min = 0;
    std::uint32_t copies_max = 0;
    double copies_mean = 0;
    // The lowest-numbered piece with copies_min copies; nullopt when there are no pieces.
    std::optional<std::uint32_t> rarest_piece;
    std::uint32_t pieces_at_min = 0;
  };

  explicit PieceAvailability(std::uint32_t piece_count);

  // `host` is present and holds exactly the pieces set in `bitfield` (BEP 3 layout; missing
  // trailing bytes mean "not held", spare bits past the last piece are ignored).
  void join(ActorId host, std::span<const std::uint8_t> bitfield);
  // `host` holds `piece` from now on. A host not present yet becomes present: a peer that verifies
  // a piece is evidently in the swarm, even if its arrival was not reported.
  void add_piece(ActorId host, std::uint32_t piece);
  // `host` leaves and its copies with it. Unknown or absent hosts are ignored.
  void leave(ActorId host);

  std::uint32_t piece_count() const { return static_cast<std::uint32_t>(copies_.size()); }
  std::span<const std::uint32_t> copies() const { return copies_; }
  Summary summarize() const;
  // The copies vector as piece_count little-endian 32-bit integers (the `availability.copies`
  // BLOB).
  void encode_copies(std::vector<std::uint8_t>& out) const;

 private:
  struct Holdings {
    bool present = false;
    std::uint32_t held_count = 0;
    std::vector<bool> held;
  };
  Holdings& present_holdings(ActorId host);
  void drop_pieces(Holdings& holdings);

  std::vector<std::uint32_t> copies_;
  // Looked up by host id only, never iterated, so its order cannot leak into the output.
  std::unordered_map<ActorId, Holdings> hosts_;
  std::uint32_t hosts_present_ = 0;
};

}  // namespace swarmlab::record
