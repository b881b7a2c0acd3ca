#include "actors/peer/storage/file_storage.hpp"

#include "tests/storage/test_support.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

namespace swarmlab::peer::storage {
namespace {

using testing::expected_content;
using testing::read_whole_file;
using testing::TempDir;
using testing::with_hashes;

const Payload payload = Payload::from_seed(2024, 1);

// 133 bytes in 64-byte pieces; piece 0 spans a, dir/b, dir/sub/c and e; d is empty.
StorageLayout odd_layout() {
  return make_multi_file_layout(
      "multi", 64,
      {{.path = {"a"}, .length_bytes = 10, .is_padding = false},
       {.path = {"dir", "b"}, .length_bytes = 7, .is_padding = false},
       {.path = {"dir", "sub", "c"}, .length_bytes = 13, .is_padding = false},
       {.path = {"d"}, .length_bytes = 0, .is_padding = false},
       {.path = {"e"}, .length_bytes = 100, .is_padding = false},
       {.path = {"f"}, .length_bytes = 3, .is_padding = false}});
}

// Writes the given pieces of the payload's content in blocks of `block_bytes`.
void write_pieces(Storage& storage, const std::vector<PieceIndex>& pieces,
                  std::uint32_t block_bytes) {
  const StorageLayout& layout = storage.layout();
  for (PieceIndex piece : pieces) {
    const std::uint32_t size = layout.piece_size_bytes(piece);
    for (std::uint32_t offset = 0; offset < size; offset += block_bytes) {
      const std::uint32_t length = std::min(block_bytes, size - offset);
      const auto bytes =
          expected_content(layout, payload, layout.piece_offset_bytes(piece) + offset, length);
      const BlockRef block{.piece = piece, .offset_bytes = offset, .length_bytes = length};
      ASSERT_TRUE(storage.write(block, bytes, Taint::clean)) << piece << "@" << offset;
    }
  }
}

std::vector<PieceIndex> all_pieces(const StorageLayout& layout) {
  std::vector<PieceIndex> pieces(layout.piece_count());
  for (PieceIndex i = 0; i < pieces.size(); ++i)
    pieces[i] = i;
  return pieces;
}

std::vector<bool> check_all(Storage& storage) {
  std::vector<bool> present;
  for (PieceIndex piece = 0; piece < storage.layout().piece_count(); ++piece) {
    auto checked = storage.check_piece(piece);
    EXPECT_TRUE(checked);
    present.push_back(checked && *checked);
  }
  return present;
}

TEST(FileStorage, MultiFilePiecesSpanningThreeOrMoreFilesRoundTrip) {
  TempDir dir;
  const auto layout = with_hashes(odd_layout(), payload);
  FileStorage storage(layout, dir.path());
  write_pieces(storage, all_pieces(*layout), 16);
  ASSERT_TRUE(storage.flush());
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    EXPECT_EQ(storage.verify_piece(piece).value(), true) << piece;
  }
  // Odd blocks that cross file boundaries read back the content.
  for (std::uint32_t offset : {0u, 5u, 9u, 16u, 29u}) {
    std::vector<std::uint8_t> out(33);
    ASSERT_TRUE(storage.read({.piece = 0, .offset_bytes = offset, .length_bytes = 31},
                             std::span(out).first(31)));
    out.resize(31);
    EXPECT_EQ(out, expected_content(*layout, payload, offset, 31)) << offset;
  }
  // Each file on disk, read without the storage, holds its slice of the content.
  const std::filesystem::path root = dir.path() / "multi";
  EXPECT_EQ(read_whole_file(root / "a"), expected_content(*layout, payload, 0, 10));
  EXPECT_EQ(read_whole_file(root / "dir" / "b"), expected_content(*layout, payload, 10, 7));
  EXPECT_EQ(read_whole_file(root / "dir" / "sub" / "c"),
            expected_content(*layout, payload, 17, 13));
  EXPECT_EQ(read_whole_file(root / "e"), expected_content(*layout, payload, 30, 100));
  EXPECT_EQ(read_whole_file(root / "f"), expected_content(*layout, payload, 130, 3));
  // The empty file exists once the storage has been flushed.
  EXPECT_TRUE(std::filesystem::is_regular_file(root / "d"));
  EXPECT_EQ(std::filesystem::file_size(root / "d"), 0u);
}

// Data already complete on disk, with its empty file deleted and a file grown longer: nothing is
// written, the flush recreates the empty file (no write ever would) and leaves the rest as found.
TEST(FileStorage, FlushWithNothingWrittenRecreatesEmptyFilesAndTrimsNothing) {
  TempDir dir;
  const auto layout = with_hashes(odd_layout(), payload);
  {
    FileStorage first(layout, dir.path());
    write_pieces(first, all_pieces(*layout), 16);
    ASSERT_TRUE(first.flush());
  }
  const std::filesystem::path root = dir.path() / "multi";
  std::filesystem::remove(root / "d");
  std::filesystem::resize_file(root / "f", 5);
  FileStorage again(layout, dir.path());
  EXPECT_EQ(check_all(again).front(), true);
  ASSERT_TRUE(again.flush());
  EXPECT_TRUE(std::filesystem::is_regular_file(root / "d"));
  EXPECT_EQ(std::filesystem::file_size(root / "f"), 5u);
}

TEST(FileStorage, WrongBlockFailsVerification) {
  TempDir dir;
  const auto layout = with_hashes(odd_layout(), payload);
  FileStorage storage(layout, dir.path());
  write_pieces(storage, all_pieces(*layout), 64);
  std::vector<std::uint8_t> wrong(7, 0x5a);
  ASSERT_TRUE(
      storage.write({.piece = 1, .offset_bytes = 3, .length_bytes = 7}, wrong, Taint::clean));
  EXPECT_EQ(storage.verify_piece(0).value(), true);
  EXPECT_EQ(storage.verify_piece(1).value(), false);
  EXPECT_NE(storage.hash_piece(1).value(), layout->piece_hashes[1]);
}

TEST(FileStorage, SingleFileLandsAtSavePathSlashName) {
  TempDir dir;
  const auto layout = with_hashes(make_single_file_layout("movie.mkv", 32, 100), payload);
  FileStorage storage(layout, dir.path());
  write_pieces(storage, all_pieces(*layout), 32);
  EXPECT_EQ(storage.file_path(0), dir.path() / "movie.mkv");
  ASSERT_TRUE(std::filesystem::is_regular_file(dir.path() / "movie.mkv"));
  EXPECT_EQ(read_whole_file(dir.path() / "movie.mkv"), expected_content(*layout, payload, 0, 100));
  // Nothing else was created in the save path.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(FileStorage, MultiFileLandsUnderSavePathSlashName) {
  TempDir dir;
  FileStorage storage(with_hashes(odd_layout(), payload), dir.path());
  EXPECT_EQ(storage.file_path(2), dir.path() / "multi" / "dir" / "sub" / "c");
  EXPECT_EQ(storage.file_path(5), dir.path() / "multi" / "f");
}

TEST(FileStorage, PaddingFilesAreNeverCreatedAndReadAsZeros) {
  TempDir dir;
  const auto layout = with_hashes(
      make_multi_file_layout("padded", 32,
                             {{.path = {"a"}, .length_bytes = 50, .is_padding = false},
                              {.path = {".pad", "14"}, .length_bytes = 14, .is_padding = true},
                              {.path = {"b"}, .length_bytes = 36, .is_padding = false}}),
      payload);
  FileStorage storage(layout, dir.path());
  // A sender that puts garbage where the padding lies: the padding stays zero regardless.
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    const std::uint32_t size = layout->piece_size_bytes(piece);
    auto bytes = expected_content(*layout, payload, layout->piece_offset_bytes(piece), size);
    for (std::uint64_t i = 0; i < size; ++i) {
      const std::uint64_t at = layout->piece_offset_bytes(piece) + i;
      if (at >= 50 && at < 64) bytes[i] = 0xee;
    }
    ASSERT_TRUE(storage.write({.piece = piece, .offset_bytes = 0, .length_bytes = size}, bytes,
                              Taint::clean));
  }
  ASSERT_TRUE(storage.flush());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "padded" / ".pad"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "padded"), {}), 2);
  std::vector<std::uint8_t> padding(14, 0xff);
  ASSERT_TRUE(storage.read({.piece = 1, .offset_bytes = 18, .length_bytes = 14}, padding));
  EXPECT_EQ(padding, std::vector<std::uint8_t>(14, 0));
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    EXPECT_EQ(storage.verify_piece(piece).value(), true) << piece;
  }
}

