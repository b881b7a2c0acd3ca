// The private-mode access list format.
#include "actors/tracker/whitelist.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::tracker {
namespace {

using namespace test;

TEST(TrackerWhitelist, ReadsHashesSkippingCommentsAndBlanks) {
  const std::string text = "# torrents we serve\n" + protocol::to_hex(info_hash(2)) + "\r\n\n  " +
                           protocol::to_hex(info_hash(1)) + "\t\n" +
                           protocol::to_hex(info_hash(2)) + "\n";
  const auto hashes = parse_whitelist(text);
  ASSERT_TRUE(hashes) << hashes.error().describe();
  std::vector<InfoHash> expected{info_hash(1), info_hash(2)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*hashes, expected);
}

TEST(TrackerWhitelist, UpperCaseHexIsFine) {
  std::string hex = protocol::to_hex(info_hash(1));
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return std::toupper(c); });
  const auto hashes = parse_whitelist(hex);
  ASSERT_TRUE(hashes);
  EXPECT_EQ(*hashes, std::vector<InfoHash>{info_hash(1)});
}

TEST(TrackerWhitelist, BadLineIsReportedAtItsStart) {
  const std::string first = protocol::to_hex(info_hash(1)) + "\n";
  const auto short_line = parse_whitelist(first + "abcdef\n");
  ASSERT_FALSE(short_line);
  EXPECT_EQ(short_line.error().code, make_error_code(WhitelistError::bad_info_hash));
  EXPECT_EQ(short_line.error().offset, first.size());
  const auto not_hex = parse_whitelist(std::string(40, 'g'));
  ASSERT_FALSE(not_hex);
  EXPECT_EQ(not_hex.error().offset, 0u);
  const auto too_long = parse_whitelist(protocol::to_hex(info_hash(1)) + "00");
  EXPECT_FALSE(too_long);
}

TEST(TrackerWhitelist, EmptyTextIsAnEmptyList) {
  const auto hashes = parse_whitelist("");
  ASSERT_TRUE(hashes);
  EXPECT_TRUE(hashes->empty());
}

}  // namespace
}  // namespace swarmlab::tracker
