#include "protocol/magnet.hpp"
#include "protocol/percent_encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::protocol {
namespace {

// SHA-1("abc"), in hex and in RFC 4648 base32 (computed independently).
constexpr std::string_view abc_hex = "a9993e364706816aba3e25717850c26c9cd0d89d";
constexpr std::string_view abc_base32 = "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5";
constexpr std::string_view v2_hex =
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

InfoHash abc_hash() {
  return *from_hex<20>(abc_hex);
}

void expect_error(std::string_view uri, MagnetError code, std::size_t offset) {
  const auto result = parse_magnet(uri);
  ASSERT_FALSE(result) << uri;
  EXPECT_EQ(result.error().code, make_error_code(code)) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset) << result.error().describe();
}

TEST(Magnet, ParsesHexInfoHashWithEveryParameter) {
  const auto link = parse_magnet(
      "magnet:?xt=urn:btih:A9993E364706816ABA3E25717850C26C9CD0D89D&dn=%C3%9Cn+name"
      "&tr=http%3A%2F%2Ft1.example%2Fannounce&tr=udp%3A%2F%2Ft2.example%3A80"
      "&x.pe=10.0.0.1%3A6881&x.pe=[2001:db8::1]:51413&x.pe=peer.example:7000"
      "&ws=http%3A%2F%2Fseed.example%2Ff&so=0,2,4-6");
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_EQ(link->info_hash, abc_hash());
  EXPECT_FALSE(link->info_hash_v2);
  EXPECT_EQ(link->display_name, "\xC3\x9Cn name");
  EXPECT_EQ(link->trackers,
            (std::vector<std::string>{"http://t1.example/announce", "udp://t2.example:80"}));
  ASSERT_EQ(link->peers.size(), 2u);
  EXPECT_EQ(link->peers[0].to_string(), "10.0.0.1:6881");
  EXPECT_EQ(link->peers[1].to_string(), "[2001:db8::1]:51413");
  EXPECT_EQ(link->peer_hostnames, std::vector<std::string>{"peer.example:7000"});
  EXPECT_EQ(link->web_seeds, std::vector<std::string>{"http://seed.example/f"});
  EXPECT_EQ(link->select_only, (std::vector<FileIndexRange>{{0, 0}, {2, 2}, {4, 6}}));
  EXPECT_FALSE(check_downloadable(*link));
}

TEST(Magnet, EmptyTrackerAndWebSeedAreSkipped) {
  const auto link =
      parse_magnet("magnet:?xt=urn:btih:" + std::string(abc_hex) + "&tr=&tr=udp%3A%2F%2Ft%3A1&ws=");
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_EQ(link->trackers, std::vector<std::string>{"udp://t:1"});
  EXPECT_TRUE(link->web_seeds.empty());
}

TEST(Magnet, ParsesBase32InfoHashInEitherCase) {
  const auto upper = parse_magnet("magnet:?xt=urn:btih:" + std::string(abc_base32));
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->info_hash, abc_hash());
  std::string lower(abc_base32);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(c));
  const auto lowered = parse_magnet("MAGNET:?xt=URN:BTIH:" + lower);
  ASSERT_TRUE(lowered);
  EXPECT_EQ(lowered->info_hash, abc_hash());
}

TEST(Magnet, V2OnlyLinkIsParsedButReportedUndownloadable) {
  const auto link = parse_magnet("magnet:?xt=urn:btmh:1220" + std::string(v2_hex) + "&dn=v2");
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_FALSE(link->info_hash);
  ASSERT_TRUE(link->info_hash_v2);
  EXPECT_EQ((*link->info_hash_v2)[0], 0x01);
  EXPECT_EQ((*link->info_hash_v2)[31], 0x20);
  const std::error_code blocker = check_downloadable(*link);
  EXPECT_EQ(blocker, make_error_code(MagnetError::v2_only));
  EXPECT_NE(blocker.message().find("v2"), std::string::npos);
}

