// The deterministic payload is compared with figures from tests/storage/payload_reference.py, an
// independent implementation in Python (its own integers and hashlib), never with itself.
#include "actors/peer/storage/payload.hpp"

#include "tests/storage/test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer::storage {
namespace {

std::vector<std::uint8_t> stream(const Payload& payload, std::uint64_t offset, std::size_t length) {
  std::vector<std::uint8_t> bytes(length);
  payload.fill(offset, bytes);
  return bytes;
}

TEST(Payload, FirstBytesMatchTheReference) {
  EXPECT_EQ(protocol::to_hex(stream(Payload(0x0123456789abcdefULL), 0, 16)),
            "9daa8fa407387a1593d0a1349b5273d5");
}

TEST(Payload, KeyFromSeedMatchesTheReference) {
  EXPECT_EQ(Payload::from_seed(42, 7).key(), 0x16062d6c1339e500ULL);
  EXPECT_NE(Payload::from_seed(42, 7).key(), Payload::from_seed(42, 8).key());
  EXPECT_NE(Payload::from_seed(42, 7).key(), Payload::from_seed(43, 7).key());
}

TEST(Payload, FirstMebibyteDigestMatchesTheReference) {
  const Payload payload = Payload::from_seed(42, 7);
  EXPECT_EQ(protocol::to_hex(protocol::sha1(stream(payload, 0, 1 << 20))),
            "9dc9f2047da97780c650812e405743cff437b162");
}

TEST(Payload, UnalignedRangeDigestMatchesTheReference) {
  const Payload payload = Payload::from_seed(42, 7);
  EXPECT_EQ(protocol::to_hex(protocol::sha1(stream(payload, 1000003, 5000))),
            "b686baba9c472f7a941ffda5fb713502dd8b6ccd");
}

TEST(Payload, AnyRangeEqualsTheSameBytesOfALongerRange) {
  const Payload payload(0x5eed);
  const auto whole = stream(payload, 0, 4096);
  for (std::uint64_t offset : {0u, 1u, 7u, 8u, 9u, 1000u, 4089u}) {
    for (std::size_t length : {0u, 1u, 3u, 7u, 8u, 15u, 64u}) {
      if (offset + length > whole.size()) continue;
      const auto part = stream(payload, offset, length);
      EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + offset))
          << offset << "+" << length;
    }
  }
}

TEST(Payload, ContentPieceHashesWithPaddingMatchTheReference) {
  const StorageLayout layout = make_multi_file_layout(
      "t", 32768,
      {{.path = {"a"}, .length_bytes = 100000, .is_padding = false},
       {.path = {".pad", "31072"}, .length_bytes = 31072, .is_padding = true},
       {.path = {"b"}, .length_bytes = 70001, .is_padding = false},
       {.path = {"c"}, .length_bytes = 3, .is_padding = false}});
  const auto hashes = content_piece_hashes(layout, Payload::from_seed(42, 7));
  ASSERT_EQ(hashes.size(), 7u);
  EXPECT_EQ(protocol::to_hex(hashes[0]), "01320f2af13041611ae324d24330b92613ef5c12");
  EXPECT_EQ(protocol::to_hex(hashes[3]), "bf5ae94de8a3037610f008760f805036be2498ee");
  EXPECT_EQ(protocol::to_hex(hashes[6]), "daeb27a2c1dc4afa7fa0f8926623493cb32d29f1");
  protocol::Sha1Hasher all;
  for (const auto& hash : hashes)
    all.update(hash);
  EXPECT_EQ(protocol::to_hex(all.finish()), "a920f1b3f2914e3b2ffc2362804eb13f79bbbba2");
}

TEST(Payload, ContentIsZeroInPadding) {
  const StorageLayout layout =
      make_multi_file_layout("t", 64,
                             {{.path = {"a"}, .length_bytes = 10, .is_padding = false},
                              {.path = {".pad", "54"}, .length_bytes = 54, .is_padding = true},
                              {.path = {"b"}, .length_bytes = 20, .is_padding = false}});
  const auto bytes = testing::expected_content(layout, Payload(1), 0, layout.total_size_bytes);
  EXPECT_TRUE(std::all_of(bytes.begin() + 10, bytes.begin() + 64, [](auto b) { return b == 0; }));
  // The payload stream itself is not zero there: the zeros come from the padding.
  EXPECT_FALSE(std::all_of(bytes.begin(), bytes.begin() + 10, [](auto b) { return b == 0; }));
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + 64, bytes.end()), stream(Payload(1), 64, 20));
}

}  // namespace
}  // namespace swarmlab::peer::storage
