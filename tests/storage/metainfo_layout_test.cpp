#include "actors/peer/storage/metainfo_layout.hpp"

#include "actors/peer/storage/file_storage.hpp"
#include "tests/protocol/bencode_builders.hpp"
#include "tests/storage/test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer::storage {
namespace {

using protocol::test::b;
using protocol::test::d;
using protocol::test::i;
using protocol::test::l;

protocol::Metainfo parse(const std::string& info) {
  auto parsed = protocol::parse_metainfo(d({{"info", info}}));
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  return parsed.value();
}

TEST(MetainfoLayout, MultiFileWithPadding) {
  // 100 + 28 (padding) + 50 = 178 bytes in 64-byte pieces: 3 pieces.
  const std::string files =
      l({d({{"length", i(100)}, {"path", l({b("dir"), b("a")})}}),
         d({{"attr", b("p")}, {"length", i(28)}, {"path", l({b(".pad"), b("28")})}}),
         d({{"length", i(50)}, {"path", l({b("b")})}})});
  const protocol::Metainfo metainfo = parse(d({{"name", b("content")},
                                               {"piece length", i(64)},
                                               {"pieces", protocol::test::pieces(3)},
                                               {"files", files}}));
  const auto layout = make_storage_layout(metainfo);
  EXPECT_EQ(layout->name, "content");
  EXPECT_TRUE(layout->multi_file);
  EXPECT_EQ(layout->piece_length_bytes, 64u);
  EXPECT_EQ(layout->total_size_bytes, 178u);
  ASSERT_EQ(layout->files.size(), 3u);
  EXPECT_EQ(layout->files[0].path, (std::vector<std::string>{"dir", "a"}));
  EXPECT_EQ(layout->files[1].offset_bytes, 100u);
  EXPECT_TRUE(layout->files[1].is_padding);
  EXPECT_FALSE(layout->files[2].is_padding);
  EXPECT_EQ(layout->files[2].offset_bytes, 128u);
  EXPECT_EQ(layout->piece_hashes, metainfo.piece_hashes);

  testing::TempDir dir;
  FileStorage storage(layout, dir.path());
  EXPECT_EQ(storage.file_path(0), dir.path() / "content" / "dir" / "a");
  EXPECT_EQ(storage.file_path(2), dir.path() / "content" / "b");
}

TEST(MetainfoLayout, SingleFileIsNamedAfterTheTorrent) {
  const protocol::Metainfo metainfo = parse(d({{"name", b("disk.img")},
                                               {"piece length", i(16384)},
                                               {"pieces", protocol::test::pieces(2)},
                                               {"length", i(20000)}}));
  const auto layout = make_storage_layout(metainfo);
  EXPECT_FALSE(layout->multi_file);
  ASSERT_EQ(layout->files.size(), 1u);
  EXPECT_TRUE(layout->files[0].path.empty());
  EXPECT_EQ(layout->files[0].length_bytes, 20000u);
  EXPECT_EQ(layout->piece_count(), 2u);

  testing::TempDir dir;
  FileStorage storage(layout, dir.path());
  EXPECT_EQ(storage.file_path(0), dir.path() / "disk.img");
}

}  // namespace
}  // namespace swarmlab::peer::storage