TEST(Magnet, HybridLinkCarriesBothHashes) {
  const auto link = parse_magnet("magnet:?xt=urn:btih:" + std::string(abc_hex) +
                                 "&xt=urn:btmh:1220" + std::string(v2_hex));
  ASSERT_TRUE(link);
  EXPECT_TRUE(link->info_hash);
  EXPECT_TRUE(link->info_hash_v2);
  EXPECT_FALSE(check_downloadable(*link));
}

TEST(Magnet, NumberedParametersAndUnknownOnesAndEmptyFields) {
  const auto link =
      parse_magnet("magnet:?xt.1=urn:ed2k:abcd&&xt.2=urn:btih:" + std::string(abc_hex) +
                   "&tr.1=a&tr.2=b&kt=x+y&xl=10&");
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_EQ(link->info_hash, abc_hash());
  EXPECT_EQ(link->trackers, (std::vector<std::string>{"a", "b"}));
}

TEST(Magnet, SameInfoHashTwiceIsAccepted) {
  const auto link = parse_magnet("magnet:?xt=urn:btih:" + std::string(abc_hex) +
                                 "&xt=urn:btih:" + std::string(abc_base32));
  ASSERT_TRUE(link);
  EXPECT_EQ(link->info_hash, abc_hash());
}

TEST(Magnet, GeneratesPercentEncodedUri) {
  MagnetLink link;
  link.info_hash = abc_hash();
  link.display_name = "\xC3\x9Cnicode name+1";
  link.trackers = {"http://tracker.example/announce?x=1&y=2"};
  link.peers = {*PeerAddress::parse("[::1]:80")};
  link.select_only = {{1, 1}, {3, 5}};
  EXPECT_EQ(to_magnet_uri(link),
            "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d"
            "&dn=%C3%9Cnicode%20name%2B1"
            "&tr=http%3A%2F%2Ftracker.example%2Fannounce%3Fx%3D1%26y%3D2"
            "&x.pe=%5B%3A%3A1%5D%3A80&so=1,3-5");
}

TEST(Magnet, RoundTripsEveryField) {
  MagnetLink link;
  link.info_hash = abc_hash();
  link.info_hash_v2 = *from_hex<32>(v2_hex);
  link.display_name = "a b&c=d%e+f";
  link.trackers = {"udp://t.example:6969/announce", "http://x.example/a?b=c"};
  link.peers = {*PeerAddress::parse("1.2.3.4:5"), *PeerAddress::parse("[fe80::2]:9")};
  link.peer_hostnames = {"host.example:1"};
  link.web_seeds = {"https://w.example/path with space"};
  link.select_only = {{0, 0}, {7, 9}};
  const std::string uri = to_magnet_uri(link);
  const auto parsed = parse_magnet(uri);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(*parsed, link);
  EXPECT_EQ(to_magnet_uri(*parsed), uri);
}

TEST(MagnetNegative, NotMagnetScheme) {
  expect_error("http://x/?xt=1", MagnetError::not_magnet, 0);
}

TEST(MagnetNegative, MagnetWithoutQuestionMark) {
  expect_error("magnet:xt=urn:btih:", MagnetError::not_magnet, 0);
}

TEST(MagnetNegative, ParameterWithoutValue) {
  expect_error("magnet:?xt=urn:btih:" + std::string(abc_hex) + "&dn",
               MagnetError::parameter_without_value, 61);
}

TEST(MagnetNegative, TruncatedPercentEscape) {
  // "magnet:?dn=ab%4" : the '%' is at byte 13.
  expect_error("magnet:?dn=ab%4", MagnetError::bad_percent_escape, 13);
}

TEST(MagnetNegative, NonHexPercentEscape) {
  expect_error("magnet:?tr=x%zz&xt=urn:btih:" + std::string(abc_hex),
               MagnetError::bad_percent_escape, 12);
}

TEST(MagnetNegative, BtihWrongLength) {
  expect_error("magnet:?xt=urn:btih:a9993e", MagnetError::bad_btih, 11);
}

