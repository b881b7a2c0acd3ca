// BlockBlame: the senders of a failed piece judged block by block once the piece passes.
#include "actors/peer/block_blame.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace swarmlab::peer {
namespace {

using protocol::Sha1Digest;

constexpr PeerKey honest{1};
constexpr PeerKey liar{2};
constexpr PeerKey other{3};
constexpr PieceIndex piece{5};

Sha1Digest digest(std::uint8_t value) {
  Sha1Digest result{};
  result.fill(value);
  return result;
}

const std::vector<Sha1Digest> good = {digest(1), digest(2), digest(3), digest(4)};

TEST(BlockBlame, TheSenderOfADifferentBlockIsTheLiarTheOthersAreCleared) {
  BlockBlame blame;
  EXPECT_FALSE(blame.remembers(piece));
  blame.on_failed(piece, std::vector{honest, honest, liar, honest},
                  std::vector{digest(1), digest(2), digest(9), digest(4)});
  EXPECT_TRUE(blame.remembers(piece));
  const BlockBlame::Verdict verdict = blame.on_passed(piece, good);
  EXPECT_EQ(verdict.liars, std::vector{liar});
  EXPECT_EQ(verdict.cleared, (std::vector<std::pair<PeerKey, std::int32_t>>{{honest, 1}}));
  // Judged once: the attempts are forgotten.
  EXPECT_FALSE(blame.remembers(piece));
  EXPECT_EQ(blame.block_count(), 0u);
  EXPECT_TRUE(blame.on_passed(piece, good).liars.empty());
}

TEST(BlockBlame, EveryFailedAttemptIsJudgedAndCountedForTheCleared) {
  BlockBlame blame;
  blame.on_failed(piece, std::vector{honest, liar, other, honest},
                  std::vector{digest(1), digest(8), digest(3), digest(4)});
  // A liar that sent a good block once is still a liar for the bad one.
  blame.on_failed(piece, std::vector{liar, honest, honest, PeerKey::none()},
                  std::vector{digest(1), digest(2), digest(3), digest(0)});
  const BlockBlame::Verdict verdict = blame.on_passed(piece, good);
  EXPECT_EQ(verdict.liars, std::vector{liar});
  EXPECT_EQ(verdict.cleared,
            (std::vector<std::pair<PeerKey, std::int32_t>>{{honest, 2}, {other, 1}}));
}

TEST(BlockBlame, MemoryIsBounded) {
  BlockBlame blame;
  const std::vector<PeerKey> senders(BlockBlame::blocks_max / 2 + 1, liar);
  const std::vector<Sha1Digest> digests(senders.size(), digest(7));
  blame.on_failed(PieceIndex(1), senders, digests);
  blame.on_failed(PieceIndex(2), senders, digests);
  EXPECT_TRUE(blame.remembers(PieceIndex(1)));
  EXPECT_FALSE(blame.remembers(PieceIndex(2)));
  EXPECT_LE(blame.block_count(), BlockBlame::blocks_max);
}

}  // namespace
}  // namespace swarmlab::peer
