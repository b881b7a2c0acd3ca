// all_zero against a byte loop: every length around the 64-byte stride, and a single non-zero
// byte at every position of a block, including the tail the stride does not cover. And the
// shared zero block, known by its address.
#include "net/zero_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace swarmlab::net {
namespace {

TEST(AllZero, EmptyIsNotAllZero) {
  EXPECT_FALSE(all_zero({}));
}

TEST(AllZero, ZeroBuffersOfEveryLengthAroundTheStride) {
  for (std::size_t size = 1; size <= 200; ++size) {
    const std::vector<std::uint8_t> zeros(size, 0);
    EXPECT_TRUE(all_zero(zeros)) << size;
  }
}

TEST(AllZero, OneNonZeroByteAnywhereIsFound) {
  for (const std::size_t size : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{130},
                                 std::size_t{16 * 1024 + 13}}) {
    for (std::size_t position = 0; position < size; ++position) {
      std::vector<std::uint8_t> bytes(size, 0);
      bytes[position] = static_cast<std::uint8_t>(1u << (position % 8));
      ASSERT_FALSE(all_zero(bytes)) << size << " at " << position;
    }
  }
}

TEST(AllZero, UnalignedStartsAreChecked) {
  std::vector<std::uint8_t> bytes(300, 0);
  bytes[299] = 0x80;
  for (std::size_t offset = 0; offset < 16; ++offset) {
    const std::span<const std::uint8_t> view(bytes.data() + offset, bytes.size() - offset);
    EXPECT_FALSE(all_zero(view)) << offset;
    EXPECT_TRUE(all_zero(view.first(view.size() - 1))) << offset;
  }
}

TEST(ZeroBlock, SpansInsideItAreKnownByAddressAndOthersAreNot) {
  const std::span<const std::uint8_t> block(zero_block);
  EXPECT_TRUE(within_zero_block(block));
  EXPECT_TRUE(within_zero_block(block.first(13)));
  EXPECT_TRUE(within_zero_block(block.last(1)));
  EXPECT_TRUE(all_zero(block.subspan(100, 1000)));
  // A copy holds the same zeros but is not the block.
  const std::vector<std::uint8_t> copy(block.begin(), block.end());
  EXPECT_FALSE(within_zero_block(copy));
  EXPECT_TRUE(all_zero(copy));
  EXPECT_FALSE(all_zero(block.first(0)));
}

}  // namespace
}  // namespace swarmlab::net
