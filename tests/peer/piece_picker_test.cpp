#include "actors/peer/piece_picker.hpp"

#include "picker_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace swarmlab::peer::testing {
namespace {

using namespace std::chrono_literals;

constexpr PeerKey peer_a{1};
constexpr PeerKey peer_b{2};
constexpr PeerKey peer_c{3};

std::vector<BlockRef> pick(PiecePicker& picker, PeerKey peer, const Bitfield& has, int blocks,
                           net::Rng& rng, net::TimePoint now = net::time_zero) {
  return picker.pick(
      {.peer = peer, .peer_pieces = has, .blocks_max = BlockCount(blocks), .now = now}, rng);
}

TEST(PiecePicker, RarestFirstPicksTheRarest) {
  auto picker = make_picker({.availability = "4231534", .blocks_per_piece = 1});
  net::Rng rng(1);
  const auto picked = pieces_of(pick(picker, peer_a, all_pieces(picker), 7, rng));
  ASSERT_EQ(picked.size(), 7u);
  EXPECT_EQ(picked[0], 3);  // the only piece with one copy
  EXPECT_EQ(picked[1], 1);  // the only piece with two
  // Then the pieces with three copies (2 and 5, in either order), then 0 and 6, then 4.
  EXPECT_EQ((std::set<int>{picked[2], picked[3]}), (std::set<int>{2, 5}));
  EXPECT_EQ((std::set<int>{picked[4], picked[5]}), (std::set<int>{0, 6}));
  EXPECT_EQ(picked[6], 4);
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, RarestFirstSkipsPiecesThePeerLacks) {
  auto picker = make_picker({.availability = "4231534", .blocks_per_piece = 1});
  net::Rng rng(1);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, bits("xxx xxx"), 1, rng)), std::vector<int>{1});
}

TEST(PiecePicker, RandomTieBreaksAreSeededAndReproducible) {
  const PickerPicture picture{.availability = "22222222", .blocks_per_piece = 1};
  const auto first_picks = [&](std::uint64_t seed) {
    auto picker = make_picker(picture);
    net::Rng rng(seed);
    return pieces_of(pick(picker, peer_a, all_pieces(picker), 8, rng));
  };
  EXPECT_EQ(first_picks(7), first_picks(7));
  std::set<int> first_pieces;
  for (std::uint64_t seed = 0; seed < 200; ++seed)
    first_pieces.insert(first_picks(seed)[0]);
  // Every tied piece comes first for some seed.
  EXPECT_EQ(first_pieces.size(), 8u);
}

TEST(PiecePicker, FirstPiecesAreRandomUntilEnoughAreHad) {
  std::set<int> early_choices;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    auto picker = make_picker(
        {.availability = "1999999999", .blocks_per_piece = 1, .initial_random_pieces = 2_pieces});
    net::Rng rng(seed);
    early_choices.insert(pieces_of(pick(picker, peer_a, all_pieces(picker), 1, rng))[0]);
  }
  EXPECT_GT(early_choices.size(), 5u) << "with no piece yet, the rarest piece is not favoured";
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto picker = make_picker({.availability = "1999999999",
                               .have = "    xx",
                               .blocks_per_piece = 1,
                               .initial_random_pieces = 2_pieces});
    net::Rng rng(seed);
    EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 1, rng)), std::vector<int>{0});
  }
}

TEST(PiecePicker, PartialPiecesComeFirst) {
  auto picker = make_picker({.availability = "1199", .partial = "   2"});
  net::Rng rng(1);
  const auto picked = pick(picker, peer_a, all_pieces(picker), 2, rng);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0], (BlockRef{3_piece, 2_block}));
  EXPECT_EQ(picked[1], (BlockRef{3_piece, 3_block}));
}

TEST(PiecePicker, PartialNearestToCompletionFirst) {
  auto picker = make_picker({.availability = "1111", .partial = " 1 3"});
  net::Rng rng(1);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 4, rng)), (std::vector<int>{3, 1}));
}

TEST(PiecePicker, HigherPriorityBeforeRarer) {
  auto picker = make_picker({.availability = "1929", .priority = "4741", .blocks_per_piece = 1});
  net::Rng rng(1);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 4, rng)),
            (std::vector<int>{1, 0, 2, 3}));
}

TEST(PiecePicker, SkipPriorityIsNeverPicked) {
  auto picker = make_picker({.availability = "1111", .priority = "4044", .blocks_per_piece = 1});
  net::Rng rng(1);
  const auto picked = pieces_of(pick(picker, peer_a, all_pieces(picker), 10, rng));
  EXPECT_EQ(picked.size(), 3u);
  EXPECT_EQ(std::count(picked.begin(), picked.end(), 1), 0);
  EXPECT_FALSE(picker.is_interesting(bits(" x  ")));
  EXPECT_TRUE(picker.is_interesting(bits("  x ")));
}

