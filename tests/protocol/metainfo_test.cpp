#include "protocol/metainfo.hpp"

#include "protocol/bencode.hpp"
#include "tests/protocol/bencode_builders.hpp"
#include "tests/protocol/parse_error_printer.hpp"

#include <gtest/gtest.h>

namespace swarmlab::protocol {
namespace {

using test::b;
using test::d;
using test::i;
using test::l;
using test::pieces;
using Entries = std::vector<std::pair<std::string, std::string>>;

// An info dictionary of one file: `length` bytes, in pieces of `piece_length`.
Entries single_info(std::int64_t length, std::int64_t piece_length, std::size_t piece_count) {
  return {{"length", i(length)},
          {"name", b("file.bin")},
          {"piece length", i(piece_length)},
          {"pieces", pieces(piece_count)}};
}

std::string file_entry(std::int64_t length, const std::vector<std::string>& path) {
  std::vector<std::string> components;
  for (const std::string& component : path)
    components.push_back(b(component));
  return d({{"length", i(length)}, {"path", l(components)}});
}

Entries multi_info(const std::vector<std::string>& files, std::int64_t piece_length,
                   std::size_t piece_count) {
  return {{"files", l(files)},
          {"name", b("folder")},
          {"piece length", i(piece_length)},
          {"pieces", pieces(piece_count)}};
}

std::string torrent(const Entries& info, Entries outer = {}) {
  outer.emplace_back("info", d(info));
  return d(outer);
}

Entries with(Entries entries, const std::string& key, const std::string& value) {
  std::erase_if(entries, [&](const auto& entry) { return entry.first == key; });
  entries.emplace_back(key, value);
  return entries;
}

Entries without(Entries entries, const std::string& key) {
  std::erase_if(entries, [&](const auto& entry) { return entry.first == key; });
  return entries;
}

ParseError parse_error(std::string_view input) {
  auto result = parse_metainfo(input);
  EXPECT_FALSE(result.has_value()) << "parsed unexpectedly: " << input;
  if (result.has_value()) return {};
  return result.error();
}

ParseError expected(MetainfoError error, std::size_t offset) {
  return ParseError{make_error_code(error), offset};
}

std::size_t offset_of(std::string_view input, std::string_view needle) {
  const std::size_t at = input.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  return at;
}

// ---- well-formed torrents -----------------------------------------------------------------------

TEST(Metainfo, SingleFile) {
  const std::string info = d(single_info(40'000, 16384, 3));
  const std::string input = d({{"announce", b("http://t/announce")}, {"info", info}});
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  EXPECT_EQ(metainfo->name, "file.bin");
  EXPECT_EQ(metainfo->info_hash, sha1(info));
  EXPECT_EQ(metainfo->info_bytes, info);
  EXPECT_FALSE(metainfo->is_multi_file);
  EXPECT_EQ(metainfo->piece_length, 16384);
  EXPECT_EQ(metainfo->piece_count(), 3u);
  EXPECT_EQ(metainfo->piece_hashes[1][0], 1);
  EXPECT_EQ(metainfo->piece_hashes[1][1], 'B');
  EXPECT_EQ(metainfo->total_size_bytes, 40'000);
  ASSERT_EQ(metainfo->files.size(), 1u);
  EXPECT_EQ(metainfo->files[0].path, std::vector<std::string>{"file.bin"});
  EXPECT_EQ(metainfo->files[0].length, 40'000);
  EXPECT_EQ(metainfo->piece_size(0), 16384);
  EXPECT_EQ(metainfo->piece_size(2), 40'000 - 2 * 16384);
  EXPECT_EQ(metainfo->tracker_tiers,
            (std::vector<std::vector<std::string>>{{"http://t/announce"}}));
  EXPECT_FALSE(metainfo->is_private);
  EXPECT_FALSE(metainfo->creation_date);
}

TEST(Metainfo, MultiFileOffsetsAndPaths) {
  const std::string input = torrent(multi_info(
      {file_entry(10, {"a.txt"}), file_entry(0, {"empty"}), file_entry(25, {"sub", "deep", "b"})},
      16, 3));
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  EXPECT_TRUE(metainfo->is_multi_file);
  EXPECT_EQ(metainfo->name, "folder");
  EXPECT_EQ(metainfo->total_size_bytes, 35);
  ASSERT_EQ(metainfo->files.size(), 3u);
  EXPECT_EQ(metainfo->files[2].path, (std::vector<std::string>{"sub", "deep", "b"}));
  EXPECT_EQ(metainfo->files[2].path_string(), "sub/deep/b");
  EXPECT_EQ(metainfo->files[0].offset, 0);
  EXPECT_EQ(metainfo->files[1].offset, 10);
  EXPECT_EQ(metainfo->files[2].offset, 10);
}

TEST(Metainfo, InfoHashCoversUnknownKeysVerbatim) {
  const Entries plain = single_info(100, 16384, 1);
  const Entries extended = with(plain, "x-custom", l({i(1), b("z")}));
  auto a = parse_metainfo(torrent(plain));
  auto c = parse_metainfo(torrent(extended));
  ASSERT_TRUE(a);
  ASSERT_TRUE(c);
  EXPECT_NE(a->info_hash, c->info_hash);
  EXPECT_EQ(c->info_hash, sha1(d(extended)));
}

TEST(Metainfo, PrefersUtf8NamesAndPaths) {
  Entries info = multi_info(
      {d({{"length", i(5)}, {"path", l({b("latin1-name")})}, {"path.utf-8", l({b("utf8-name")})}})},
      16, 1);
  info.emplace_back("name.utf-8", b("utf8-folder"));
  auto metainfo = parse_metainfo(torrent(info));
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  EXPECT_EQ(metainfo->name, "utf8-folder");
  EXPECT_EQ(metainfo->files[0].path, std::vector<std::string>{"utf8-name"});
}

TEST(Metainfo, AnnounceListReplacesAnnounceAndDropsEmptyTiers) {
  const std::string input = torrent(
      single_info(1, 16, 1),
      {{"announce", b("http://ignored/")},
       {"announce-list", l({l({b("http://a/"), b("udp://b:80")}), l({}), l({b("http://c/")})})}});
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  EXPECT_EQ(metainfo->tracker_tiers,
            (std::vector<std::vector<std::string>>{{"http://a/", "udp://b:80"}, {"http://c/"}}));
}

TEST(Metainfo, UrlListAsStringOrList) {
  auto one = parse_metainfo(torrent(single_info(1, 16, 1), {{"url-list", b("http://seed/")}}));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->url_list, std::vector<std::string>{"http://seed/"});
  auto two = parse_metainfo(
      torrent(single_info(1, 16, 1), {{"url-list", l({b("http://a/"), b("http://b/")})}}));
  ASSERT_TRUE(two);
  EXPECT_EQ(two->url_list, (std::vector<std::string>{"http://a/", "http://b/"}));
}

TEST(Metainfo, DescriptiveFieldsAndPrivate) {
  const std::string input =
      torrent(with(single_info(1, 16, 1), "private", i(1)), {{"comment", b("hello")},
                                                             {"created by", b("maker 1.0")},
                                                             {"creation date", i(1'700'000'000)}});
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo);
  EXPECT_TRUE(metainfo->is_private);
  EXPECT_EQ(metainfo->comment, "hello");
  EXPECT_EQ(metainfo->created_by, "maker 1.0");
  EXPECT_EQ(metainfo->creation_date, 1'700'000'000);
}

TEST(Metainfo, PrivateZeroIsPublic) {
  auto metainfo = parse_metainfo(torrent(with(single_info(1, 16, 1), "private", i(0))));
  ASSERT_TRUE(metainfo);
  EXPECT_FALSE(metainfo->is_private);
}

TEST(Metainfo, PaddingFilesMayShareNames) {
  const std::string pad = d({{"attr", b("p")}, {"length", i(6)}, {"path", l({b(".pad"), b("6")})}});
  const std::string input = torrent(multi_info(
      {file_entry(10, {"a"}), pad, file_entry(10, {"b"}), pad, file_entry(3, {"c"})}, 16, 3));
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  ASSERT_EQ(metainfo->files.size(), 5u);
  EXPECT_TRUE(metainfo->files[1].is_padding);
  EXPECT_FALSE(metainfo->files[2].is_padding);
  EXPECT_EQ(metainfo->files[2].offset, 16);
  EXPECT_EQ(metainfo->total_size_bytes, 35);
}

TEST(Metainfo, ExecutableAndHiddenAttributes) {
  const std::string input = torrent(
      multi_info({d({{"attr", b("xh")}, {"length", i(1)}, {"path", l({b("run")})}})}, 16, 1));
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo);
  EXPECT_TRUE(metainfo->files[0].is_executable);
  EXPECT_TRUE(metainfo->files[0].is_hidden);
  EXPECT_FALSE(metainfo->files[0].is_padding);
}

TEST(Metainfo, HybridLoadsThroughItsV1Part) {
  Entries info = single_info(100, 16384, 1);
  info.emplace_back("meta version", i(2));
  info.emplace_back("file tree", d({{"file.bin", d({{"", d({{"length", i(100)}})}})}}));
  auto metainfo = parse_metainfo(torrent(info));
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  EXPECT_TRUE(metainfo->is_hybrid);
  EXPECT_EQ(metainfo->total_size_bytes, 100);
}

TEST(Metainfo, BareInfoDictionaryWithAndWithoutExpectedHash) {
  const std::string info = d(single_info(5, 16, 1));
  auto parsed = parse_info_dictionary(info);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->info_hash, sha1(info));
  EXPECT_TRUE(parsed->tracker_tiers.empty());
  EXPECT_TRUE(parse_info_dictionary(info, sha1(info)));
  InfoHash wrong = sha1(info);
  wrong[0] ^= 1;
  auto refused = parse_info_dictionary(info, wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), expected(MetainfoError::info_hash_mismatch, 0));
}

TEST(Metainfo, EncodeTorrentFileRoundTrip) {
  const std::string input =
      torrent(single_info(40'000, 16384, 3),
              {{"announce", b("http://a/")},
               {"announce-list", l({l({b("http://a/")}), l({b("http://b/")})})},
               {"comment", b("c")},
               {"created by", b("me")},
               {"creation date", i(7)},
               {"url-list", l({b("http://w1/"), b("http://w2/")})}});
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo);
  EXPECT_EQ(encode_torrent_file(*metainfo), input);
}

// Piece-to-file mapping. Files (bytes): a=5, empty=0, b=10, c=3; pieces of 4 bytes:
//   stream  aaaaabbbbbbbbbbccc
//   pieces  000011112222333344
TEST(Metainfo, MapPieceAcrossFileBoundaries) {
  const std::string input = torrent(multi_info(
      {file_entry(5, {"a"}), file_entry(0, {"empty"}), file_entry(10, {"b"}), file_entry(3, {"c"})},
      4, 5));
  auto metainfo = parse_metainfo(input);
  ASSERT_TRUE(metainfo) << metainfo.error().describe();
  using Slices = std::vector<FileSlice>;
  EXPECT_EQ(metainfo->map_piece(0), (Slices{{0, 0, 4}}));
  EXPECT_EQ(metainfo->map_piece(1), (Slices{{0, 4, 1}, {2, 0, 3}}));
  EXPECT_EQ(metainfo->map_piece(2), (Slices{{2, 3, 4}}));
  EXPECT_EQ(metainfo->map_piece(3), (Slices{{2, 7, 3}, {3, 0, 1}}));
  EXPECT_EQ(metainfo->map_piece(4), (Slices{{3, 1, 2}}));
  EXPECT_EQ(metainfo->piece_size(4), 2);
  EXPECT_EQ(metainfo->map_range(5, 0), Slices{});
  EXPECT_EQ(metainfo->map_range(0, 18).size(), 3u);
}

// ---- hostile and malformed input: one case per reason ------------------------------------------

TEST(MetainfoMalformed, BencodeErrorsPassThrough) {
  const ParseError error = parse_error("d4:infod");
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::unexpected_end));
  EXPECT_EQ(error.offset, 8u);
}
TEST(MetainfoMalformed, Truncated) {
  const std::string input = torrent(single_info(1, 16, 1));
  const ParseError error = parse_error(std::string_view(input).substr(0, input.size() - 5));
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::length_exceeds_input));
}
TEST(MetainfoMalformed, NotADictionary) {
  EXPECT_EQ(parse_error("li1ee"), expected(MetainfoError::not_a_dictionary, 0));
}
TEST(MetainfoMalformed, MissingInfo) {
  EXPECT_EQ(parse_error(d({{"announce", b("x")}})), expected(MetainfoError::missing_info, 0));
}
TEST(MetainfoMalformed, InfoNotADictionary) {
  const std::string input = d({{"info", l({})}});
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_info, 7));
}
TEST(MetainfoMalformed, V2Only) {
  Entries info = without(single_info(100, 16384, 1), "pieces");
  info.emplace_back("meta version", i(2));
  const std::string input = torrent(info);
  EXPECT_EQ(parse_error(input), expected(MetainfoError::v2_only, offset_of(input, "i2e")));
}
TEST(MetainfoMalformed, UnknownMetaVersion) {
  const std::string input = torrent(with(single_info(1, 16, 1), "meta version", i(3)));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::unsupported_meta_version, offset_of(input, "i3e")));
}
TEST(MetainfoMalformed, MissingName) {
  const std::string input = torrent(without(single_info(1, 16, 1), "name"));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::missing_name, 7));
}
TEST(MetainfoMalformed, NameNotAString) {
  const std::string input = torrent(with(single_info(1, 16, 1), "name", i(12345)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_name, offset_of(input, "i12345e")));
}
TEST(MetainfoMalformed, MissingPieceLength) {
  const std::string input = torrent(without(single_info(1, 16, 1), "piece length"));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::missing_piece_length, 7));
}
TEST(MetainfoMalformed, ZeroPieceLength) {
  const std::string input = torrent(with(single_info(1, 16, 1), "piece length", i(0)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_piece_length,
                                         offset_of(input, "12:piece lengthi0e") + 15));
}
TEST(MetainfoMalformed, NegativePieceLength) {
  const std::string input = torrent(with(single_info(1, 16, 1), "piece length", i(-16)));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_piece_length, offset_of(input, "i-16e")));
}
TEST(MetainfoMalformed, HugePieceLength) {
  const std::string input = torrent(with(single_info(1, 16, 1), "piece length", i(1LL << 40)));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_piece_length, offset_of(input, "i1099511627776e")));
}
TEST(MetainfoMalformed, MissingPieces) {
  const std::string input = torrent(without(single_info(1, 16, 1), "pieces"));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::missing_pieces, 7));
}
TEST(MetainfoMalformed, PiecesNotAString) {
  const std::string input = torrent(with(single_info(1, 16, 1), "pieces", l({})));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_pieces, offset_of(input, "6:piecesle") + 8));
}
TEST(MetainfoMalformed, PiecesNotMultipleOf20) {
  const std::string input = torrent(with(single_info(1, 16, 1), "pieces", b(std::string(19, 'x'))));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::pieces_size_not_multiple_of_20, offset_of(input, "19:")));
}
TEST(MetainfoMalformed, TooFewPieces) {
  const std::string input = torrent(single_info(40'000, 16384, 2));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::piece_count_mismatch, offset_of(input, "40:")));
}
TEST(MetainfoMalformed, TooManyPieces) {
  const std::string input = torrent(single_info(16384, 16384, 2));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::piece_count_mismatch, offset_of(input, "40:")));
}
TEST(MetainfoMalformed, MissingLength) {
  const std::string input = torrent(without(single_info(1, 16, 1), "length"));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::missing_length, 7));
}
TEST(MetainfoMalformed, LengthAndFiles) {
  const std::string input =
      torrent(with(multi_info({file_entry(1, {"a"})}, 16, 1), "length", i(1)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::length_and_files, offset_of(input, "ld6")));
}
TEST(MetainfoMalformed, LengthNotAnInteger) {
  const std::string input = torrent(with(single_info(1, 16, 1), "length", b("1")));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_length, offset_of(input, "1:1")));
}
TEST(MetainfoMalformed, NegativeLength) {
  const std::string input = torrent(with(single_info(1, 16, 1), "length", i(-1)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::negative_length, offset_of(input, "i-1e")));
}
TEST(MetainfoMalformed, NegativeFileLengthInList) {
  const std::string input =
      torrent(multi_info({file_entry(20, {"a"}), file_entry(-4, {"b"})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::negative_length, offset_of(input, "i-4e")));
}
TEST(MetainfoMalformed, TotalSizeOverflow) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 2 + 1;
  const std::string input =
      torrent(multi_info({file_entry(big, {"a"}), file_entry(big, {"b"})}, 1 << 30, 1));
  const std::size_t second = offset_of(input, "d6:length") + file_entry(big, {"a"}).size();
  EXPECT_EQ(parse_error(input), expected(MetainfoError::total_size_overflow, second));
}
TEST(MetainfoMalformed, EmptyTorrent) {
  const std::string input = torrent(single_info(0, 16, 0));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::empty_torrent, 7));
}
TEST(MetainfoMalformed, FilesNotAList) {
  const std::string input = torrent(with(multi_info({}, 16, 1), "files", i(3)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_files, offset_of(input, "i3e")));
}
TEST(MetainfoMalformed, EmptyFilesList) {
  const std::string input = torrent(multi_info({}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_files, offset_of(input, "5:filesle") + 7));
}
TEST(MetainfoMalformed, FileEntryNotADictionary) {
  const std::string input = torrent(multi_info({i(77)}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_file_entry, offset_of(input, "i77e")));
}
TEST(MetainfoMalformed, MissingPath) {
  const std::string input = torrent(multi_info({d({{"length", i(1)}})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::missing_path, offset_of(input, "d6:length")));
}
TEST(MetainfoMalformed, PathNotAList) {
  const std::string input = torrent(multi_info({d({{"length", i(1)}, {"path", b("a/b")}})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_path, offset_of(input, "3:a/b")));
}
TEST(MetainfoMalformed, PathComponentNotAString) {
  const std::string input =
      torrent(multi_info({d({{"length", i(1)}, {"path", l({i(5)})}})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_path, offset_of(input, "i5e")));
}
TEST(MetainfoMalformed, EmptyPathList) {
  const std::string input = torrent(multi_info({d({{"length", i(1)}, {"path", l({})}})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_path, offset_of(input, "4:pathle") + 6));
}
TEST(MetainfoMalformed, PathTooDeep) {
  const std::vector<std::string> deep(path_depth_max + 1, "x");
  const std::string input = torrent(multi_info({file_entry(1, deep)}, 16, 1));
  const std::size_t first = offset_of(input, "1:x");
  EXPECT_EQ(parse_error(input), expected(MetainfoError::path_too_deep, first + 3 * path_depth_max));
}
TEST(MetainfoMalformed, PathTraversalDotDot) {
  const std::string input = torrent(multi_info({file_entry(1, {"..", "etc", "passwd"})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_dot_dot_component, offset_of(input, "2:..")));
}
TEST(MetainfoMalformed, PathDotComponent) {
  const std::string input = torrent(multi_info({file_entry(1, {"a", ".", "b"})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_dot_component, offset_of(input, "1:.")));
}
TEST(MetainfoMalformed, PathEmptyComponent) {
  const std::string input = torrent(multi_info({file_entry(1, {"a", "", "b"})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_empty_component, offset_of(input, "0:")));
}
TEST(MetainfoMalformed, PathAbsolute) {
  const std::string input = torrent(multi_info({file_entry(1, {"/etc", "passwd"})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::path_absolute, offset_of(input, "4:/etc")));
}
TEST(MetainfoMalformed, PathSeparatorInComponent) {
  const std::string input = torrent(multi_info({file_entry(1, {"a/../../b"})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::path_separator, offset_of(input, "9:a/")));
}
TEST(MetainfoMalformed, PathBackslashInComponent) {
  const std::string input = torrent(multi_info({file_entry(1, {"a\\..\\b"})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::path_separator, offset_of(input, "6:a\\")));
}
TEST(MetainfoMalformed, PathNul) {
  const std::string input = torrent(multi_info({file_entry(1, {std::string("a\0b", 3)})}, 16, 1));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::path_nul, offset_of(input, "3:a")));
}
TEST(MetainfoMalformed, PathComponentTooLong) {
  const std::string input =
      torrent(multi_info({file_entry(1, {std::string(path_component_size_max + 1, 'n')})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_component_too_long, offset_of(input, "256:")));
}
TEST(MetainfoMalformed, NameDotDot) {
  const std::string input = torrent(with(single_info(1, 16, 1), "name", b("..")));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_dot_dot_component, offset_of(input, "2:..")));
}
TEST(MetainfoMalformed, NameAbsolute) {
  const std::string input = torrent(with(single_info(1, 16, 1), "name", b("/etc/passwd")));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_absolute, offset_of(input, "11:/etc")));
}
TEST(MetainfoMalformed, NameEmpty) {
  const std::string input = torrent(with(single_info(1, 16, 1), "name", b("")));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_empty_component, offset_of(input, "0:")));
}
TEST(MetainfoMalformed, Utf8PathIsCheckedToo) {
  const std::string input = torrent(multi_info(
      {d({{"length", i(1)}, {"path", l({b("ok")})}, {"path.utf-8", l({b("..")})}})}, 16, 1));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::path_dot_dot_component, offset_of(input, "2:..")));
}
TEST(MetainfoMalformed, DuplicatePath) {
  const std::string input =
      torrent(multi_info({file_entry(1, {"a", "b"}), file_entry(1, {"a", "b"})}, 16, 1));
  const std::size_t second = offset_of(input, "ld6:") + 1 + file_entry(1, {"a", "b"}).size();
  EXPECT_EQ(parse_error(input), expected(MetainfoError::duplicate_path, second));
}
TEST(MetainfoMalformed, FileWhereAFolderIs) {
  const std::string input = torrent(
      multi_info({file_entry(1, {"a"}), file_entry(1, {"a-c"}), file_entry(1, {"a", "b"})}, 16, 1));
  const std::size_t third =
      offset_of(input, "ld6:") + 1 + file_entry(1, {"a"}).size() + file_entry(1, {"a-c"}).size();
  EXPECT_EQ(parse_error(input), expected(MetainfoError::duplicate_path, third));
}
TEST(MetainfoMalformed, AttrNotAString) {
  const std::string input = torrent(with(single_info(1, 16, 1), "attr", i(9)));
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_attr, offset_of(input, "i9e")));
}
TEST(MetainfoMalformed, PrivateNotAnInteger) {
  const std::string input = torrent(with(single_info(1, 16, 1), "private", b("yes")));
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_private, offset_of(input, "3:yes")));
}
TEST(MetainfoMalformed, AnnounceNotAString) {
  const std::string input = torrent(single_info(1, 16, 1), {{"announce", i(5)}});
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_announce, offset_of(input, "i5e")));
}
TEST(MetainfoMalformed, AnnounceListTierNotAList) {
  const std::string input =
      torrent(single_info(1, 16, 1), {{"announce-list", l({b("http://a/")})}});
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_announce_list, offset_of(input, "9:http")));
}
TEST(MetainfoMalformed, AnnounceListUrlNotAString) {
  const std::string input = torrent(single_info(1, 16, 1), {{"announce-list", l({l({i(4)})})}});
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_announce_list, offset_of(input, "i4e")));
}
TEST(MetainfoMalformed, UrlListNotAList) {
  const std::string input = torrent(single_info(1, 16, 1), {{"url-list", i(4)}});
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_url_list, offset_of(input, "i4e")));
}
TEST(MetainfoMalformed, CommentNotAString) {
  const std::string input = torrent(single_info(1, 16, 1), {{"comment", i(4)}});
  EXPECT_EQ(parse_error(input), expected(MetainfoError::invalid_comment, offset_of(input, "i4e")));
}
TEST(MetainfoMalformed, CreatedByNotAString) {
  const std::string input = torrent(single_info(1, 16, 1), {{"created by", i(4)}});
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_created_by, offset_of(input, "i4e")));
}
TEST(MetainfoMalformed, CreationDateNotAnInteger) {
  const std::string input = torrent(single_info(1, 16, 1), {{"creation date", b("today")}});
  EXPECT_EQ(parse_error(input),
            expected(MetainfoError::invalid_creation_date, offset_of(input, "5:today")));
}
TEST(MetainfoMalformed, TooLarge) {
  const std::string input(metainfo_size_max + 1, 'd');
  EXPECT_EQ(parse_error(input), expected(MetainfoError::too_large, metainfo_size_max));
}
TEST(MetainfoMalformed, DeepNestingInUnknownKey) {
  const std::string input =
      torrent(single_info(1, 16, 1), {{"x", std::string(10'000, 'l') + std::string(10'000, 'e')}});
  const ParseError error = parse_error(input);
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::depth_exceeded));
  EXPECT_EQ(error.offset, offset_of(input, "1:xl") + 3 + 99);
}
TEST(MetainfoMalformed, NonCanonicalIntegerInInfo) {
  const std::string input = torrent(with(single_info(1, 16, 1), "length", "i01e"));
  const ParseError error = parse_error(input);
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::leading_zero));
  EXPECT_EQ(error.offset, offset_of(input, "i01e") + 1);
}
TEST(MetainfoMalformed, UnsortedKeysInInfo) {
  const std::string info = "d4:name1:a6:lengthi1e12:piece lengthi16e6:pieces" + pieces(1) + "e";
  const std::string input = "d4:info" + info + "e";
  const ParseError error = parse_error(input);
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::unsorted_key));
  EXPECT_EQ(error.offset, offset_of(input, "6:length"));
}
TEST(MetainfoMalformed, HugeLengthPrefix) {
  const std::string input = "d4:info999999999999:xe";
  const ParseError error = parse_error(input);
  EXPECT_EQ(error.code, bencode::make_error_code(bencode::Error::length_exceeds_input));
  EXPECT_EQ(error.offset, 7u);
}

}  // namespace
}  // namespace swarmlab::protocol