TEST(MagnetNegative, BtihNonHexCharacter) {
  expect_error("magnet:?xt=urn:btih:g9993e364706816aba3e25717850c26c9cd0d89d",
               MagnetError::bad_btih, 11);
}

TEST(MagnetNegative, BtihBadBase32Character) {
  // '1' and '8' are not in the base32 alphabet.
  expect_error("magnet:?xt=urn:btih:1GMT4NSHA2AWVOR6EVYXQUGCNSONBWE8", MagnetError::bad_btih, 11);
}

TEST(MagnetNegative, BtmhNotSha256) {
  expect_error("magnet:?xt=urn:btmh:1320" + std::string(v2_hex), MagnetError::bad_btmh, 11);
}

TEST(MagnetNegative, BtmhShortDigest) {
  expect_error("magnet:?xt=urn:btmh:12200102", MagnetError::bad_btmh, 11);
}

TEST(MagnetNegative, ConflictingInfoHashes) {
  const std::string first = "magnet:?xt=urn:btih:" + std::string(abc_hex) + "&xt=";
  expect_error(first + "urn:btih:0000000000000000000000000000000000000000",
               MagnetError::conflicting_info_hashes, first.size());
}

TEST(MagnetNegative, MissingInfoHash) {
  expect_error("magnet:?dn=x&tr=y", MagnetError::missing_info_hash, 17);
}

TEST(MagnetNegative, BadPeerAddress) {
  expect_error("magnet:?x.pe=10.0.0.1&xt=urn:btih:" + std::string(abc_hex),
               MagnetError::bad_peer_address, 13);
}

TEST(MagnetNegative, PeerPortOutOfRange) {
  expect_error("magnet:?x.pe=host:70000", MagnetError::bad_peer_address, 13);
}

TEST(MagnetNegative, SelectOnlyReversedRange) {
  expect_error("magnet:?so=5-3", MagnetError::bad_select_only, 11);
}

TEST(MagnetNegative, SelectOnlyEmptyItem) {
  expect_error("magnet:?so=1,,2", MagnetError::bad_select_only, 11);
}

TEST(MagnetNegative, SelectOnlyIndexTooLarge) {
  expect_error("magnet:?so=4294967296", MagnetError::bad_select_only, 11);
}

TEST(MagnetNegative, UriTooLong) {
  std::string uri = "magnet:?dn=" + std::string(magnet_uri_size_max, 'a');
  expect_error(uri, MagnetError::uri_too_long, magnet_uri_size_max);
}

TEST(MagnetNegative, TooManyParameters) {
  std::string uri = "magnet:?";
  for (std::size_t index = 0; index <= magnet_parameter_count_max; ++index)
    uri += "a=b&";
  expect_error(uri, MagnetError::too_many_parameters, 8 + 4 * magnet_parameter_count_max);
}

TEST(PercentEncoding, DecodesAndRejects) {
  EXPECT_EQ(percent_decode("a%20b+c%2b", PlusMeaning::literal_plus).value(), "a b+c+");
  EXPECT_EQ(percent_decode("a+b", PlusMeaning::space).value(), "a b");
  const auto truncated = percent_decode("abc%2", PlusMeaning::space);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, make_error_code(PercentError::escape_truncated));
  EXPECT_EQ(truncated.error().offset, 3u);
  const auto not_hex = percent_decode("%g0", PlusMeaning::space);
  ASSERT_FALSE(not_hex);
  EXPECT_EQ(not_hex.error().code, make_error_code(PercentError::escape_not_hex));
  EXPECT_EQ(not_hex.error().offset, 0u);
}

TEST(PercentEncoding, EncodesEverythingButUnreserved) {
  std::string out;
  append_percent_encoded(out, std::string_view("aZ0-._~ /\x00\xff", 11));
  EXPECT_EQ(out, "aZ0-._~%20%2F%00%FF");
}

}  // namespace
}  // namespace swarmlab::protocol