TEST(PiecePicker, HavePiecesAreNeverPicked) {
  auto picker = make_picker({.availability = "1111", .have = "x x ", .blocks_per_piece = 1});
  net::Rng rng(1);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 10, rng)).size(), 2u);
  EXPECT_FALSE(picker.is_interesting(bits("x x ")));
}

TEST(PiecePicker, SequentialPicksInIndexOrder) {
  auto picker = make_picker({.availability = "9991",
                             .have = "x",
                             .blocks_per_piece = 1,
                             .strategy = PieceStrategyKind::sequential});
  net::Rng rng(1);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 10, rng)),
            (std::vector<int>{1, 2, 3}));
}

TEST(PiecePicker, RandomStrategyIgnoresRarity) {
  std::set<int> first_choices;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    auto picker = make_picker(
        {.availability = "19999999", .blocks_per_piece = 1, .strategy = PieceStrategyKind::random});
    net::Rng rng(seed);
    first_choices.insert(pieces_of(pick(picker, peer_a, all_pieces(picker), 1, rng))[0]);
  }
  EXPECT_GT(first_choices.size(), 4u);
}

TEST(PiecePicker, EndgameRequestsDuplicatesAndReportsCancels) {
  auto picker = make_picker({.availability = "22", .blocks_per_piece = 2});
  net::Rng rng(1);
  EXPECT_EQ(pick(picker, peer_a, all_pieces(picker), 3, rng).size(), 3u);
  EXPECT_FALSE(picker.in_endgame()) << "one block is still open";
  EXPECT_EQ(pick(picker, peer_b, all_pieces(picker), 1, rng).size(), 1u);
  EXPECT_TRUE(picker.in_endgame());
  // Peer c may now duplicate every requested block it does not hold itself.
  const auto duplicates = pick(picker, peer_c, all_pieces(picker), 10, rng);
  ASSERT_EQ(duplicates.size(), 4u);
  const BlockRef block = duplicates[0];
  EXPECT_EQ(picker.download(block.piece)->requester_count(block.block), 2);
  const auto arrival = picker.on_block(block, peer_c);
  EXPECT_EQ(arrival.outcome, BlockArrival::Outcome::accepted);
  ASSERT_EQ(arrival.cancel_peers.size(), 1u);
  EXPECT_TRUE(arrival.cancel_peers[0] == peer_a || arrival.cancel_peers[0] == peer_b);
  // The cancelled copy may still arrive: it is a duplicate to discard.
  EXPECT_EQ(picker.on_block(block, arrival.cancel_peers[0]).outcome,
            BlockArrival::Outcome::duplicate);
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, EndgameLimitsRequestersPerBlock) {
  auto picker = make_picker(
      {.availability = "9", .blocks_per_piece = 1, .options = {.endgame_requesters_per_block = 2}});
  net::Rng rng(1);
  EXPECT_EQ(pick(picker, peer_a, all_pieces(picker), 1, rng).size(), 1u);
  EXPECT_EQ(pick(picker, peer_b, all_pieces(picker), 1, rng).size(), 1u);
  EXPECT_TRUE(pick(picker, peer_c, all_pieces(picker), 1, rng).empty());
  EXPECT_TRUE(pick(picker, peer_a, all_pieces(picker), 1, rng).empty()) << "never twice per peer";
}

TEST(PiecePicker, HashFailureResetsPieceAndRecordsContributors) {
  auto picker = make_picker({.availability = "22", .blocks_per_piece = 2});
  EXPECT_EQ(picker.on_block({0_piece, 0_block}, peer_a).outcome, BlockArrival::Outcome::accepted);
  const auto last = picker.on_block({0_piece, 1_block}, peer_b);
  ASSERT_TRUE(last.piece_complete);
  const HashFailure failure = picker.on_hash_failed(0_piece);
  EXPECT_EQ(failure.contributors, (std::vector<PeerKey>{peer_a, peer_b}));
  EXPECT_EQ(picker.block_state({0_piece, 0_block}), BlockState::open);
  EXPECT_EQ(picker.download(0_piece), nullptr);
  EXPECT_FALSE(picker.have().test(0_piece));
  EXPECT_TRUE(picker.wanted().test(0_piece));
  EXPECT_EQ(picker.failed_contributors(0_piece).size(), 2u);
  // The second download, from a and c, passes: b alone is suspect.
  picker.on_block({0_piece, 0_block}, peer_a);
  ASSERT_TRUE(picker.on_block({0_piece, 1_block}, peer_c).piece_complete);
  EXPECT_EQ(picker.on_hash_passed(0_piece).suspects, std::vector<PeerKey>{peer_b});
  EXPECT_TRUE(picker.have().test(0_piece));
  EXPECT_TRUE(picker.failed_contributors(0_piece).empty());
  EXPECT_TRUE(picker.is_consistent());
}

