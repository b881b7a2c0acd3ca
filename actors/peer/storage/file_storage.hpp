// FileStorage: a torrent's content in files under a save path, as libtorrent lays it out:
//   single-file torrent:  <save path>/<name>
//   multi-file torrent:   <save path>/<name>/<path components...>
// Files are created lazily, on the first write that lands in them, and extended to their full
// length with ftruncate, so they are sparse: nothing is ever written just to fill space. BEP 47
// padding files are never created or written; reading them gives zeros. I/O is pread/pwrite on
// descriptors from a bounded pool (file_pool.hpp).
//
// Verification hashes the bytes read back from the files (through the page cache, where freshly
// written blocks still are): the digest then vouches for exactly what later reads will serve and
// what a restart will find, and no piece-sized buffer has to be held per partial piece.
#pragma once

#include "actors/peer/storage/file_pool.hpp"
#include "actors/peer/storage/limits.hpp"
#include "actors/peer/storage/storage.hpp"

#include <atomic>
#include <filesystem>

namespace swarmlab::peer::storage {

struct FileStorageOptions {
  std::size_t open_files = open_files_default;
};

class FileStorage final : public Storage {
 public:
  FileStorage(std::shared_ptr<const StorageLayout> layout, std::filesystem::path save_path,
              FileStorageOptions options = {});

  bool holds_payload() const override { return true; }
  Result<void> write(const BlockRef& block, std::span<const std::uint8_t> data,
                     Taint taint) override;
  Result<void> read(const BlockRef& block, std::span<std::uint8_t> out) override;
  Result<Sha1Digest> hash_piece(PieceIndex piece) override;
  Result<bool> check_piece(PieceIndex piece) override;
  Result<void> flush() override;

  const std::filesystem::path& save_path() const { return save_path_; }
  // Where file `index` of the layout lives (padding files have a path but are never created).
  std::filesystem::path file_path(std::size_t index) const;

 private:
  // Reads [offset, offset + out.size()) of the torrent's byte stream; padding reads as zeros.
  Result<void> read_range(std::uint64_t offset_bytes, std::span<std::uint8_t> out);
  // Whether every file the piece touches exists and is long enough to hold its part.
  bool piece_files_present(PieceIndex piece) const;
  Result<void> create_empty_files();

  std::filesystem::path save_path_;
  FilePool files_;
  // Set by the first write; flush() then creates the torrent's zero-length files, which no write
  // ever reaches.
  std::atomic<bool> written_{false};
};

}  // namespace swarmlab::peer::storage
