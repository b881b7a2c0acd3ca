#include "actors/peer/storage/file_storage.hpp"

#include "actors/peer/storage/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/system/errc.hpp>

#include <algorithm>
#include <cassert>
#include <vector>

namespace swarmlab::peer::storage {
namespace {

error_code file_too_short() {
  // The layout says the file is longer: it was truncated behind our back.
  return boost::system::errc::make_error_code(boost::system::errc::io_error);
}

error_code to_error_code(const std::error_code& error) {
  return error_code(error.value(), boost::system::system_category());
}

// True when `path` lies strictly below `root` (both lexically normal and absolute).
bool is_below(const std::filesystem::path& path, const std::filesystem::path& root) {
  const std::filesystem::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != ".." && *relative.begin() != ".";
}

}  // namespace

FileStorage::FileStorage(std::shared_ptr<const StorageLayout> layout,
                         std::filesystem::path save_path, FileStorageOptions options)
    : Storage(std::move(layout)), files_(options.open_files) {
  std::error_code error;
  save_path_ = std::filesystem::absolute(save_path, error).lexically_normal();
  if (error) save_path_ = save_path.lexically_normal();
  assert(!save_path_.empty());
}

std::filesystem::path FileStorage::file_path(std::size_t index) const {
  assert(index < layout().files.size());
  std::filesystem::path path = save_path_ / layout().name;
  for (const std::string& component : layout().files[index].path) {
    path /= component;
  }
  // The metainfo layer rejects unsafe paths; a path that escapes the save path here is a bug.
  assert(is_below(path.lexically_normal(), save_path_));
  return path;
}

Result<void> FileStorage::write(const BlockRef& block, std::span<const std::uint8_t> data,
                                Taint /*taint: the bytes themselves carry any corruption*/) {
  assert_block(block, data.size());
  const StorageLayout& map = layout();
  const std::uint64_t offset = map.piece_offset_bytes(block.piece) + block.offset_bytes;
  Result<void> result;
  bool touches_padding = false;
  for_each_slice(map, offset, block.length_bytes, [&](const FileSlice& slice) {
    const FileEntry& file = map.files[slice.file_index];
    touches_padding = touches_padding || file.is_padding;
    if (!result || file.is_padding) return;
    auto handle =
        files_.open_for_write(slice.file_index, file_path(slice.file_index), file.length_bytes);
    if (!handle) {
      result = handle.error();
      return;
    }
    result =
        write_fully((*handle)->fd(), data.subspan(slice.range_offset_bytes, slice.length_bytes),
                    slice.file_offset_bytes);
  });
  written_.store(true, std::memory_order_relaxed);
  // Padding reads back as zeros whatever the sender put there: such a piece is hashed from the
  // files, as is one whose write failed.
  if (result && !touches_padding) {
    hash_written(block, data);
  } else {
    take_write_digest(block.piece);
  }
  return result;
}

void FileStorage::hash_written(const BlockRef& block, std::span<const std::uint8_t> data) {
  WriteDigest* digest = nullptr;
  {
    std::lock_guard lock(write_digests_mutex_);
    auto found = write_digests_.find(block.piece);
    if (block.offset_bytes == 0) {
      if (found == write_digests_.end()) {
        if (write_digests_.size() >= write_digests_max) return;
        found = write_digests_.try_emplace(block.piece).first;
      } else {
        // The piece is written again from its start: what the old digest covered is replaced.
        found->second = WriteDigest{};
      }
      digest = &found->second;
    } else if (found != write_digests_.end()) {
      if (block.offset_bytes < found->second.hashed_bytes) {
        // Bytes the digest covers were overwritten.
        write_digests_.erase(found);
        return;
      }
      // After a gap the digest stays short of the piece, and the check reads the files.
      if (block.offset_bytes == found->second.hashed_bytes) digest = &found->second;
    }
  }
  if (digest == nullptr) return;
  // Outside the lock: only the operations on this piece touch its digest, one at a time.
  digest->hasher.update(data);
  digest->hashed_bytes += block.length_bytes;
}

std::optional<FileStorage::WriteDigest> FileStorage::take_write_digest(PieceIndex piece) {
  std::lock_guard lock(write_digests_mutex_);
  const auto found = write_digests_.find(piece);
  if (found == write_digests_.end()) return std::nullopt;
  std::optional<WriteDigest> taken(std::move(found->second));
  write_digests_.erase(found);
  return taken;
}

Result<void> FileStorage::read(const BlockRef& block, std::span<std::uint8_t> out) {
  assert_block(block, out.size());
  return read_range(layout().piece_offset_bytes(block.piece) + block.offset_bytes, out);
}

Result<void> FileStorage::read_range(std::uint64_t offset_bytes, std::span<std::uint8_t> out) {
  const StorageLayout& map = layout();
  Result<void> result;
  for_each_slice(map, offset_bytes, out.size(), [&](const FileSlice& slice) {
    const FileEntry& file = map.files[slice.file_index];
    if (!result) return;
    const auto target = out.subspan(slice.range_offset_bytes, slice.length_bytes);
    if (file.is_padding) {
      std::fill(target.begin(), target.end(), std::uint8_t{0});
      return;
    }
    auto handle = files_.open_for_read(slice.file_index, file_path(slice.file_index));
    if (!handle) {
      result = handle.error();
      return;
    }
    auto count = read_fully((*handle)->fd(), target, slice.file_offset_bytes);
    if (!count) {
      result = count.error();
    } else if (*count != target.size()) {
      result = file_too_short();
    }
  });
  return result;
}

Result<Sha1Digest> FileStorage::hash_piece(PieceIndex piece) {
  const std::uint64_t offset = layout().piece_offset_bytes(piece);
  const std::uint32_t size = layout().piece_size_bytes(piece);
  std::vector<std::uint8_t> chunk(std::min<std::size_t>(size, hash_chunk_size_bytes));
  protocol::Sha1Hasher hasher;
  for (std::uint32_t done = 0; done < size;) {
    const auto length =
        static_cast<std::uint32_t>(std::min<std::size_t>(size - done, chunk.size()));
    const auto part = std::span(chunk).first(length);
    if (auto result = read_range(offset + done, part); !result) return result.error();
    hasher.update(part);
    done += length;
  }
  return hasher.finish();
}

Result<bool> FileStorage::verify_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  std::optional<WriteDigest> digest = take_write_digest(piece);
  const bool whole = digest && digest->hashed_bytes == layout().piece_size_bytes(piece);
  Result<bool> verified =
      whole ? Result<bool>(digest->hasher.finish() == layout().piece_hashes[piece])
            : Storage::verify_piece(piece);
  if (verified && *verified) start_writeback(piece);
  return verified;
}

