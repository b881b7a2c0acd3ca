// Metainfo against real tools: torrents made by transmission-create and python3-libtorrent parse
// with the info-hash those tools report, and `swarmlab create` gives the same info-hash as
// libtorrent's v1-only torrent of the same content. Content is generated at test time.
#include "protocol/metainfo.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::protocol {
namespace {

using test::pattern_bytes;
using test::run_process;
using test::TempDir;
using test::write_file;

constexpr const char* python = "/usr/bin/python3";

// Makes a torrent with libtorrent and prints its v1 info-hash.
//   argv: kind (v1 | hybrid) source piece_length output [private]
constexpr const char* libtorrent_create = R"(
import os, sys
import libtorrent as lt
kind, source, piece_length, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
storage = lt.file_storage()
lt.add_files(storage, source)
flags = lt.create_torrent.v1_only if kind == 'v1' else 0
creator = lt.create_torrent(storage, piece_length, flags=flags)
if len(sys.argv) > 5 and sys.argv[5] == 'private':
    creator.set_priv(True)
lt.set_piece_hashes(creator, os.path.dirname(os.path.abspath(source)))
with open(output, 'wb') as out:
    out.write(lt.bencode(creator.generate()))
print(lt.torrent_info(output).info_hashes().v1)
)";

// Loads a torrent with libtorrent and prints its v1 info-hash.
constexpr const char* libtorrent_load = R"(
import sys
import libtorrent as lt
print(lt.torrent_info(sys.argv[1]).info_hashes().v1)
)";

