#include "protocol/bencode.hpp"
#include "tests/protocol/parse_error_printer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmlab::protocol::bencode {
namespace {

// Decodes `input`, expects failure, and returns (code, offset) for one-line comparisons.
ParseError decode_error(std::string_view input, const Limits& limits = {}) {
  auto result = decode(input, limits);
  EXPECT_FALSE(result.has_value()) << "decoded unexpectedly: " << input;
  if (result.has_value()) return {};
  return result.error();
}

ParseError expected(Error error, std::size_t offset) {
  return ParseError{make_error_code(error), offset};
}

// ---- values -------------------------------------------------------------------------------------

TEST(BencodeDecode, Integers) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"i0e", 0},
      {"i42e", 42},
      {"i-42e", -42},
      {"i9223372036854775807e", 9223372036854775807LL},
      {"i-9223372036854775808e", -9223372036854775807LL - 1},
  };
  for (const auto& [text, value] : cases) {
    auto document = decode(text);
    ASSERT_TRUE(document) << text << ": " << document.error().describe();
    ASSERT_TRUE(document->root().is_integer());
    EXPECT_EQ(document->root().integer(), value) << text;
    EXPECT_EQ(document->root().encoded(), text);
  }
}

TEST(BencodeDecode, StringsPointIntoTheInput) {
  const std::string input = "5:hello";
  auto document = decode(input);
  ASSERT_TRUE(document);
  const Node root = document->root();
  ASSERT_TRUE(root.is_string());
  EXPECT_EQ(root.string(), "hello");
  EXPECT_EQ(root.string().data(), input.data() + 2);  // a view, not a copy
  EXPECT_EQ(root.string_bytes().size(), 5u);
}

TEST(BencodeDecode, EmptyStringAndBinaryBytes) {
  const std::string input(
      "l0:3:\0\xff\x01"
      "e",
      9);
  auto document = decode(input);
  ASSERT_TRUE(document);
  const Node root = document->root();
  ASSERT_EQ(root.list_size(), 2u);
  EXPECT_EQ(root.list_item(0).string(), "");
  EXPECT_EQ(root.list_item(1).string(), std::string_view("\0\xff\x01", 3));
}

TEST(BencodeDecode, ListsIterateInOrder) {
  auto document = decode("li1ei2ei3ee");
  ASSERT_TRUE(document);
  std::vector<std::int64_t> values;
  for (Node item : document->root().items())
    values.push_back(item.integer());
  EXPECT_EQ(values, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(document->root().list_size(), 3u);
  EXPECT_EQ(document->root().list_item(2).integer(), 3);
}

TEST(BencodeDecode, DictionaryLookupAndOrder) {
  const std::string input = "d1:ai1e1:bl1:xe1:cd1:di4eee";
  auto document = decode(input);
  ASSERT_TRUE(document);
  const Node root = document->root();
  ASSERT_TRUE(root.is_dict());
  EXPECT_EQ(root.dict_size(), 3u);
  EXPECT_EQ(root.find_integer("a"), 1);
  EXPECT_FALSE(root.find_integer("b"));  // present but a list
  ASSERT_TRUE(root.find_list("b"));
  EXPECT_EQ(root.find_list("b")->list_item(0).string(), "x");
  ASSERT_TRUE(root.find_dict("c"));
  EXPECT_EQ(root.find_dict("c")->find_integer("d"), 4);
  EXPECT_FALSE(root.find("0"));
  EXPECT_FALSE(root.find("bb"));
  EXPECT_FALSE(root.find("z"));
  std::vector<std::string_view> keys;
  std::vector<std::size_t> key_offsets;
  for (const DictEntry& entry : root.entries()) {
    keys.push_back(entry.key);
    key_offsets.push_back(entry.key_offset);
  }
  EXPECT_EQ(keys, (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(key_offsets, (std::vector<std::size_t>{1, 7, 15}));
}

TEST(BencodeDecode, EncodedSpansCoverExactBytes) {
  const std::string input = "d4:infod6:lengthi5e4:name1:xe3:zzzi0ee";
  auto document = decode(input);
  ASSERT_TRUE(document);
  const Node info = *document->root().find("info");
  EXPECT_EQ(info.encoded(), "d6:lengthi5e4:name1:xe");
  EXPECT_EQ(info.offset(), input.find("d6:"));
  EXPECT_EQ(document->root().find("zzz")->encoded(), "i0e");
  EXPECT_EQ(document->root().encoded(), input);
  EXPECT_EQ(document->encoded(), input);
}

TEST(BencodeDecode, EmptyContainers) {
  auto document = decode("ldelee");
  ASSERT_TRUE(document);
  const Node root = document->root();
  ASSERT_EQ(root.list_size(), 2u);
  EXPECT_EQ(root.list_item(0).dict_size(), 0u);
  EXPECT_EQ(root.list_item(1).list_size(), 0u);
  EXPECT_EQ(root.list_item(1).encoded(), "le");
}

TEST(BencodeDecode, PrefixLeavesTrailingBytes) {
  const std::string input = "d8:msg_typei1e5:piecei0eeRAW PIECE BYTES";
  auto document = decode_prefix(input);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->encoded().size(), input.find("RAW"));
  EXPECT_EQ(document->root().find_integer("piece"), 0);
}

TEST(BencodeDecode, ByteSpanInput) {
  const std::string text = "i7e";
  const std::span bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  auto document = decode(bytes);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->root().integer(), 7);
}

TEST(BencodeDecode, DocumentMoveKeepsNodesValid) {
  const std::string input = "l1:ae";
  auto result = decode(input);
  ASSERT_TRUE(result);
  const Node item = result->root().list_item(0);
  Document moved = std::move(*result);
  EXPECT_EQ(item.string(), "a");
  EXPECT_EQ(moved.root().list_item(0).string(), "a");
}

TEST(BencodeDecode, DepthAtTheLimitIsAccepted) {
  const std::string input = std::string(100, 'l') + std::string(100, 'e');
  auto document = decode(input);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->token_count(), 200u);
}

