// DiskIo: the asynchronous face of a storage, the one the peer's coroutines co_await. Two kinds:
//   InlineDiskIo      runs every operation at once on the calling coroutine, without suspending:
//                     the simulator's choice, so a run stays deterministic (inline_disk_io.hpp);
//   ThreadPoolDiskIo  runs them on a small thread pool and resumes the caller on its own executor:
//                     the real client's choice, so hashing and disk I/O never stall the network
//                     thread (thread_pool_disk_io.hpp).
//
// Every operation owns its inputs and its result (a write takes its buffer by value, a read returns
// a fresh one), so a caller that stops waiting (cancellation, a timeout with `||`) never leaves a
// worker touching freed memory: the worker finishes on the operation's own copy and the result is
// dropped. A cancelled write may still land; a piece never counts as ours before verify_piece says
// so, whatever was written.
//
// How the peer uses it:
//   start:           present = co_await check_existing(progress); request only the others
//   block received:  co_await write(block, bytes, taint)   (taint: the simulator marked the
//                    sender corrupt; phantom storage needs it, the others ignore it)
//   piece complete:  co_await verify_piece(piece) -> true: ours, announce HAVE (and if it failed
//                    before, judge that attempt's senders by co_await block_digests(piece));
//                    false: keep co_await block_digests(piece) with the senders,
//                    co_await discard_piece(piece), re-request, blame the contributors
//   request served:  bytes = co_await read(block)  (empty in phantom mode: send the size only)
//   shutdown:        co_await flush()
#pragma once

#include "actors/peer/storage/storage.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace swarmlab::peer::storage {

namespace asio = boost::asio;

using Buffer = std::vector<std::uint8_t>;
// Called on the caller's executor after each piece: (pieces checked so far, piece count).
using CheckProgress = std::function<void(std::uint32_t checked_count, std::uint32_t piece_count)>;

// One operation on a storage. It owns everything it reads and writes.
class DiskJob {
 public:
  explicit DiskJob(std::optional<PieceIndex> piece) : piece_(piece) {}
  virtual ~DiskJob() = default;
  virtual void run(Storage& storage) = 0;
  // The piece whose bytes the job touches, or nullopt (flush). A thread pool runs the jobs of one
  // piece one at a time, in the order they were started.
  std::optional<PieceIndex> piece() const { return piece_; }

 private:
  std::optional<PieceIndex> piece_;
};

class DiskIo {
 public:
  explicit DiskIo(std::unique_ptr<Storage> storage);
  DiskIo(const DiskIo&) = delete;
  DiskIo& operator=(const DiskIo&) = delete;
  virtual ~DiskIo();

  const StorageLayout& layout() const { return storage_->layout(); }
  // False in phantom mode: reads return empty buffers and writes need no bytes.
  bool holds_payload() const { return storage_->holds_payload(); }
  // True when every operation completes without suspending (InlineDiskIo): a caller gains nothing
  // by not waiting for it.
  virtual bool completes_inline() const { return false; }
  // The storage itself, for the simulator's checks: only while no operation is in flight.
  Storage& storage() { return *storage_; }

  // Each completes with the storage's answer, or with operation_aborted when the caller was
  // cancelled first, or no_buffer_space when too many operations wait (thread pool only).
  asio::awaitable<Result<void>> write(BlockRef block, Buffer data, Taint taint = Taint::clean);
  // The block's bytes (empty in phantom mode).
  asio::awaitable<Result<Buffer>> read(BlockRef block);
  // The same read done now, without a coroutine, when operations complete inline; nothing
  // otherwise (the caller then co_awaits read()).
  std::optional<Result<Buffer>> read_now(BlockRef block);
  asio::awaitable<Result<Sha1Digest>> hash_piece(PieceIndex piece);
  // Whether the stored piece matches its expected hash: the only way a piece becomes ours.
  asio::awaitable<Result<bool>> verify_piece(PieceIndex piece);
  asio::awaitable<Result<bool>> check_piece(PieceIndex piece);
  // The digest of each block of the stored piece (Storage::block_digests).
  asio::awaitable<Result<std::vector<Sha1Digest>>> block_digests(PieceIndex piece,
                                                                 std::uint32_t block_length_bytes);
  // After a failed verification (phantom: clears the taint).
  asio::awaitable<Result<void>> discard_piece(PieceIndex piece);
  // Durable on disk: covers every write that completed before the call.
  asio::awaitable<Result<void>> flush();
  // Re-verifies every piece, for a start with existing data: element i is true when piece i is
  // present and correct, so that only the others are downloaded.
  asio::awaitable<Result<std::vector<bool>>> check_existing(CheckProgress progress = {});

 protected:
  // Runs `job` to completion; returns an error only when the caller stopped waiting first
  // (operation_aborted) or the job could not be queued.
  virtual asio::awaitable<error_code> execute(std::shared_ptr<DiskJob> job) = 0;

 private:
  template <class T, class Work>
  asio::awaitable<Result<T>> run(std::optional<PieceIndex> piece, Work work);

  std::unique_ptr<Storage> storage_;
};

}  // namespace swarmlab::peer::storage