bool have_libtorrent() {
  static const bool available = run_process({python, "-c", "import libtorrent"}).exit_code == 0;
  return available;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

// Content with odd sizes and nested folders, plus an empty file.
void make_tree(const std::filesystem::path& root) {
  write_file(root / "readme.txt", pattern_bytes(1'234, 11));
  write_file(root / "data/a.bin", pattern_bytes(100'003, 12));
  write_file(root / "data/deeper/b.bin", pattern_bytes(1, 13));
  write_file(root / "data/deeper/c.bin", pattern_bytes(65'537, 14));
  write_file(root / "data/empty", "");
  write_file(root / "Z-last", pattern_bytes(33'333, 15));
}

Metainfo parse_file(const std::filesystem::path& path) {
  auto metainfo = parse_metainfo(test::read_file(path));
  EXPECT_TRUE(metainfo) << path << ": " << metainfo.error().describe();
  return metainfo ? *metainfo : Metainfo{};
}

std::string transmission_hash(const std::filesystem::path& torrent) {
  const auto shown = run_process({"transmission-show", torrent.string()});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  const std::string marker = "Hash: ";
  const std::size_t at = shown.out.find(marker);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no hash in transmission-show output: " << shown.out;
    return {};
  }
  return shown.out.substr(at + marker.size(), 40);
}

struct Shape {
  const char* name;
  bool multi_file;
  std::int64_t piece_length;
};

class ToolShapes : public testing::TestWithParam<Shape> {
 protected:
  // The content for this shape: a tree, or one file with an odd size.
  std::filesystem::path make_content(const TempDir& dir) const {
    if (GetParam().multi_file) {
      make_tree(dir / "tree");
      return dir / "tree";
    }
    write_file(dir / "single.bin", pattern_bytes(200'001, 16));
    return dir / "single.bin";
  }
};

TEST_P(ToolShapes, TransmissionCreateParsesWithItsInfoHash) {
  if (!test::program_exists("transmission-create") || !test::program_exists("transmission-show")) {
    GTEST_SKIP() << "transmission-cli is not installed (scripts/setup installs it)";
  }
  TempDir dir;
  const auto content = make_content(dir);
  const auto torrent = dir / "t.torrent";
  const auto made = run_process({"transmission-create", "-o", torrent.string(), "-s",
                                 std::to_string(GetParam().piece_length / 1024), "-t",
                                 "http://127.0.0.1:1/announce", content.string()});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  const Metainfo metainfo = parse_file(torrent);
  EXPECT_EQ(to_hex(metainfo.info_hash), transmission_hash(torrent));
  EXPECT_EQ(metainfo.piece_length, GetParam().piece_length);
  EXPECT_EQ(metainfo.is_multi_file, GetParam().multi_file);
  EXPECT_EQ(metainfo.total_size_bytes,
            GetParam().multi_file ? 1'234 + 100'003 + 1 + 65'537 + 33'333 : 200'001);
}

TEST_P(ToolShapes, LibtorrentV1ParsesWithItsInfoHash) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  TempDir dir;
  const auto content = make_content(dir);
  const auto made =
      run_process({python, "-c", libtorrent_create, "v1", content.string(),
                   std::to_string(GetParam().piece_length), (dir / "lt.torrent").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const Metainfo metainfo = parse_file(dir / "lt.torrent");
  EXPECT_EQ(to_hex(metainfo.info_hash), trim(made.out));
  EXPECT_FALSE(metainfo.is_hybrid);
}

TEST_P(ToolShapes, LibtorrentHybridLoadsThroughItsV1Part) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  TempDir dir;
  const auto content = make_content(dir);
  const auto made =
      run_process({python, "-c", libtorrent_create, "hybrid", content.string(),
                   std::to_string(GetParam().piece_length), (dir / "hybrid.torrent").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const Metainfo metainfo = parse_file(dir / "hybrid.torrent");
  EXPECT_EQ(to_hex(metainfo.info_hash), trim(made.out));
  EXPECT_TRUE(metainfo.is_hybrid);
  // libtorrent pads hybrid multi-file torrents so that files start on piece boundaries (BEP 47).
  for (const FileEntry& file : metainfo.files) {
    if (!file.is_padding && file.length > 0) {
      EXPECT_EQ(file.offset % metainfo.piece_length, 0) << file.path_string();
    }
  }
}

TEST_P(ToolShapes, SwarmlabCreateMatchesLibtorrentV1) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  TempDir dir;
  const auto content = make_content(dir);
  const std::string piece_length = std::to_string(GetParam().piece_length);
  const auto reference = run_process({python, "-c", libtorrent_create, "v1", content.string(),
                                      piece_length, (dir / "lt.torrent").string()});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const auto ours = run_process({SWARMLAB_EXECUTABLE, "create", content.string(), "-o",
                                 (dir / "ours.torrent").string(), "--piece-length", piece_length});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const Metainfo metainfo = parse_file(dir / "ours.torrent");
  EXPECT_EQ(to_hex(metainfo.info_hash), trim(reference.out));
  // And libtorrent reads our file with the same info-hash.
  const auto loaded = run_process({python, "-c", libtorrent_load, (dir / "ours.torrent").string()});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(trim(loaded.out), to_hex(metainfo.info_hash));
}

INSTANTIATE_TEST_SUITE_P(
    Interop, ToolShapes,
    testing::Values(Shape{"single_16k", false, 16 * 1024}, Shape{"single_64k", false, 64 * 1024},
                    Shape{"tree_16k", true, 16 * 1024}, Shape{"tree_32k", true, 32 * 1024},
                    Shape{"tree_256k", true, 256 * 1024}),
    [](const testing::TestParamInfo<Shape>& shape) { return shape.param.name; });

TEST(Interop, SwarmlabPrivateMatchesLibtorrentPrivate) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  TempDir dir;
  make_tree(dir / "tree");
  const auto reference =
      run_process({python, "-c", libtorrent_create, "v1", (dir / "tree").string(), "32768",
                   (dir / "lt.torrent").string(), "private"});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const auto ours =
      run_process({SWARMLAB_EXECUTABLE, "create", (dir / "tree").string(), "-o",
                   (dir / "ours.torrent").string(), "--piece-length", "32768", "--private"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const Metainfo metainfo = parse_file(dir / "ours.torrent");
  EXPECT_TRUE(metainfo.is_private);
  EXPECT_EQ(to_hex(metainfo.info_hash), trim(reference.out));
}

TEST(Interop, SwarmlabAutomaticPieceLengthLoadsInLibtorrent) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  TempDir dir;
  make_tree(dir / "tree");
  const auto ours = run_process({SWARMLAB_EXECUTABLE, "create", (dir / "tree").string(), "-o",
                                 (dir / "ours.torrent").string()});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const Metainfo metainfo = parse_file(dir / "ours.torrent");
  const auto loaded = run_process({python, "-c", libtorrent_load, (dir / "ours.torrent").string()});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(trim(loaded.out), to_hex(metainfo.info_hash));
}

}  // namespace
}  // namespace swarmlab::protocol
