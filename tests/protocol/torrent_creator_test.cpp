#include "protocol/torrent_creator.hpp"

#include "protocol/bencode.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace swarmlab::protocol {
namespace {

using test::pattern_bytes;
using test::TempDir;
using test::write_file;

// Expected piece hashes computed straight from the content, independently of the hasher.
std::vector<Sha1Digest> expected_hashes(const std::string& stream, std::size_t piece_length) {
  std::vector<Sha1Digest> hashes;
  for (std::size_t start = 0; start < stream.size(); start += piece_length) {
    hashes.push_back(sha1(std::string_view(stream).substr(start, piece_length)));
  }
  return hashes;
}

TEST(AutomaticPieceLength, AimsForOneToTwoThousandPieces) {
  EXPECT_EQ(automatic_piece_length(0), 16 * 1024);
  EXPECT_EQ(automatic_piece_length(1), 16 * 1024);
  EXPECT_EQ(automatic_piece_length(2000LL * 16 * 1024), 16 * 1024);
  EXPECT_EQ(automatic_piece_length(2000LL * 16 * 1024 + 1), 32 * 1024);
  EXPECT_EQ(automatic_piece_length(100LL << 20), 64 * 1024);       // 1600 pieces
  EXPECT_EQ(automatic_piece_length(1LL << 30), 1024 * 1024);       // 1024 pieces
  EXPECT_EQ(automatic_piece_length(1LL << 40), 16 * 1024 * 1024);  // capped: 65536 pieces
}

TEST(TorrentCreator, SingleFileHashesAndFields) {
  TempDir dir;
  const std::string content = pattern_bytes(100'000, 1);
  write_file(dir / "data.bin", content);
  CreateOptions options;
  options.piece_length = 16384;
  options.trackers = {"http://tracker.example/announce", "udp://other.example:6969"};
  options.comment = "made in a test";
  options.created_by = "swarmlab test";
  options.creation_date = 1'234'567;
  auto created = create_torrent(dir / "data.bin", options);
  ASSERT_TRUE(created) << created.error().describe();
  const Metainfo& metainfo = created->metainfo;
  EXPECT_EQ(metainfo.name, "data.bin");
  EXPECT_FALSE(metainfo.is_multi_file);
  EXPECT_EQ(metainfo.total_size_bytes, 100'000);
  EXPECT_EQ(metainfo.piece_hashes, expected_hashes(content, 16384));
  EXPECT_EQ(metainfo.tracker_tiers,
            (std::vector<std::vector<std::string>>{{"http://tracker.example/announce"},
                                                   {"udp://other.example:6969"}}));
  // The file written parses back to the same torrent.
  auto parsed = parse_metainfo(created->torrent_file);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->info_hash, metainfo.info_hash);
  EXPECT_EQ(parsed->comment, "made in a test");
  EXPECT_EQ(parsed->creation_date, 1'234'567);
  EXPECT_EQ(parsed->tracker_tiers, metainfo.tracker_tiers);
  // Only the keys libtorrent writes for a plain v1 torrent.
  auto info = bencode::decode(metainfo.info_bytes);
  ASSERT_TRUE(info);
  std::vector<std::string_view> keys;
  for (const auto& entry : info->root().entries())
    keys.push_back(entry.key);
  EXPECT_EQ(keys, (std::vector<std::string_view>{"length", "name", "piece length", "pieces"}));
}

TEST(TorrentCreator, PrivateFlagOnlyWhenAsked) {
  TempDir dir;
  write_file(dir / "f", pattern_bytes(10, 2));
  CreateOptions options;
  options.is_private = true;
  auto created = create_torrent(dir / "f", options);
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->metainfo.is_private);
  EXPECT_NE(created->metainfo.info_bytes.find("7:privatei1e"), std::string::npos);
}

TEST(TorrentCreator, DirectoryStreamAcrossFiles) {
  TempDir dir;
  const std::string a = pattern_bytes(20'000, 3);
  const std::string b = pattern_bytes(1, 4);
  const std::string c = pattern_bytes(45'001, 5);
  write_file(dir / "root/x/a", a);
  write_file(dir / "root/b", b);
  write_file(dir / "root/x/y/c", c);
  write_file(dir / "root/empty", "");
  CreateOptions options;
  options.piece_length = 16384;
  options.file_order = FileOrder::sorted;
  auto created = create_torrent(dir / "root", options);
  ASSERT_TRUE(created) << created.error().describe();
  const Metainfo& metainfo = created->metainfo;
  EXPECT_EQ(metainfo.name, "root");
  EXPECT_TRUE(metainfo.is_multi_file);
  ASSERT_EQ(metainfo.files.size(), 4u);
  std::vector<std::string> paths;
  for (const FileEntry& file : metainfo.files)
    paths.push_back(file.path_string());
  EXPECT_EQ(paths, (std::vector<std::string>{"b", "empty", "x/a", "x/y/c"}));
  EXPECT_EQ(metainfo.piece_hashes, expected_hashes(b + a + c, 16384));
}

TEST(TorrentCreator, SameResultWithAnyWorkerCount) {
  TempDir dir;
  write_file(dir / "f", pattern_bytes(300'000, 6));
  std::vector<std::vector<Sha1Digest>> results;
  for (std::size_t workers : {1, 2, 5}) {
    CreateOptions options;
    options.piece_length = 16384;
    options.worker_count = workers;
    auto created = create_torrent(dir / "f", options);
    ASSERT_TRUE(created);
    results.push_back(created->metainfo.piece_hashes);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
  EXPECT_EQ(results[0], expected_hashes(pattern_bytes(300'000, 6), 16384));
}

TEST(TorrentCreator, ProgressEndsAtThePieceCount) {
  TempDir dir;
  write_file(dir / "f", pattern_bytes(100'000, 7));
  std::uint32_t last_done = 0;
  std::uint32_t last_total = 0;
  std::size_t calls = 0;
  CreateOptions options;
  options.piece_length = 16384;
  options.progress = [&](std::uint32_t done, std::uint32_t total) {
    EXPECT_LE(done, total);
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
    ++calls;
  };
  ASSERT_TRUE(create_torrent(dir / "f", options));
  EXPECT_EQ(last_total, 7u);
  EXPECT_EQ(last_done, 7u);
  EXPECT_GE(calls, 7u);
}

TEST(TorrentCreator, ReproducibleWithoutDate) {
  TempDir dir;
  write_file(dir / "d/one", pattern_bytes(5000, 8));
  write_file(dir / "d/two", pattern_bytes(7000, 9));
  CreateOptions options;
  auto first = create_torrent(dir / "d", options);
  auto second = create_torrent(dir / "d", options);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->torrent_file, second->torrent_file);
  EXPECT_EQ(first->torrent_file.find("creation date"), std::string::npos);
}

TEST(TorrentCreator, ExecutableFilesGetTheAttribute) {
  TempDir dir;
  write_file(dir / "d/run.sh", "#!/bin/sh\n");
  write_file(dir / "d/data", "x");
  ::chmod((dir / "d/run.sh").c_str(), 0755);
  CreateOptions options;
  options.file_order = FileOrder::sorted;
  auto created = create_torrent(dir / "d", options);
  ASSERT_TRUE(created);
  EXPECT_FALSE(created->metainfo.files[0].is_executable);
  EXPECT_TRUE(created->metainfo.files[1].is_executable);
}

TEST(TorrentCreator, SymbolicLinkLoopIsWalkedOnce) {
  TempDir dir;
  write_file(dir / "d/sub/f", "abc");
  std::filesystem::create_directory_symlink("..", dir / "d/sub/loop");
  auto created = create_torrent(dir / "d", CreateOptions{});
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->metainfo.files.size(), 1u);
}

TEST(TorrentCreatorErrors, MissingSource) {
  TempDir dir;
  auto created = create_torrent(dir / "absent", CreateOptions{});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, make_error_code(CreateErrc::source_not_found));
  EXPECT_EQ(created.error().path, dir / "absent");
  EXPECT_NE(created.error().describe().find("absent: no such file"), std::string::npos);
}

TEST(TorrentCreatorErrors, EmptyDirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir / "empty/inner");
  write_file(dir / "empty/inner/zero", "");
  auto created = create_torrent(dir / "empty", CreateOptions{});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, make_error_code(CreateErrc::empty_source));
}

TEST(TorrentCreatorErrors, PieceLengthNotAPowerOfTwo) {
  TempDir dir;
  write_file(dir / "f", "x");
  CreateOptions options;
  options.piece_length = 3 * 16384;
  auto created = create_torrent(dir / "f", options);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, make_error_code(CreateErrc::invalid_piece_length));
}

TEST(TorrentCreatorErrors, PieceLengthTooSmall) {
  TempDir dir;
  write_file(dir / "f", "x");
  CreateOptions options;
  options.piece_length = 8192;
  EXPECT_EQ(create_torrent(dir / "f", options).error().code,
            make_error_code(CreateErrc::invalid_piece_length));
}

TEST(TorrentCreatorErrors, BackslashInFileName) {
  TempDir dir;
  write_file(dir / "d/a\\b", "x");
  auto created = create_torrent(dir / "d", CreateOptions{});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, make_error_code(CreateErrc::unsupported_file_name));
  EXPECT_EQ(created.error().path.filename(), "a\\b");
}

TEST(TorrentCreatorErrors, FileShorterThanListed) {
  TempDir dir;
  write_file(dir / "f", pattern_bytes(1000, 10));
  const std::vector<SourceFile> files = {SourceFile{dir / "f", {"f"}, 2000, false}};
  auto hashes = hash_pieces(files, HashOptions{16384, 2, {}});
  ASSERT_FALSE(hashes);
  EXPECT_EQ(hashes.error().code, make_error_code(CreateErrc::file_changed));
  EXPECT_EQ(hashes.error().path, dir / "f");
}

TEST(TorrentCreatorErrors, UnreadableFile) {
  TempDir dir;
  const std::vector<SourceFile> files = {SourceFile{dir / "gone", {"gone"}, 10, false}};
  auto hashes = hash_pieces(files, HashOptions{16384, 2, {}});
  ASSERT_FALSE(hashes);
  EXPECT_EQ(hashes.error().code, std::error_code(ENOENT, std::system_category()));
}

}  // namespace
}  // namespace swarmlab::protocol
