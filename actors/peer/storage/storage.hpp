// The peer's storage: where the bytes of one torrent live. Three kinds share this interface:
//   FileStorage     files under a save path (pread/pwrite), the real client's storage;
//   MemoryStorage   the whole torrent in one buffer, for small simulated swarms with real payload;
//   PhantomStorage  sizes only, no bytes, for large simulated swarms (DESIGN §4, payload modes).
//
// Terms: a piece is "verified" when the SHA-1 of its stored content equals the expected hash; only
// then does it count as ours. "Tainted" (phantom only) marks a piece that received a block from a
// sender the simulator marked corrupt: phantom storage has no bytes to hash, so the taint stands in
// for the wrong bytes and makes the piece fail verification.
//
// The calls are synchronous; DiskIo (disk_io.hpp) runs them inline (simulator) or on a thread pool
// (real sockets). Thread safety: every method may be called from several threads at once, as long
// as no two calls touch the same bytes while one of them writes (DiskIo's thread pool guarantees
// this by running the operations on one piece one at a time, in order).
#pragma once

#include "actors/peer/storage/layout.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace swarmlab::peer::storage {

using error_code = boost::system::error_code;
template <class T>
using Result = boost::system::result<T, error_code>;

// Where a written block came from, as far as verification cares.
enum class Taint : std::uint8_t { clean, corrupt_sender };

class Storage {
 public:
  // The layout is shared: a simulated swarm of thousands of phantom peers holds one copy.
  explicit Storage(std::shared_ptr<const StorageLayout> layout);
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  virtual ~Storage();

  const StorageLayout& layout() const { return *layout_; }
  const std::shared_ptr<const StorageLayout>& shared_layout() const { return layout_; }
  // False for phantom storage: blocks have sizes but no bytes, reads give no data.
  virtual bool holds_payload() const = 0;

  // Stores a block (inside its piece). `data` holds exactly block.length_bytes bytes, except in
  // phantom storage where it may be empty. Bytes that fall into BEP 47 padding are dropped.
  virtual Result<void> write(const BlockRef& block, std::span<const std::uint8_t> data,
                             Taint taint) = 0;
  // Fills `out` (exactly block.length_bytes bytes; phantom storage also accepts an empty span)
  // with the stored block. Padding reads as zeros.
  virtual Result<void> read(const BlockRef& block, std::span<std::uint8_t> out) = 0;
  // SHA-1 of the piece's stored content (phantom: the expected hash, unless tainted).
  virtual Result<Sha1Digest> hash_piece(PieceIndex piece) = 0;
  // Whether the stored piece matches its expected hash.
  virtual Result<bool> verify_piece(PieceIndex piece);
  // Like verify_piece, for data that may be incomplete or absent (resuming): cheap answers first
  // (a missing or short file means "no" without reading anything).
  virtual Result<bool> check_piece(PieceIndex piece);
  // The SHA-1 of each block_length_bytes of the piece's stored content, in order (the last block
  // may be shorter), so that the senders of a failed piece can be judged block by block against
  // its good copy. Phantom storage has no bytes: its digests tell a block that came from a corrupt
  // sender from a clean one.
  virtual Result<std::vector<Sha1Digest>> block_digests(PieceIndex piece,
                                                        std::uint32_t block_length_bytes);
  // Forgets what was received for a piece that failed verification (phantom: clears its taint).
  // Stored bytes are simply overwritten by the next download of the piece.
  virtual void discard_piece(PieceIndex piece);
  // Makes written data durable (fdatasync) and creates the empty files of the torrent.
  virtual Result<void> flush() = 0;

 protected:
  // Asserts the block lies in its piece and `size` is a valid buffer size for it.
  void assert_block(const BlockRef& block, std::size_t size) const;

 private:
  std::shared_ptr<const StorageLayout> layout_;
};

}  // namespace swarmlab::peer::storage