std::vector<BlockRef> pick_on_parole(PiecePicker& picker, PeerKey peer, int blocks, net::Rng& rng,
                                     net::TimePoint now = net::time_zero) {
  const Bitfield has = all_pieces(picker);
  return picker.pick({.peer = peer,
                      .peer_pieces = has,
                      .blocks_max = BlockCount(blocks),
                      .now = now,
                      .on_parole = true},
                     rng);
}

// A peer on parole downloads whole pieces of its own: not the partial pieces of others, and
// nobody else gets blocks of its pieces, not even in endgame.
TEST(PiecePicker, PeerOnParoleGetsPiecesOfItsOwnAndNobodyElseDoes) {
  auto picker = make_picker({.availability = "1111", .partial = "  2 "});
  net::Rng rng(1);
  const auto own = pick_on_parole(picker, peer_a, 3, rng);
  ASSERT_EQ(own.size(), 3u);
  ASSERT_EQ(pieces_of(own).size(), 1u);
  const PieceIndex owned = own.front().piece;
  EXPECT_NE(owned, 2_piece);
  EXPECT_EQ(picker.download(owned)->owner(), peer_a);
  // Its next pick finishes its own piece first.
  const auto rest = pick_on_parole(picker, peer_a, 1, rng);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest.front(), (BlockRef{owned, 3_block}));
  // Everyone else: the other partial piece and the fresh ones, never the owned one.
  const auto others = pick(picker, peer_b, all_pieces(picker), 16, rng);
  EXPECT_EQ(others.size(), 2u + 4u + 4u);
  for (const BlockRef& block : others)
    EXPECT_NE(block.piece, owned);
  ASSERT_TRUE(picker.in_endgame());
  for (const BlockRef& block : pick(picker, peer_c, all_pieces(picker), 16, rng))
    EXPECT_NE(block.piece, owned);
  EXPECT_TRUE(picker.is_consistent());
}

// On parole with no fresh piece left it has, a peer shares the others' pieces: the download must
// not wait for ever on pieces only it has.
TEST(PiecePicker, PeerOnParoleSharesWhenNothingOfItsOwnIsLeft) {
  auto picker = make_picker({.availability = "11", .partial = "22"});
  net::Rng rng(1);
  const auto shared = pick_on_parole(picker, peer_a, 4, rng);
  EXPECT_EQ(shared.size(), 4u);
  EXPECT_EQ(pieces_of(shared), (std::vector<int>{0, 1}));
}

// Padding blocks are never picked; the piece completes with the others. A piece of padding alone
// is downloaded as usual (nothing else would complete it).
TEST(PiecePicker, PaddingBlocksAreNeverPicked) {
  auto picker = make_picker({.availability = "11"});
  const std::vector<BlockRef> padding = {{0_piece, 2_block}, {0_piece, 3_block},
                                         {1_piece, 0_block}, {1_piece, 1_block},
                                         {1_piece, 2_block}, {1_piece, 3_block}};
  picker.set_padding(padding);
  net::Rng rng(1);
  const auto picked = pick(picker, peer_a, all_pieces(picker), 8, rng);
  const std::vector<BlockRef> expected = {{0_piece, 0_block}, {0_piece, 1_block},
                                          {1_piece, 0_block}, {1_piece, 1_block},
                                          {1_piece, 2_block}, {1_piece, 3_block}};
  EXPECT_EQ(std::set<BlockRef>(picked.begin(), picked.end()),
            std::set<BlockRef>(expected.begin(), expected.end()));
  EXPECT_FALSE(picker.on_block({0_piece, 0_block}, peer_a).piece_complete);
  EXPECT_TRUE(picker.on_block({0_piece, 1_block}, peer_a).piece_complete);
  EXPECT_EQ(picker.download(0_piece)->contributors(), std::vector<PeerKey>{peer_a});
  EXPECT_TRUE(picker.is_consistent());
}