// ---- malformed input: one case per reason, with code and offset ---------------------------------

TEST(BencodeMalformed, EmptyInput) {
  EXPECT_EQ(decode_error(""), expected(Error::unexpected_end, 0));
}
TEST(BencodeMalformed, TruncatedInteger) {
  EXPECT_EQ(decode_error("i42"), expected(Error::unexpected_end, 3));
}
TEST(BencodeMalformed, TruncatedString) {
  EXPECT_EQ(decode_error("5:abc"), expected(Error::length_exceeds_input, 0));
}
TEST(BencodeMalformed, TruncatedLengthPrefix) {
  EXPECT_EQ(decode_error("1"), expected(Error::unexpected_end, 1));
}
TEST(BencodeMalformed, TruncatedList) {
  EXPECT_EQ(decode_error("li1e"), expected(Error::unexpected_end, 4));
}
TEST(BencodeMalformed, TruncatedDictionaryAfterKey) {
  EXPECT_EQ(decode_error("d1:a"), expected(Error::unexpected_end, 4));
}
TEST(BencodeMalformed, InvalidStartByte) {
  EXPECT_EQ(decode_error("x"), expected(Error::expected_value, 0));
}
TEST(BencodeMalformed, StrayEndAtTopLevel) {
  EXPECT_EQ(decode_error("e"), expected(Error::expected_value, 0));
}
TEST(BencodeMalformed, IntegerLeadingZero) {
  EXPECT_EQ(decode_error("i03e"), expected(Error::leading_zero, 1));
}
TEST(BencodeMalformed, IntegerDoubleZero) {
  EXPECT_EQ(decode_error("i00e"), expected(Error::leading_zero, 1));
}
TEST(BencodeMalformed, NegativeIntegerLeadingZero) {
  EXPECT_EQ(decode_error("i-03e"), expected(Error::negative_zero, 2));
}
TEST(BencodeMalformed, NegativeZero) {
  EXPECT_EQ(decode_error("i-0e"), expected(Error::negative_zero, 2));
}
TEST(BencodeMalformed, EmptyInteger) {
  EXPECT_EQ(decode_error("ie"), expected(Error::empty_integer, 1));
}
TEST(BencodeMalformed, MinusOnlyInteger) {
  EXPECT_EQ(decode_error("i-e"), expected(Error::empty_integer, 2));
}
TEST(BencodeMalformed, IntegerWithLetter) {
  EXPECT_EQ(decode_error("i1x2e"), expected(Error::invalid_integer_character, 2));
}
TEST(BencodeMalformed, IntegerWithPlusSign) {
  EXPECT_EQ(decode_error("i+1e"), expected(Error::invalid_integer_character, 1));
}
TEST(BencodeMalformed, IntegerDoubleMinus) {
  EXPECT_EQ(decode_error("i--1e"), expected(Error::invalid_integer_character, 2));
}
TEST(BencodeMalformed, IntegerOverflowPositive) {
  EXPECT_EQ(decode_error("i9223372036854775808e"), expected(Error::integer_overflow, 19));
}
TEST(BencodeMalformed, IntegerOverflowNegative) {
  EXPECT_EQ(decode_error("i-9223372036854775809e"), expected(Error::integer_overflow, 20));
}
TEST(BencodeMalformed, IntegerOverflowManyDigits) {
  EXPECT_EQ(decode_error("i" + std::string(40, '9') + "e"), expected(Error::integer_overflow, 19));
}
TEST(BencodeMalformed, StringLengthLeadingZero) {
  EXPECT_EQ(decode_error("03:abc"), expected(Error::leading_zero, 0));
}
TEST(BencodeMalformed, NegativeStringLength) {
  EXPECT_EQ(decode_error("-3:abc"), expected(Error::negative_length, 0));
}
TEST(BencodeMalformed, NegativeStringLengthInList) {
  EXPECT_EQ(decode_error("l-1:ae"), expected(Error::negative_length, 1));
}
TEST(BencodeMalformed, NegativeKeyLength) {
  EXPECT_EQ(decode_error("d-1:ai1ee"), expected(Error::negative_length, 1));
}
TEST(BencodeMalformed, MissingColon) {
  EXPECT_EQ(decode_error("3abc"), expected(Error::expected_colon, 1));
}
TEST(BencodeMalformed, HugeLengthPrefix) {
  // Rejected from the prefix alone, before any allocation of that size.
  EXPECT_EQ(decode_error("4294967296:x"), expected(Error::length_exceeds_input, 0));
}
TEST(BencodeMalformed, HugeLengthPrefixManyDigits) {
  EXPECT_EQ(decode_error("l" + std::string(30, '9') + ":xe"),
            expected(Error::length_exceeds_input, 1));
}
TEST(BencodeMalformed, LengthOneBeyondInput) {
  EXPECT_EQ(decode_error("l5:abce"), expected(Error::length_exceeds_input, 1));
}
TEST(BencodeMalformed, IntegerKey) {
  EXPECT_EQ(decode_error("di1ei2ee"), expected(Error::key_not_string, 1));
}
TEST(BencodeMalformed, ListKey) {
  EXPECT_EQ(decode_error("dlei2ee"), expected(Error::key_not_string, 1));
}
TEST(BencodeMalformed, UnsortedKeys) {
  EXPECT_EQ(decode_error("d1:bi1e1:ai2ee"), expected(Error::unsorted_key, 7));
}
TEST(BencodeMalformed, UnsortedKeysPrefixOrder) {
  // "ab" sorts after "a": a longer key with the same prefix must come later.
  EXPECT_EQ(decode_error("d2:abi1e1:ai2ee"), expected(Error::unsorted_key, 8));
}
TEST(BencodeMalformed, UnsortedKeysAreComparedAsBytes) {
  // 0xff sorts after 'a' as an unsigned byte.
  EXPECT_EQ(decode_error("d1:\xffi1e1:ai2ee"), expected(Error::unsorted_key, 7));
}
// Without keys_sorted, keys out of order are read (searched in full), nested too; the first of
// equal keys wins; a sorted dictionary still stops its search early.
TEST(BencodeLenient, KeysOutOfOrderAreFoundWhereverTheyAre) {
  const std::string input = "d1:bi1e1:ad1:zi3e1:yi4ee1:bi5e1:ci6ee";
  const auto document = decode(input, Limits{.keys_sorted = false});
  ASSERT_TRUE(document) << document.error().describe();
  const Node root = document->root();
  EXPECT_EQ(root.find_integer("b"), 1);
  EXPECT_EQ(root.find_integer("c"), 6);
  const auto inner = root.find_dict("a");
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->find_integer("y"), 4);
  EXPECT_EQ(inner->find_integer("z"), 3);
  EXPECT_FALSE(root.find("x"));
  // Strict decoding still refuses it, and an adjacent duplicate is refused either way.
  EXPECT_EQ(decode_error(input), expected(Error::unsorted_key, 7));
  EXPECT_EQ(decode_error("d1:ai1e1:ai2ee", Limits{.keys_sorted = false}),
            expected(Error::duplicate_key, 7));
}

