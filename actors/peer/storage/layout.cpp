#include "actors/peer/storage/layout.hpp"

#include "actors/peer/storage/limits.hpp"

#include <fmt/format.h>

namespace swarmlab::peer::storage {

std::uint32_t StorageLayout::piece_count() const {
  assert(piece_length_bytes > 0);
  const std::uint64_t count = (total_size_bytes + piece_length_bytes - 1) / piece_length_bytes;
  assert(count <= piece_count_max);
  return static_cast<std::uint32_t>(count);
}

std::uint64_t StorageLayout::piece_offset_bytes(PieceIndex piece) const {
  assert(piece < piece_count());
  return std::uint64_t{piece} * piece_length_bytes;
}

std::uint32_t StorageLayout::piece_size_bytes(PieceIndex piece) const {
  const std::uint64_t offset = piece_offset_bytes(piece);
  assert(offset < total_size_bytes);
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(piece_length_bytes, total_size_bytes - offset));
}

bool StorageLayout::contains(const BlockRef& block) const {
  if (block.piece >= piece_count()) return false;
  if (block.length_bytes == 0) return false;
  const std::uint32_t size = piece_size_bytes(block.piece);
  return block.offset_bytes < size && block.length_bytes <= size - block.offset_bytes;
}

std::size_t file_at(const StorageLayout& layout, std::uint64_t offset_bytes) {
  assert(offset_bytes < layout.total_size_bytes);
  assert(!layout.files.empty());
  // The last file starting at or before the offset; zero-length files at the same offset come
  // before the file that holds the byte, so this is the non-empty one.
  auto after = std::upper_bound(
      layout.files.begin(), layout.files.end(), offset_bytes,
      [](std::uint64_t offset, const FileEntry& file) { return offset < file.offset_bytes; });
  assert(after != layout.files.begin());
  const auto index = static_cast<std::size_t>(after - layout.files.begin()) - 1;
  const FileEntry& file = layout.files[index];
  assert(file.offset_bytes <= offset_bytes);
  assert(offset_bytes < file.offset_bytes + file.length_bytes);
  return index;
}

namespace {

bool is_safe_component(const std::string& component) {
  if (component.empty() || component == "." || component == "..") return false;
  return component.find('/') == std::string::npos && component.find('\0') == std::string::npos;
}

std::optional<std::string> file_problem(const StorageLayout& layout, std::size_t index,
                                        std::uint64_t expected_offset) {
  const FileEntry& file = layout.files[index];
  if (file.offset_bytes != expected_offset) {
    return fmt::format("file {} starts at byte {}, expected {}", index, file.offset_bytes,
                       expected_offset);
  }
  if (file.length_bytes > total_size_max - expected_offset) {
    return fmt::format("file {} is too long", index);
  }
  if (layout.multi_file && file.path.empty()) return fmt::format("file {} has no path", index);
  if (!layout.multi_file && !file.path.empty()) return "a single file has a path";
  for (const std::string& component : file.path) {
    if (!is_safe_component(component)) return fmt::format("file {} has an unsafe path", index);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> layout_problem(const StorageLayout& layout) {
  if (!is_safe_component(layout.name)) return "the name is not a safe file name";
  if (layout.piece_length_bytes == 0 || layout.piece_length_bytes > piece_length_max) {
    return fmt::format("piece length {} is out of range", layout.piece_length_bytes);
  }
  if (layout.total_size_bytes == 0 || layout.total_size_bytes > total_size_max) {
    return fmt::format("total size {} is out of range", layout.total_size_bytes);
  }
  if (layout.files.empty() || layout.files.size() > file_count_max) return "bad file count";
  if (!layout.multi_file && layout.files.size() != 1) return "a single-file layout with many files";
  if (!layout.multi_file && layout.files.front().is_padding) return "the single file is padding";
  std::uint64_t offset = 0;
  for (std::size_t index = 0; index < layout.files.size(); ++index) {
    if (auto problem = file_problem(layout, index, offset)) return problem;
    offset += layout.files[index].length_bytes;
  }
  if (offset != layout.total_size_bytes) {
    return fmt::format("the files add up to {} bytes, not {}", offset, layout.total_size_bytes);
  }
  if (layout.piece_hashes.size() != layout.piece_count()) {
    return fmt::format("{} piece hashes for {} pieces", layout.piece_hashes.size(),
                       layout.piece_count());
  }
  return std::nullopt;
}

namespace {

StorageLayout finish_layout(StorageLayout layout) {
  std::uint64_t offset = 0;
  for (FileEntry& file : layout.files) {
    file.offset_bytes = offset;
    offset += file.length_bytes;
  }
  layout.total_size_bytes = offset;
  layout.piece_hashes.assign(layout.piece_count(), Sha1Digest{});
  assert(!layout_problem(layout));
  return layout;
}

}  // namespace

StorageLayout make_single_file_layout(std::string name, std::uint32_t piece_length_bytes,
                                      std::uint64_t length_bytes) {
  assert(length_bytes > 0);
  StorageLayout layout;
  layout.name = std::move(name);
  layout.multi_file = false;
  layout.piece_length_bytes = piece_length_bytes;
  FileEntry file;
  file.length_bytes = length_bytes;
  layout.files.push_back(std::move(file));
  return finish_layout(std::move(layout));
}

StorageLayout make_multi_file_layout(std::string name, std::uint32_t piece_length_bytes,
                                     const std::vector<FileSpec>& files) {
  assert(!files.empty());
  StorageLayout layout;
  layout.name = std::move(name);
  layout.multi_file = true;
  layout.piece_length_bytes = piece_length_bytes;
  layout.files.reserve(files.size());
  for (const FileSpec& spec : files) {
    FileEntry file;
    file.path = spec.path;
    file.length_bytes = spec.length_bytes;
    file.is_padding = spec.is_padding;
    layout.files.push_back(std::move(file));
  }
  return finish_layout(std::move(layout));
}

}  // namespace swarmlab::peer::storage