namespace swarmlab::protocol {
namespace {

// A well-formed multi-file torrent with every optional field, for the sweeps below.
std::string sample_torrent() {
  return torrent(multi_info({file_entry(10, {"a"}), file_entry(7, {"dir", "b"})}, 16, 2),
                 {{"announce", b("http://t/")},
                  {"announce-list", l({l({b("http://t/")}), l({b("udp://u:1")})})},
                  {"comment", b("c")},
                  {"creation date", i(5)},
                  {"url-list", b("http://w/")}});
}

TEST(MetainfoHostile, EveryTruncationIsRefused) {
  const std::string input = sample_torrent();
  ASSERT_TRUE(parse_metainfo(input));
  for (std::size_t size = 0; size < input.size(); ++size) {
    const auto result = parse_metainfo(std::string_view(input).substr(0, size));
    ASSERT_FALSE(result) << "prefix of " << size << " bytes parsed";
    EXPECT_LE(result.error().offset, size);
  }
}

TEST(MetainfoHostile, EveryByteMutationParsesOrFailsCleanly) {
  const std::string input = sample_torrent();
  std::size_t refused = 0;
  for (std::size_t at = 0; at < input.size(); ++at) {
    for (const char replacement : {'\0', '0', '9', '-', ':', 'd', 'e', 'i', 'l', '/', '\xff'}) {
      if (input[at] == replacement) continue;
      std::string mutated = input;
      mutated[at] = replacement;
      const auto result = parse_metainfo(mutated);
      if (!result) {
        ++refused;
        EXPECT_LE(result.error().offset, mutated.size());
        continue;
      }
      // Whatever still parses is internally consistent.
      EXPECT_EQ(result->info_hash, sha1(result->info_bytes));
      EXPECT_EQ(result->piece_count(),
                (result->total_size_bytes + result->piece_length - 1) / result->piece_length);
    }
  }
  EXPECT_GT(refused, input.size());
}

}  // namespace
}  // namespace swarmlab::protocol
