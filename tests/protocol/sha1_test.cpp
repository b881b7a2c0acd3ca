#include "protocol/sha1.hpp"
#include "protocol/peer_address.hpp"

#include <gtest/gtest.h>

namespace swarmlab::protocol {
namespace {

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(to_hex(sha1(std::string_view(""))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(to_hex(sha1(std::string_view("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Sha1, IncrementalEqualsOneShot) {
  Sha1Hasher hasher;
  hasher.update(std::string_view("a"));
  hasher.update(std::string_view("bc"));
  EXPECT_EQ(hasher.finish(), sha1(std::string_view("abc")));
  // finish() resets the hasher.
  EXPECT_EQ(hasher.finish(), sha1(std::string_view("")));
}

TEST(Hex, RoundTripAndRejects) {
  const auto digest = sha1(std::string_view("abc"));
  EXPECT_EQ(from_hex<20>(to_hex(digest)), digest);
  EXPECT_EQ(from_hex<20>("A9993E364706816ABA3E25717850C26C9CD0D89D"), digest);
  EXPECT_FALSE(from_hex<20>("a9993e"));
  EXPECT_FALSE(from_hex<20>("g9993e364706816aba3e25717850c26c9cd0d89d"));
}

TEST(PeerAddress, ParseFormatAndCompact) {
  const auto v4 = PeerAddress::parse("10.1.2.3:6881");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->to_string(), "10.1.2.3:6881");
  const auto v6 = PeerAddress::parse("[::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_ipv4());
  EXPECT_EQ(v6->to_string(), "[::1]:80");
  EXPECT_FALSE(PeerAddress::parse("10.1.2.3"));
  EXPECT_FALSE(PeerAddress::parse("10.1.2.3:70000"));
  EXPECT_FALSE(PeerAddress::parse("host:80"));

  std::string compact;
  append_compact(compact, *v4);
  append_compact(compact, *v6);
  ASSERT_EQ(compact.size(), compact_ipv4_size_bytes + compact_ipv6_size_bytes);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(compact.data());
  EXPECT_EQ(parse_compact(std::span(bytes, 6)), v4);
  EXPECT_EQ(parse_compact(std::span(bytes + 6, 18)), v6);
  EXPECT_FALSE(parse_compact(std::span(bytes, 5)));
}

}  // namespace
}  // namespace swarmlab::protocol