// An owner that lets its requests go (timeout, choke, gone) holds its piece back from nobody.
TEST(PiecePicker, AnOwnedPieceIsReleasedWhenItsOwnerLetsARequestGo) {
  auto picker = make_picker({.availability = "1"});
  net::Rng rng(1);
  const auto own = pick_on_parole(picker, peer_a, 4, rng, net::time_zero);
  ASSERT_EQ(own.size(), 4u);
  EXPECT_EQ(picker.on_block(own[0], peer_a).outcome, BlockArrival::Outcome::accepted);
  EXPECT_TRUE(pick(picker, peer_b, all_pieces(picker), 4, rng).empty());
  EXPECT_EQ(picker.abort_requests_sent_before(peer_a, net::time_zero + 1s).size(), 3u);
  EXPECT_EQ(picker.download(0_piece)->owner(), PeerKey::none());
  EXPECT_EQ(pick(picker, peer_b, all_pieces(picker), 4, rng).size(), 3u);
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, RequestTimeoutReturnsBlocks) {
  auto picker = make_picker({.availability = "11", .blocks_per_piece = 2});
  net::Rng rng(1);
  const auto early = pick(picker, peer_a, all_pieces(picker), 2, rng, net::time_zero);
  const auto late = pick(picker, peer_a, all_pieces(picker), 2, rng, net::time_zero + 20s);
  ASSERT_EQ(early.size(), 2u);
  ASSERT_EQ(late.size(), 2u);
  const auto expired = picker.abort_requests_sent_before(peer_a, net::time_zero + 10s);
  EXPECT_EQ(expired, early);
  for (const BlockRef& block : early)
    EXPECT_EQ(picker.block_state(block), BlockState::open);
  for (const BlockRef& block : late)
    EXPECT_EQ(picker.block_state(block), BlockState::requested);
  // Another peer gets the returned blocks.
  EXPECT_EQ(pick(picker, peer_b, all_pieces(picker), 2, rng), early);
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, RejectReturnsTheBlock) {
  auto picker = make_picker({.availability = "1", .blocks_per_piece = 2});
  net::Rng rng(1);
  const auto picked = pick(picker, peer_a, all_pieces(picker), 2, rng);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_FALSE(picker.abort_request(picked[0], peer_b)) << "b never requested it";
  EXPECT_TRUE(picker.abort_request(picked[0], peer_a));
  EXPECT_EQ(picker.block_state(picked[0]), BlockState::open);
  EXPECT_TRUE(picker.abort_request(picked[1], peer_a));
  // Nothing requested or received: the piece is fresh again, not a partial.
  EXPECT_TRUE(picker.partial_pieces().empty());
  EXPECT_EQ(picker.fresh_count(), 1_pieces);
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, PeerLeavingReducesAvailabilityAndAbortsItsRequests) {
  auto picker = make_picker({.availability = "1111", .blocks_per_piece = 1});
  const Bitfield leaving = bits("xx  ");
  picker.add_peer_pieces(leaving);
  picker.add_seed();
  EXPECT_EQ(picker.availability(0_piece), 3);
  net::Rng rng(1);
  ASSERT_EQ(pick(picker, peer_b, bits("  xx"), 1, rng).size(), 1u);
  // The peer held pieces 0 and 1 and a request; leaving takes back both.
  const auto aborted = picker.remove_peer(peer_b, leaving);
  EXPECT_EQ(aborted.size(), 1u);
  picker.remove_seed_peer(peer_c);
  EXPECT_EQ(picker.availability(0_piece), 1);
  EXPECT_EQ(picker.availability(2_piece), 1);
  EXPECT_TRUE(picker.partial_pieces().empty());
  EXPECT_TRUE(picker.is_consistent());
}

TEST(PiecePicker, AvailabilityChangesReorderTheRarest) {
  auto picker = make_picker({.availability = "2222", .blocks_per_piece = 1});
  picker.add_peer_piece(0_piece);
  picker.add_peer_piece(1_piece);
  picker.add_peer_piece(3_piece);
  net::Rng rng(3);
  EXPECT_EQ(pieces_of(pick(picker, peer_a, all_pieces(picker), 1, rng)), std::vector<int>{2});
}

TEST(PiecePicker, ChokedPeerOnlyAllowedFast) {
  auto picker = make_picker({.availability = "1299", .blocks_per_piece = 2});
  net::Rng rng(1);
  const Bitfield has = all_pieces(picker);
  const std::vector<PieceIndex> allowed{3_piece, 2_piece, 9_piece};
  const auto picked = picker.pick({.peer = peer_a,
                                   .peer_pieces = has,
                                   .blocks_max = 10_blocks,
                                   .now = net::time_zero,
                                   .peer_chokes_us = true,
                                   .allowed_fast = allowed},
                                  rng);
  // Only pieces 2 and 3 (9 names no piece); equally rare, so the lower index first.
  EXPECT_EQ(pieces_of(picked), (std::vector<int>{2, 3}));
  EXPECT_TRUE(picker
                  .pick({.peer = peer_b,
                         .peer_pieces = has,
                         .blocks_max = 10_blocks,
                         .now = net::time_zero,
                         .peer_chokes_us = true},
                        rng)
                  .empty());
}