TEST(BencodeMalformed, DuplicateKeys) {
  EXPECT_EQ(decode_error("d1:ai1e1:ai2ee"), expected(Error::duplicate_key, 7));
}
TEST(BencodeMalformed, KeyWithoutValue) {
  EXPECT_EQ(decode_error("d1:ae"), expected(Error::missing_value, 4));
}
TEST(BencodeMalformed, TrailingData) {
  EXPECT_EQ(decode_error("i1ei2e"), expected(Error::trailing_data, 3));
}
TEST(BencodeMalformed, TrailingEnd) {
  EXPECT_EQ(decode_error("lee"), expected(Error::trailing_data, 2));
}
TEST(BencodeMalformed, DeepNesting) {
  const std::string input = std::string(101, 'l') + std::string(101, 'e');
  EXPECT_EQ(decode_error(input), expected(Error::depth_exceeded, 100));
}
TEST(BencodeMalformed, DeepNestingUnterminatedMillionLevels) {
  // No recursion: a million open lists fail at the limit without touching the call stack.
  EXPECT_EQ(decode_error(std::string(1'000'000, 'l')), expected(Error::depth_exceeded, 100));
}
TEST(BencodeMalformed, CustomDepthLimit) {
  EXPECT_EQ(decode_error("lldeee", Limits{2, 100}), expected(Error::depth_exceeded, 2));
}
TEST(BencodeMalformed, TokenLimit) {
  EXPECT_EQ(decode_error("li1ei2ei3ee", Limits{10, 3}), expected(Error::token_count_exceeded, 7));
}

