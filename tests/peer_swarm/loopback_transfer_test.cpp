// Two swarmlab peers on real loopback sockets transfer a multi-file torrent from files to files;
// the downloaded files must be byte-identical to the originals.
#include "actors/peer/storage/file_storage.hpp"
#include "actors/peer/storage/thread_pool_disk_io.hpp"
#include "actors/peer/torrent_layout.hpp"
#include "protocol/torrent_creator.hpp"
#include "tests/peer_swarm/loopback_world.hpp"
#include "tests/peer_swarm/recording_observer.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;
namespace storage = peer::storage;

constexpr unsigned char suite_octet = 11;
constexpr std::int64_t piece_length_bytes = 32 * 1024;

struct SourceFile {
  const char* path;
  std::size_t size_bytes;
};
// Sizes that make pieces span files, a file smaller than a block, and an empty file.
constexpr SourceFile source_files[] = {
    {"album/a.bin", 100'000}, {"album/sub/b.bin", 250'001}, {"album/empty.txt", 0},
    {"album/c.bin", 7'000},   {"album/z.bin", 65'536},
};

protocol::CreateOptions create_options() {
  protocol::CreateOptions options;
  options.piece_length = piece_length_bytes;
  options.worker_count = 1;
  return options;
}

std::unique_ptr<storage::DiskIo> file_disk(const protocol::Metainfo& metainfo,
                                           const std::filesystem::path& save_path) {
  auto layout = std::make_shared<const storage::StorageLayout>(peer::storage_layout_from(metainfo));
  return std::make_unique<storage::ThreadPoolDiskIo>(
      std::make_unique<storage::FileStorage>(layout, save_path));
}

TEST(LoopbackTransfer, MultiFileTorrentArrivesByteIdentical) {
  test::TempDir dir;
  for (const SourceFile& file : source_files) {
    test::write_file(dir / "seed" / file.path,
                     test::pattern_bytes(file.size_bytes, file.size_bytes));
  }
  const auto created = protocol::create_torrent(dir / "seed" / "album", create_options());
  ASSERT_TRUE(created) << created.error().describe();
  const protocol::Metainfo& metainfo = created->metainfo;
  ASSERT_GT(metainfo.piece_count(), 10u);

  RecordingObserver observer;
  LoopbackWorld world(suite_octet);
  peer::Peer& seed = world.add_peer({.observer = &observer});
  peer::Peer& leech = world.add_peer({.observer = &observer});
  peer::Torrent& seeding =
      seed.add_torrent({.info_hash = metainfo.info_hash,
                        .disk = file_disk(metainfo, dir / "seed"),
                        .config = {.existing_data = peer::ExistingData::verify}});
  peer::Torrent& leeching =
      leech.add_torrent({.info_hash = metainfo.info_hash,
                         .disk = file_disk(metainfo, dir / "leech"),
                         .config = {.existing_data = peer::ExistingData::verify}});
  ASSERT_TRUE(seed.start());
  ASSERT_TRUE(leech.start());
  ASSERT_TRUE(world.run_until([&] { return seeding.state() == peer::TorrentState::seeding; }, 10s));
  leeching.add_peer(world.endpoint_of(seed));
  ASSERT_TRUE(world.run_until([&] { return leeching.state() == peer::TorrentState::seeding; }, 20s))
      << leeching.status().pieces_verified << " of " << metainfo.piece_count() << " pieces";
  // Let the completion flush run before reading the files back.
  world.run_until([] { return false; }, 200ms);

  for (const SourceFile& file : source_files) {
    EXPECT_EQ(test::read_file(dir / "leech" / file.path), test::read_file(dir / "seed" / file.path))
        << file.path;
    EXPECT_TRUE(std::filesystem::exists(dir / "leech" / file.path)) << file.path;
  }
  const peer::TorrentStatus status = leeching.status();
  EXPECT_EQ(status.pieces_verified, static_cast<std::int32_t>(metainfo.piece_count()));
  EXPECT_EQ(status.bytes_left, 0);
  EXPECT_EQ(status.counters.payload_downloaded_bytes,
            static_cast<std::uint64_t>(metainfo.total_size_bytes));
  EXPECT_GE(seeding.counters().payload_uploaded_bytes,
            static_cast<std::uint64_t>(metainfo.total_size_bytes));
  EXPECT_EQ(observer.hash_failures.size(), 0u);
  EXPECT_TRUE(observer.completed.contains(2));
}

// A leecher that starts with part of the data verifies it and downloads only the rest.
TEST(LoopbackTransfer, ResumeDownloadsOnlyMissingPieces) {
  test::TempDir dir;
  const std::string content = test::pattern_bytes(400'000, 3);
  test::write_file(dir / "seed" / "single.bin", content);
  const auto created = protocol::create_torrent(dir / "seed" / "single.bin", create_options());
  ASSERT_TRUE(created);
  const protocol::Metainfo& metainfo = created->metainfo;
  // The leecher has the first half of the file already, and a corrupted byte in piece 1.
  std::string partial = content.substr(0, content.size() / 2);
  partial[piece_length_bytes + 5] = static_cast<char>(partial[piece_length_bytes + 5] ^ 0x40);
  test::write_file(dir / "leech" / "single.bin", partial);

  LoopbackWorld world(suite_octet + 1);
  peer::Peer& seed = world.add_peer({});
  peer::Peer& leech = world.add_peer({});
  peer::Torrent& seeding = seed.add_torrent(
      {.info_hash = metainfo.info_hash, .disk = file_disk(metainfo, dir / "seed"), .config = {}});
  peer::Torrent& leeching = leech.add_torrent(
      {.info_hash = metainfo.info_hash, .disk = file_disk(metainfo, dir / "leech"), .config = {}});
  ASSERT_TRUE(seed.start());
  ASSERT_TRUE(leech.start());
  ASSERT_TRUE(world.run_until(
      [&] {
        return leeching.state() == peer::TorrentState::downloading &&
               seeding.state() == peer::TorrentState::seeding;
      },
      10s));
  const std::int32_t pieces_at_start = leeching.status().pieces_verified;
  // Pieces 0 and 2 .. 5 are intact (6 whole pieces in the first 200,000 bytes, piece 1 corrupt).
  EXPECT_EQ(pieces_at_start, 5);
  leeching.add_peer(world.endpoint_of(seed));
  ASSERT_TRUE(
      world.run_until([&] { return leeching.state() == peer::TorrentState::seeding; }, 20s));
  world.run_until([] { return false; }, 200ms);
  EXPECT_EQ(test::read_file(dir / "leech" / "single.bin"), content);
  const auto expected_download =
      static_cast<std::uint64_t>(metainfo.total_size_bytes - pieces_at_start * piece_length_bytes);
  EXPECT_EQ(leeching.counters().payload_downloaded_bytes, expected_download);
}

}  // namespace
}  // namespace swarmlab::peer_test