TEST(PiecePicker, SuggestedPieceBreaksTies) {
  const std::vector<PieceIndex> suggested{5_piece, 0_piece};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto picker = make_picker({.availability = "13333333", .blocks_per_piece = 1});
    net::Rng rng(seed);
    const Bitfield has = all_pieces(picker);
    const auto picked = picker.pick({.peer = peer_a,
                                     .peer_pieces = has,
                                     .blocks_max = 2_blocks,
                                     .now = net::time_zero,
                                     .suggested = suggested},
                                    rng);
    // The rarest piece first; among the equally rare rest, the suggested one.
    EXPECT_EQ(pieces_of(picked), (std::vector<int>{0, 5}));
  }
}

TEST(PiecePicker, UnwantedBlocksAreReported) {
  auto picker = make_picker({.availability = "11", .have = "x", .priority = " 0"});
  EXPECT_EQ(picker.on_block({0_piece, 0_block}, peer_a).outcome, BlockArrival::Outcome::unwanted);
  EXPECT_EQ(picker.on_block({1_piece, 0_block}, peer_a).outcome, BlockArrival::Outcome::unwanted);
}

TEST(PiecePicker, LastPieceHasFewerBlocks) {
  const auto layout = PieceLayout::make(SizeBytes(16 * 1024 * 5 + 100), 32_KiB);
  ASSERT_TRUE(layout);
  PiecePicker picker(*layout, make_piece_strategy(PieceStrategyKind::sequential, 0_pieces));
  net::Rng rng(1);
  const Bitfield has(layout->piece_count(), true);
  const auto picked = picker.pick(
      {.peer = peer_a, .peer_pieces = has, .blocks_max = 100_blocks, .now = net::time_zero}, rng);
  EXPECT_EQ(picked.size(), 6u);
  EXPECT_EQ(picked.back(), (BlockRef{2_piece, 1_block}));
  EXPECT_EQ(layout->block_size(picked.back()), 100_bytes);
}

// Random operations from many peers; every invariant holds after each, and a fixed seed gives the
// same picks twice.
std::vector<BlockRef> random_session(std::uint64_t seed) {
  auto picker =
      make_picker({.availability = std::string_view("0000000000000000000000000000000000000000"),
                   .blocks_per_piece = 3});
  net::Rng rng(seed);
  constexpr int peer_count = 6;
  std::vector<Bitfield> peers(peer_count, Bitfield(picker.layout().piece_count()));
  std::vector<BlockRef> history;
  for (int step = 0; step < 3000 && !picker.is_complete(); ++step) {
    const auto peer_slot = static_cast<std::size_t>(rng.below(peer_count));
    const PeerKey key(static_cast<PeerKey::rep>(peer_slot));
    const auto choice = rng.below(10);
    const auto now = net::time_zero + std::chrono::seconds(step);
    if (choice < 3) {
      const PieceIndex piece(static_cast<PieceIndex::rep>(rng.below(40)));
      if (!peers[peer_slot].test(piece)) {
        peers[peer_slot].set(piece);
        picker.add_peer_piece(piece);
      }
    } else if (choice < 6) {
      for (const BlockRef& block : pick(picker, key, peers[peer_slot], 4, rng, now)) {
        history.push_back(block);
      }
    } else if (choice < 8 && !history.empty()) {
      const BlockRef block = history[rng.below(history.size())];
      if (picker.on_block(block, key).piece_complete) {
        if (rng.chance(1, 4)) {
          picker.on_hash_failed(block.piece);
        } else {
          picker.on_hash_passed(block.piece);
        }
      }
    } else if (choice == 8) {
      picker.abort_requests_sent_before(key, now - 5s);
    } else {
      picker.remove_peer(key, peers[peer_slot]);
      peers[peer_slot] = Bitfield(picker.layout().piece_count());
    }
    EXPECT_TRUE(picker.is_consistent()) << "step " << step;
  }
  return history;
}

TEST(PiecePicker, RandomSessionKeepsInvariantsAndIsDeterministic) {
  const auto first = random_session(42);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, random_session(42));
  EXPECT_NE(first, random_session(43));
}

}  // namespace
}  // namespace swarmlab::peer::testing