void FileStorage::discard_piece(PieceIndex piece) {
  take_write_digest(piece);
  Storage::discard_piece(piece);
}

void FileStorage::start_writeback(PieceIndex piece) {
  const StorageLayout& map = layout();
  for_each_slice(
      map, map.piece_offset_bytes(piece), map.piece_size_bytes(piece), [&](const FileSlice& slice) {
        if (map.files[slice.file_index].is_padding) return;
        auto handle = files_.open_for_read(slice.file_index, file_path(slice.file_index));
        if (!handle) return;
        ::sync_file_range((*handle)->fd(), static_cast<off_t>(slice.file_offset_bytes),
                          static_cast<off_t>(slice.length_bytes), SYNC_FILE_RANGE_WRITE);
      });
}

bool FileStorage::piece_files_present(PieceIndex piece) const {
  const StorageLayout& map = layout();
  bool present = true;
  for_each_slice(map, map.piece_offset_bytes(piece), map.piece_size_bytes(piece),
                 [&](const FileSlice& slice) {
                   if (!present || map.files[slice.file_index].is_padding) return;
                   std::error_code error;
                   const auto size = std::filesystem::file_size(file_path(slice.file_index), error);
                   present = !error && size >= slice.file_offset_bytes + slice.length_bytes;
                 });
  return present;
}

Result<bool> FileStorage::check_piece(PieceIndex piece) {
  assert(piece < layout().piece_count());
  if (!piece_files_present(piece)) return false;
  return verify_piece(piece);
}

Result<void> FileStorage::flush() {
  if (auto settled = settle_file_sizes(written_.load(std::memory_order_relaxed)); !settled)
    return settled;
  return files_.sync_all();
}

Result<void> FileStorage::settle_file_sizes(bool downloaded) {
  const StorageLayout& map = layout();
  for (std::size_t index = 0; index < map.files.size(); ++index) {
    const FileEntry& file = map.files[index];
    if (file.is_padding) continue;
    const std::filesystem::path path = file_path(index);
    std::error_code error;
    if (file.length_bytes != 0) {
      // A seed's files stay as they were found.
      if (!downloaded) continue;
      const std::uintmax_t size = std::filesystem::file_size(path, error);
      if (!error && size > file.length_bytes)
        std::filesystem::resize_file(path, file.length_bytes, error);
      if (error && error != std::errc::no_such_file_or_directory) return to_error_code(error);
      continue;
    }
    if (std::filesystem::exists(path, error)) continue;
    std::filesystem::create_directories(path.parent_path(), error);
    const int fd = error ? -1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::close(fd);
      continue;
    }
    // A seed of a folder it may not write to misses nothing but an empty file.
    if (downloaded) return error ? to_error_code(error) : last_system_error();
  }
  return {};
}

}  // namespace swarmlab::peer::storage
