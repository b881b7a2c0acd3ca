// Piece picker micro benchmark: picks per second for a 1,000-piece torrent with 50 peers, for each
// shipped strategy, in a loop that looks like a download (requests in flight, arrivals, hash
// checks, some hash failures and timeouts); the cost of HAVE updates; and the heap held by one
// picker of a 400-piece torrent (the phantom flash crowd runs a thousand of those). Prints figures;
// asserts nothing.
//
// Usage: build/bench/piece_picker [seconds per strategy, default 1]
#include "actors/peer/piece_picker.hpp"

#include <fmt/core.h>
#include <malloc.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <utility>
#include <vector>

namespace {

using namespace swarmlab;
using namespace swarmlab::peer;
using namespace swarmlab::peer::literals;
using Stopwatch = std::chrono::steady_clock;

constexpr int piece_count = 1000;
constexpr int peer_count = 50;
constexpr int seed_count = 5;
constexpr SizeBytes piece_size = 256_KiB;
constexpr int blocks_per_pick = 8;
constexpr std::size_t blocks_in_flight_max = 400;

struct Swarm {
  std::vector<Bitfield> peers;
};

Swarm make_swarm(PiecePicker& picker, net::Rng& rng) {
  Swarm swarm;
  const PieceCount pieces = picker.layout().piece_count();
  for (int peer = 0; peer < peer_count; ++peer) {
    Bitfield has(pieces, peer < seed_count);
    if (peer < seed_count) {
      picker.add_seed();
    } else {
      for (PieceIndex piece{0}; piece.value() < pieces.value(); ++piece) {
        if (rng.chance(3, 5)) has.set(piece);
      }
      picker.add_peer_pieces(has);
    }
    swarm.peers.push_back(std::move(has));
  }
  return swarm;
}

struct Figures {
  long picks = 0;
  long blocks = 0;
  long completed_pieces = 0;
  double pick_seconds = 0;
  double loop_seconds = 0;
};

// Delivers the oldest block in flight; on a complete piece runs the hash outcome (1 in 50 fails).
void deliver_oldest(PiecePicker& picker, std::deque<std::pair<BlockRef, PeerKey>>& in_flight,
                    net::Rng& rng, Figures& figures) {
  const auto [block, peer] = in_flight.front();
  in_flight.pop_front();
  if (!picker.on_block(block, peer).piece_complete) return;
  if (rng.chance(1, 50)) {
    picker.on_hash_failed(block.piece);
  } else {
    picker.on_hash_passed(block.piece);
    ++figures.completed_pieces;
  }
}

// Downloads the whole torrent once; returns false if the time budget ran out first.
bool download_once(PieceStrategyKind kind, net::Rng& rng, Figures& figures,
                   Stopwatch::time_point deadline) {
  const auto layout = PieceLayout::make(piece_size * piece_count, piece_size);
  PiecePicker picker(*layout, make_piece_strategy(kind, 4_pieces));
  const Swarm swarm = make_swarm(picker, rng);
  std::deque<std::pair<BlockRef, PeerKey>> in_flight;
  const auto loop_start = Stopwatch::now();
  for (long step = 0; !picker.is_complete(); ++step) {
    if (step % 1024 == 0 && Stopwatch::now() > deadline) return false;
    const auto slot = static_cast<std::size_t>(step % peer_count);
    const PeerKey peer(static_cast<PeerKey::rep>(slot));
    const net::TimePoint now = net::time_zero + std::chrono::milliseconds(step);
    const auto pick_start = Stopwatch::now();
    const auto picked = picker.pick({.peer = peer,
                                     .peer_pieces = swarm.peers[slot],
                                     .blocks_max = BlockCount(blocks_per_pick),
                                     .now = now},
                                    rng);
    figures.pick_seconds += std::chrono::duration<double>(Stopwatch::now() - pick_start).count();
    ++figures.picks;
    figures.blocks += static_cast<long>(picked.size());
    for (const BlockRef& block : picked)
      in_flight.emplace_back(block, peer);
    while (in_flight.size() > blocks_in_flight_max || (picked.empty() && !in_flight.empty())) {
      deliver_oldest(picker, in_flight, rng, figures);
    }
    // Now and then a peer's old requests time out (the blocks may still arrive later).
    if (step % 97 == 0) picker.abort_requests_sent_before(peer, now - std::chrono::seconds(5));
  }
  figures.loop_seconds += std::chrono::duration<double>(Stopwatch::now() - loop_start).count();
  return true;
}

void bench_strategy(PieceStrategyKind kind, const char* name, double seconds) {
  net::Rng rng(1);
  Figures figures;
  int downloads = 0;
  const auto deadline = Stopwatch::now() + std::chrono::duration_cast<Stopwatch::duration>(
                                               std::chrono::duration<double>(seconds));
  while (download_once(kind, rng, figures, deadline))
    ++downloads;
  fmt::print(
      "{:<13} {:>12.0f} picks/s  {:>6.2f} us/pick  {:>5.2f} blocks/pick  {:>3} downloads "
      "of {} pieces x {} peers\n",
      name, figures.picks / figures.pick_seconds, 1e6 * figures.pick_seconds / figures.picks,
      static_cast<double>(figures.blocks) / figures.picks, downloads, piece_count, peer_count);
}

void bench_have_updates() {
  const auto layout = PieceLayout::make(piece_size * piece_count, piece_size);
  PiecePicker picker(*layout, make_piece_strategy(PieceStrategyKind::rarest_first, 4_pieces));
  net::Rng rng(2);
  constexpr long updates = 2'000'000;
  std::vector<PieceIndex> pieces;
  for (long i = 0; i < updates; ++i) {
    pieces.push_back(PieceIndex(static_cast<PieceIndex::rep>(rng.below(piece_count))));
  }
  const auto start = Stopwatch::now();
  // Availability climbs to about 2,000 per piece: far past any real swarm, the worst case for the
  // bucket array.
  for (PieceIndex piece : pieces)
    picker.add_peer_piece(piece);
  const double seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  fmt::print("HAVE updates  {:>12.0f} per second\n", updates / seconds);
}

void bench_memory() {
  constexpr int pickers = 1000;
  constexpr int pieces = 400;
  const auto layout = PieceLayout::make(piece_size * pieces, piece_size);
  net::Rng rng(3);
  const auto before = mallinfo2().uordblks;
  std::vector<PiecePicker> all;
  all.reserve(pickers);
  for (int i = 0; i < pickers; ++i) {
    all.emplace_back(*layout, make_piece_strategy(PieceStrategyKind::rarest_first, 4_pieces));
    for (int piece = 0; piece < pieces; ++piece) {
      for (int copy = 0; copy < 20; ++copy)
        all.back().add_peer_piece(PieceIndex(piece));
    }
  }
  const auto after = mallinfo2().uordblks;
  fmt::print("memory        {:>12.0f} bytes per picker of {} pieces ({} pickers, {:.1f} MiB)\n",
             static_cast<double>(after - before) / pickers, pieces, pickers,
             static_cast<double>(after - before) / (1024.0 * 1024.0));
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  fmt::print("piece picker: {} pieces of {} KiB, {} peers ({} seeds), {} blocks per pick\n",
             piece_count, piece_size.value() / 1024, peer_count, seed_count, blocks_per_pick);
  bench_strategy(PieceStrategyKind::rarest_first, "rarest-first", seconds);
  bench_strategy(PieceStrategyKind::random, "random", seconds);
  bench_strategy(PieceStrategyKind::sequential, "sequential", seconds);
  bench_have_updates();
  bench_memory();
  return 0;
}