TEST(FileStorage, FilesAreSparseAndCreatedLazily) {
  TempDir dir;
  constexpr std::uint64_t file_size = std::uint64_t{64} << 20;
  auto layout =
      make_multi_file_layout("sparse", 1 << 20,
                             {{.path = {"first"}, .length_bytes = 1000, .is_padding = false},
                              {.path = {"big"}, .length_bytes = file_size, .is_padding = false}});
  FileStorage storage(std::make_shared<const StorageLayout>(std::move(layout)), dir.path());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sparse"));
  // The last whole piece: it lies in the big file, far from its start.
  const PieceIndex last = storage.layout().piece_count() - 2;
  std::vector<std::uint8_t> block(16384, 0x77);
  ASSERT_TRUE(storage.write({.piece = last, .offset_bytes = 0, .length_bytes = 16384}, block,
                            Taint::clean));
  // Only the file that was written exists, at its full size, with almost no blocks allocated.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sparse" / "first"));
  struct stat status {};
  ASSERT_EQ(::stat((dir.path() / "sparse" / "big").c_str(), &status), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(status.st_size), file_size);
  EXPECT_LE(static_cast<std::uint64_t>(status.st_blocks) * 512, std::uint64_t{1} << 20);
}

TEST(FileStorage, ResumeFindsExactlyThePiecesWritten) {
  TempDir dir;
  const auto layout = with_hashes(
      make_multi_file_layout("resume", 256,
                             {{.path = {"x"}, .length_bytes = 3001, .is_padding = false},
                              {.path = {"y", "z"}, .length_bytes = 4999, .is_padding = false},
                              {.path = {"w"}, .length_bytes = 2000, .is_padding = false}}),
      payload);
  std::vector<PieceIndex> even;
  for (PieceIndex piece = 0; piece < layout->piece_count(); piece += 2)
    even.push_back(piece);
  {
    FileStorage first(layout, dir.path());
    EXPECT_EQ(check_all(first), std::vector<bool>(layout->piece_count(), false));
    write_pieces(first, even, 100);
    ASSERT_TRUE(first.flush());
  }
  FileStorage second(layout, dir.path());
  std::vector<bool> expected(layout->piece_count(), false);
  for (PieceIndex piece : even)
    expected[piece] = true;
  EXPECT_EQ(check_all(second), expected);
}

