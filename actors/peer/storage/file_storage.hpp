// FileStorage: a torrent's content in files under a save path, as libtorrent lays it out:
//   single-file torrent:  <save path>/<name>
//   multi-file torrent:   <save path>/<name>/<path components...>
// Files are created lazily, on the first write that lands in them, and extended to their full
// length with ftruncate, so they are sparse: nothing is ever written just to fill space. BEP 47
// padding files are never created or written; reading them gives zeros. I/O is pread/pwrite on
// descriptors from a bounded pool (file_pool.hpp).
//
// Verification hashes what was stored. A piece whose bytes were written in order, from its start,
// by writes that all succeeded, is hashed as they are written (from the buffers of the writes,
// while they are in the CPU's caches), and its check only finishes that digest; any other piece
// (written out of order, partly rewritten, a failed write) is hashed from the bytes read back from
// the files. Either way the digest covers exactly the bytes the files were given, and no
// piece-sized buffer is held per partial piece: an incremental digest is a few hundred bytes.
#pragma once

#include "actors/peer/storage/file_pool.hpp"
#include "actors/peer/storage/limits.hpp"
#include "actors/peer/storage/storage.hpp"

#include "protocol/sha1.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

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
  // From the digest made while writing when it covers the whole piece, else from the files. Also
  // starts writing a verified piece back to disk (see start_writeback).
  Result<bool> verify_piece(PieceIndex piece) override;
  void discard_piece(PieceIndex piece) override;
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
  // Creates the zero-length files, which no write ever reaches, and once this storage has
  // `downloaded` something, cuts bytes past the end of longer files found there (they are not
  // the torrent's, and `cmp` with the original would fail on them).
  Result<void> settle_file_sizes(bool downloaded);
  // Asks the kernel to start writing the piece's dirty pages to disk, without waiting for it: a
  // verified piece is final, and written back as the download goes, the pages never pile up for
  // the flush at completion to write all at once. A hint only: errors show on the flush.
  void start_writeback(PieceIndex piece);

  // The digest of a piece's first hashed_bytes, made as they were written.
  struct WriteDigest {
    protocol::Sha1Hasher hasher;
    std::uint32_t hashed_bytes = 0;
  };
  // Extends the piece's write digest with a block just written at its end, starts one for a block
  // at the piece's start, and drops it when a write lands inside what it covers.
  void hash_written(const BlockRef& block, std::span<const std::uint8_t> data);
  // Removes and returns the piece's write digest, if any.
  std::optional<WriteDigest> take_write_digest(PieceIndex piece);

  std::filesystem::path save_path_;
  FilePool files_;
  // Set by the first write; flush() then settles the files' sizes (a seed's files, never written,
  // are left as they are).
  std::atomic<bool> written_{false};
  // Write digests by piece, at most write_digests_max. The map is guarded by the mutex; a digest
  // itself is touched only by the operations on its piece, which DiskIo runs one at a time.
  std::mutex write_digests_mutex_;
  std::map<PieceIndex, WriteDigest> write_digests_;
};

}  // namespace swarmlab::peer::storage
