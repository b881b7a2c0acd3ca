// BEP 47 padding on real loopback sockets: a leecher never asks for blocks that lie wholly in
// padding files (zeros), downloads only the rest, and its pieces still verify.
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/torrent_layout.hpp"
#include "tests/peer_swarm/loopback_world.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;
namespace storage = peer::storage;

constexpr unsigned char suite_octet = 31;
constexpr std::uint32_t piece_length_bytes = 64 * 1024;

// Small files, each padded to the next piece boundary as libtorrent lays out hybrid torrents:
// blocks 2-3 of piece 0 and 1-3 of piece 1 are wholly padding (5 of 13 blocks).
storage::StorageLayout padded_layout() {
  return storage::make_multi_file_layout(
      "padded", piece_length_bytes,
      {{.path = {"a"}, .length_bytes = 20'000, .is_padding = false},
       {.path = {".pad", "45536"}, .length_bytes = 45'536, .is_padding = true},
       {.path = {"b"}, .length_bytes = 1'000, .is_padding = false},
       {.path = {".pad", "64536"}, .length_bytes = 64'536, .is_padding = true},
       {.path = {"c"}, .length_bytes = 70'000, .is_padding = false}});
}
constexpr std::uint64_t padding_block_bytes = 5 * 16 * 1024;

TEST(PaddingTransfer, PaddingBlocksAreTheBlocksWhollyInPadding) {
  const storage::StorageLayout layout = padded_layout();
  const auto pieces = peer::piece_layout_from(layout);
  ASSERT_TRUE(pieces);
  using peer::BlockIndex;
  using peer::PieceIndex;
  EXPECT_EQ(peer::padding_blocks(layout, *pieces),
            (std::vector<peer::BlockRef>{{PieceIndex(0), BlockIndex(2)},
                                         {PieceIndex(0), BlockIndex(3)},
                                         {PieceIndex(1), BlockIndex(1)},
                                         {PieceIndex(1), BlockIndex(2)},
                                         {PieceIndex(1), BlockIndex(3)}}));
}

TEST(PaddingTransfer, PaddingBlocksAreNeitherRequestedNorSent) {
  storage::StorageLayout layout = padded_layout();
  const storage::Payload payload(7);
  layout.piece_hashes = storage::content_piece_hashes(layout, payload);
  auto shared = std::make_shared<const storage::StorageLayout>(layout);
  std::uint64_t content_bytes = 0;
  for (const storage::FileEntry& file : layout.files)
    content_bytes += file.is_padding ? 0 : file.length_bytes;

  const protocol::InfoHash info_hash = protocol::sha1(std::string_view("padded torrent"));
  LoopbackWorld world(suite_octet);
  auto seed_storage = std::make_unique<storage::MemoryStorage>(shared);
  ASSERT_TRUE(storage::write_content(*seed_storage, payload));
  peer::Peer& seed = world.add_peer({});
  peer::Peer& leech = world.add_peer({});
  seed.add_torrent({.info_hash = info_hash,
                    .disk = std::make_unique<storage::InlineDiskIo>(std::move(seed_storage)),
                    .config = {.existing_data = peer::ExistingData::trust_complete}});
  peer::Torrent& leeching =
      leech.add_torrent({.info_hash = info_hash,
                         .disk = std::make_unique<storage::InlineDiskIo>(
                             std::make_unique<storage::MemoryStorage>(shared)),
                         .config = {.existing_data = peer::ExistingData::none}});
  ASSERT_TRUE(seed.start());
  ASSERT_TRUE(leech.start());
  leeching.add_peer(world.endpoint_of(seed));
  ASSERT_TRUE(world.run_until([&] { return leeching.is_complete(); }, 20s))
      << leeching.status().pieces_verified << " of " << layout.piece_count() << " pieces";
  // Whole blocks of content only: the padding that shares a block with content comes along.
  const std::uint64_t downloaded = leeching.counters().payload_downloaded_bytes;
  EXPECT_GE(downloaded, content_bytes);
  EXPECT_LE(downloaded, layout.total_size_bytes - padding_block_bytes);
  EXPECT_EQ(leeching.status().hash_failures, 0);
}

}  // namespace
}  // namespace swarmlab::peer_test