// ---- encoding -----------------------------------------------------------------------------------

TEST(BencodeEncode, ScalarsAndContainers) {
  std::string out;
  Encoder encoder(out);
  encoder.begin_dict()
      .key("a")
      .integer(-5)
      .key("b")
      .string("xyz")
      .key("c")
      .begin_list()
      .integer(0)
      .string("")
      .begin_dict()
      .end()
      .end()
      .end();
  EXPECT_EQ(out, "d1:ai-5e1:b3:xyz1:cli0e0:deee");
  EXPECT_EQ(encoder.depth(), 0u);
}

TEST(BencodeEncode, IntegerExtremes) {
  std::string out;
  Encoder(out).integer(std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(out, "i-9223372036854775808e");
  out.clear();
  Encoder(out).integer(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(out, "i9223372036854775807e");
}

TEST(BencodeEncode, AppendsToExistingOutput) {
  std::string out = "prefix";
  Encoder(out).string("x");
  EXPECT_EQ(out, "prefix1:x");
}

TEST(BencodeEncode, KeyOrderSurvivesOutputGrowth) {
  // The previous key is remembered by offset, so reallocation of the output does not matter.
  std::string out;
  Encoder encoder(out);
  encoder.begin_dict().key("a").string(std::string(10'000, 'x')).key("b").integer(1).end();
  auto document = decode(out);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->root().find_integer("b"), 1);
}

TEST(BencodeEncode, RawSplicesEncodedValue) {
  std::string out;
  Encoder(out).begin_dict().key("info").raw("d1:xi1ee").end();
  EXPECT_EQ(out, "d4:infod1:xi1eee");
}

TEST(BencodeEncodeDeathTest, UnsortedKeysAreAnInvariantViolation) {
  std::string out;
  EXPECT_DEATH(Encoder(out).begin_dict().key("b").integer(1).key("a"), "ascending");
}

TEST(BencodeRoundTrip, CanonicalInputsReencodeIdentically) {
  const std::vector<std::string> inputs = {
      "i0e",
      "i-1e",
      "0:",
      "4:spam",
      "le",
      "de",
      "li1ei2el3:abcee",
      "d3:bar4:spam3:fooi42ee",
      "d1:ad1:bd1:cleeee",
      "d4:infod6:lengthi1024e4:name8:file.bin12:piece lengthi16384e6:pieces20:"
      "aaaaaaaaaaaaaaaaaaaaee",
      std::string(100, 'l') + std::string(100, 'e'),
  };
  for (const std::string& input : inputs) {
    auto document = decode(input);
    ASSERT_TRUE(document) << input << ": " << document.error().describe();
    EXPECT_EQ(encode(document->root()), input);
  }
}

TEST(BencodeRoundTrip, SubtreeReencodes) {
  auto document = decode("d1:ald1:xi1eee1:bi2ee");
  ASSERT_TRUE(document);
  const Node list = *document->root().find("a");
  EXPECT_EQ(encode(list), "ld1:xi1eee");
  std::string out;
  Encoder encoder(out);
  encoder.begin_list();
  encode(encoder, list);
  encoder.end();
  EXPECT_EQ(out, "lld1:xi1eeee");
}

TEST(BencodeError, MessagesNameTheReason) {
  const ParseError error = expected(Error::unsorted_key, 7);
  EXPECT_EQ(error.describe(), "bencode: dictionary keys out of order at byte 7");
  EXPECT_EQ(std::error_code(Error::duplicate_key).category().name(), std::string("bencode"));
}

}  // namespace
}  // namespace swarmlab::protocol::bencode