TEST(FileStorage, CheckFindsACorruptByte) {
  TempDir dir;
  const auto layout = with_hashes(odd_layout(), payload);
  {
    FileStorage storage(layout, dir.path());
    write_pieces(storage, all_pieces(*layout), 64);
  }
  // Byte 40 of the stream is byte 10 of e: it lies in piece 0.
  {
    std::fstream file(dir.path() / "multi" / "e", std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(10);
    const char original = static_cast<char>(file.get());
    file.seekp(10);
    file.put(static_cast<char>(original ^ 0x01));
  }
  FileStorage storage(layout, dir.path());
  EXPECT_EQ(check_all(storage), (std::vector<bool>{false, true, true}));
}

TEST(FileStorage, ShortFileMeansPieceMissing) {
  TempDir dir;
  const auto layout = with_hashes(odd_layout(), payload);
  {
    FileStorage storage(layout, dir.path());
    write_pieces(storage, all_pieces(*layout), 64);
  }
  std::filesystem::resize_file(dir.path() / "multi" / "e", 50);
  FileStorage storage(layout, dir.path());
  EXPECT_EQ(check_all(storage), (std::vector<bool>{true, false, false}));
  std::vector<std::uint8_t> out(5);
  EXPECT_FALSE(storage.read({.piece = 2, .offset_bytes = 0, .length_bytes = 5}, out));
}

TEST(FileStorage, ReadingAFileNeverWrittenIsAnError) {
  TempDir dir;
  FileStorage storage(with_hashes(odd_layout(), payload), dir.path());
  std::vector<std::uint8_t> out(8);
  const auto result = storage.read({.piece = 0, .offset_bytes = 0, .length_bytes = 8}, out);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), boost::system::errc::no_such_file_or_directory);
}

TEST(FileStorage, UnwritableSavePathIsAnErrorValue) {
  TempDir dir;
  std::ofstream(dir.path() / "plain-file") << "x";
  FileStorage storage(with_hashes(odd_layout(), payload), dir.path() / "plain-file");
  std::vector<std::uint8_t> bytes(8, 1);
  EXPECT_FALSE(
      storage.write({.piece = 0, .offset_bytes = 0, .length_bytes = 8}, bytes, Taint::clean));
}

