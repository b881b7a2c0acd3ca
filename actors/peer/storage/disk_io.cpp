#include "actors/peer/storage/disk_io.hpp"

#include <cassert>

namespace swarmlab::peer::storage {
namespace {

// A job made of a callable on the storage and the slot for its result.
template <class T, class Work>
class TypedJob final : public DiskJob {
 public:
  TypedJob(std::optional<PieceIndex> piece, Work work) : DiskJob(piece), work_(std::move(work)) {}
  void run(Storage& storage) override {
    assert(!result_.has_value());
    result_.emplace(work_(storage));
  }
  Result<T> take_result() {
    assert(result_.has_value());
    return std::move(*result_);
  }

 private:
  Work work_;
  std::optional<Result<T>> result_;
};

Result<Buffer> read_block(Storage& storage, BlockRef block) {
  Buffer data(storage.holds_payload() ? block.length_bytes : 0);
  if (auto result = storage.read(block, data); !result) return result.error();
  return data;
}

}  // namespace

DiskIo::DiskIo(std::unique_ptr<Storage> storage) : storage_(std::move(storage)) {
  assert(storage_ != nullptr);
}

DiskIo::~DiskIo() = default;

template <class T, class Work>
asio::awaitable<Result<T>> DiskIo::run(std::optional<PieceIndex> piece, Work work) {
  auto job = std::make_shared<TypedJob<T, Work>>(piece, std::move(work));
  const error_code error = co_await execute(job);
  // in_place_error: result<bool> could otherwise take an error_code for a bool.
  if (error) co_return Result<T>(boost::system::in_place_error, error);
  co_return job->take_result();
}

asio::awaitable<Result<void>> DiskIo::write(BlockRef block, Buffer data, Taint taint) {
  assert(layout().contains(block));
  assert(data.size() == block.length_bytes || (data.empty() && !holds_payload()));
  return run<void>(block.piece, [block, data = std::move(data), taint](Storage& storage) {
    return storage.write(block, data, taint);
  });
}

asio::awaitable<Result<Buffer>> DiskIo::read(BlockRef block) {
  assert(layout().contains(block));
  return run<Buffer>(block.piece, [block](Storage& storage) { return read_block(storage, block); });
}

std::optional<Result<Buffer>> DiskIo::read_now(BlockRef block) {
  assert(layout().contains(block));
  if (!completes_inline()) return std::nullopt;
  return read_block(*storage_, block);
}

asio::awaitable<Result<Sha1Digest>> DiskIo::hash_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  return run<Sha1Digest>(piece, [piece](Storage& storage) { return storage.hash_piece(piece); });
}

asio::awaitable<Result<bool>> DiskIo::verify_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  return run<bool>(piece, [piece](Storage& storage) { return storage.verify_piece(piece); });
}

asio::awaitable<Result<bool>> DiskIo::check_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  return run<bool>(piece, [piece](Storage& storage) { return storage.check_piece(piece); });
}

asio::awaitable<Result<std::vector<Sha1Digest>>> DiskIo::block_digests(
    PieceIndex piece, std::uint32_t block_length_bytes) {
  assert(piece < layout().piece_count());
  return run<std::vector<Sha1Digest>>(piece, [piece, block_length_bytes](Storage& storage) {
    return storage.block_digests(piece, block_length_bytes);
  });
}

asio::awaitable<Result<void>> DiskIo::discard_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  return run<void>(piece, [piece](Storage& storage) -> Result<void> {
    storage.discard_piece(piece);
    return {};
  });
}

asio::awaitable<Result<void>> DiskIo::flush() {
  return run<void>(std::nullopt, [](Storage& storage) { return storage.flush(); });
}

asio::awaitable<Result<std::vector<bool>>> DiskIo::check_existing(CheckProgress progress) {
  const std::uint32_t count = layout().piece_count();
  std::vector<bool> present(count, false);
  for (PieceIndex piece = 0; piece < count; ++piece) {
    const Result<bool> checked = co_await check_piece(piece);
    if (!checked) co_return checked.error();
    present[piece] = *checked;
    if (progress) progress(piece + 1, count);
  }
  assert(present.size() == count);
  co_return present;
}

}  // namespace swarmlab::peer::storage
