#include "protocol/allowed_fast.hpp"

#include <gtest/gtest.h>

namespace swarmlab::protocol {
namespace {

InfoHash all_aa() {
  InfoHash hash{};
  hash.fill(0xaa);
  return hash;
}

TEST(AllowedFast, MatchesTheBep6Examples) {
  EXPECT_EQ(allowed_fast_set({80, 4, 4, 200}, all_aa(), 1313, 7),
            (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188}));
  EXPECT_EQ(allowed_fast_set({80, 4, 4, 200}, all_aa(), 1313, 9),
            (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188, 353, 508}));
}

TEST(AllowedFast, OnlyTheSlash24Counts) {
  EXPECT_EQ(allowed_fast_set({80, 4, 4, 1}, all_aa(), 1313, 9),
            allowed_fast_set({80, 4, 4, 200}, all_aa(), 1313, 9));
  EXPECT_NE(allowed_fast_set({80, 4, 5, 200}, all_aa(), 1313, 9),
            allowed_fast_set({80, 4, 4, 200}, all_aa(), 1313, 9));
}

TEST(AllowedFast, SmallTorrentGetsEveryPieceOnce) {
  auto pieces = allowed_fast_set({10, 0, 0, 1}, all_aa(), 5, 10);
  std::sort(pieces.begin(), pieces.end());
  EXPECT_EQ(pieces, (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace swarmlab::protocol