TEST(FileStorage, FewOpenFilesStillServeManyFiles) {
  TempDir dir;
  std::vector<FileSpec> files;
  for (int i = 0; i < 9; ++i) {
    files.push_back({.path = {"f" + std::to_string(i)}, .length_bytes = 37, .is_padding = false});
  }
  const auto layout = with_hashes(make_multi_file_layout("many", 64, files), payload);
  FileStorage storage(layout, dir.path(), {.open_files = 2});
  write_pieces(storage, all_pieces(*layout), 16);
  ASSERT_TRUE(storage.flush());
  EXPECT_EQ(check_all(storage), std::vector<bool>(layout->piece_count(), true));
  EXPECT_EQ(read_whole_file(dir.path() / "many" / "f8"),
            expected_content(*layout, payload, 296, 37));
}

TEST(FileStorageDeathTest, PathOutsideTheSavePathAsserts) {
  StorageLayout layout = odd_layout();
  layout.files[1].path = {".."};
  auto shared = std::make_shared<const StorageLayout>(std::move(layout));
  EXPECT_DEATH(FileStorage(shared, "/tmp/unused"), "");
}

// Pieces written in order are hashed as they are written; these check that the digest made that
// way never vouches for bytes other than those the files hold.
class FileStorageWriteDigest : public ::testing::Test {
 protected:
  // 4 pieces of 64 bytes in one file, written in blocks of 16.
  FileStorageWriteDigest()
      : layout_(with_hashes(make_single_file_layout("single", 64, 256), payload)),
        storage_(layout_, dir_.path()) {}

  void write_block(PieceIndex piece, std::uint32_t block, bool corrupt = false) {
    const std::uint32_t offset = block * 16;
    auto bytes =
        expected_content(*layout_, payload, layout_->piece_offset_bytes(piece) + offset, 16);
    if (corrupt) bytes[3] ^= 0xff;
    ASSERT_TRUE(storage_.write({.piece = piece, .offset_bytes = offset, .length_bytes = 16}, bytes,
                               Taint::clean));
  }
  bool verify(PieceIndex piece) { return storage_.verify_piece(piece).value(); }

  TempDir dir_;
  std::shared_ptr<const StorageLayout> layout_;
  FileStorage storage_;
};

TEST_F(FileStorageWriteDigest, InOrderAndOutOfOrderPiecesVerify) {
  for (std::uint32_t block : {0u, 1u, 2u, 3u})
    write_block(0, block);
  for (std::uint32_t block : {2u, 0u, 3u, 1u})
    write_block(1, block);
  // A gap filled later.
  for (std::uint32_t block : {0u, 2u, 1u, 3u})
    write_block(2, block);
  EXPECT_TRUE(verify(0));
  EXPECT_TRUE(verify(1));
  EXPECT_TRUE(verify(2));
}

TEST_F(FileStorageWriteDigest, AnOverwrittenBlockIsWhatCounts) {
  // Hashed while written in order, then a block is overwritten with wrong bytes.
  for (std::uint32_t block : {0u, 1u, 2u, 3u})
    write_block(0, block);
  write_block(0, 1, true);
  EXPECT_FALSE(verify(0));
  // And the other way round: wrong bytes first, then the right ones over them.
  write_block(1, 0);
  write_block(1, 1, true);
  write_block(1, 1);
  write_block(1, 2);
  write_block(1, 3);
  EXPECT_TRUE(verify(1));
}

TEST_F(FileStorageWriteDigest, APieceWrittenAgainAfterADiscardVerifies) {
  for (std::uint32_t block : {0u, 1u, 2u, 3u})
    write_block(3, block, block == 2);
  EXPECT_FALSE(verify(3));
  storage_.discard_piece(3);
  for (std::uint32_t block : {0u, 1u, 2u, 3u})
    write_block(3, block);
  EXPECT_TRUE(verify(3));
  // Written again from its start without a discard: the new bytes count.
  for (std::uint32_t block : {0u, 1u, 2u, 3u})
    write_block(3, block, block == 3);
  EXPECT_FALSE(verify(3));
}

}  // namespace
}  // namespace swarmlab::peer::storage
