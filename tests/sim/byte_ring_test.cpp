// ByteRing against a plain deque of bytes: whatever mix of literal bytes and zero runs goes in,
// the same bytes come out at every offset, and storage is held only for literal bytes.
#include "sim/byte_ring.hpp"
#include "net/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

namespace swarmlab::sim {
namespace {

std::vector<std::uint8_t> random_bytes(net::Rng& rng, std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  for (auto& byte : bytes)
    byte = static_cast<std::uint8_t>(rng.below(256));
  return bytes;
}

// What the writer hands over: zero blocks (below and above the run threshold), random bytes, and
// random bytes with zeros at either end.
std::vector<std::uint8_t> next_write(net::Rng& rng) {
  const std::size_t count = 1 + rng.below(40'000);
  switch (rng.below(4)) {
    case 0:
      return std::vector<std::uint8_t>(count, 0);
    case 1:
      return std::vector<std::uint8_t>(rng.below(ByteRing::zero_run_bytes_min + 2), 0);
    case 2: {
      auto bytes = std::vector<std::uint8_t>(count, 0);
      bytes[rng.below(count)] = 1;
      return bytes;
    }
    default:
      return random_bytes(rng, count);
  }
}

TEST(ByteRing, ReadsBackWhatWasWrittenAtEveryOffset) {
  net::Rng rng(7);
  ByteRing ring;
  std::deque<std::uint8_t> model;
  std::uint64_t model_begin = 0;
  for (int step = 0; step < 3000; ++step) {
    if (rng.chance(1, 2) || model.empty()) {
      const auto bytes = next_write(rng);
      ring.append(bytes.data(), bytes.size());
      model.insert(model.end(), bytes.begin(), bytes.end());
    }
    ASSERT_EQ(ring.begin_offset(), model_begin);
    ASSERT_EQ(ring.size(), model.size());
    if (model.empty()) continue;
    // Read a random stretch, as a reader with several buffers would: a few pieces in order.
    std::uint64_t skip = rng.below(model.size());
    std::size_t count = 1 + rng.below(model.size() - skip);
    std::vector<std::uint8_t> out(count, 0xaa);
    ring.copy_out(model_begin + skip, out.data(), count);
    ASSERT_TRUE(std::equal(out.begin(), out.end(), model.begin() + static_cast<long>(skip)))
        << "step " << step;
    // Consume a random prefix.
    const std::size_t consumed = rng.below(model.size() + 1);
    ring.consume_until(model_begin + consumed);
    model.erase(model.begin(), model.begin() + static_cast<long>(consumed));
    model_begin += consumed;
  }
}

TEST(ByteRing, ZeroRunsHoldNoStorage) {
  ByteRing ring;
  const std::vector<std::uint8_t> header = {0, 0, 64, 9, 7, 1, 2, 3};
  const std::vector<std::uint8_t> block(16 * 1024, 0);
  for (int index = 0; index < 64; ++index) {
    ring.append(header.data(), header.size());
    ring.append(block.data(), block.size());
  }
  EXPECT_EQ(ring.size(), 64 * (header.size() + block.size()));
  // 64 headers of literal bytes, none of the megabyte of zeros.
  EXPECT_LE(ring.capacity(), 4096u);
  std::vector<std::uint8_t> out(header.size() + block.size() + header.size());
  ring.copy_out(ring.begin_offset() + block.size() + header.size(), out.data(), out.size());
  EXPECT_TRUE(std::equal(header.begin(), header.end(), out.begin()));
  EXPECT_TRUE(std::all_of(out.begin() + 8, out.end() - 8, [](auto byte) { return byte == 0; }));
  EXPECT_TRUE(std::equal(header.begin(), header.end(), out.end() - 8));
}

TEST(ByteRing, LargeStorageIsGivenBackOnceEverythingIsRead) {
  net::Rng rng(3);
  ByteRing ring;
  const auto bytes = random_bytes(rng, 256 * 1024);
  ring.append(bytes.data(), bytes.size());
  EXPECT_GE(ring.capacity(), bytes.size());
  ring.consume_until(ring.end_offset() - 1);
  EXPECT_GE(ring.capacity(), bytes.size()) << "a byte is still unread";
  ring.consume_until(ring.end_offset());
  EXPECT_EQ(ring.capacity(), 0u);
  // Small storage is kept for the next write.
  ring.append(bytes.data(), 100);
  ring.consume_until(ring.end_offset());
  EXPECT_GT(ring.capacity(), 0u);
  EXPECT_LE(ring.capacity(), ByteRing::capacity_retained_max);
}

TEST(ByteRing, ReleaseDropsEverythingAndKeepsOffsets) {
  ByteRing ring;
  const std::vector<std::uint8_t> bytes(5000, 1);
  ring.append(bytes.data(), bytes.size());
  ring.consume_until(1000);
  ring.release();
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.begin_offset(), 5000u);
  EXPECT_EQ(ring.capacity(), 0u);
  ring.append(bytes.data(), 10);
  std::vector<std::uint8_t> out(10);
  ring.copy_out(5000, out.data(), out.size());
  EXPECT_EQ(out, std::vector<std::uint8_t>(10, 1));
}

}  // namespace
}  // namespace swarmlab::sim
