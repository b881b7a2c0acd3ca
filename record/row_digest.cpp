#include "record/row_digest.hpp"

#include <algorithm>
#include <array>
#include <cassert>

namespace swarmlab::record {

namespace {

enum Tag : std::uint8_t { tag_null = 1, tag_integer = 2, tag_text = 3, tag_row_end = 4 };

}  // namespace

RowDigest::RowDigest() {
  buffer_.reserve(buffer_size_bytes);
}

void RowDigest::put_byte(std::uint8_t byte) {
  if (buffer_.size() == buffer_size_bytes) drain();
  buffer_.push_back(byte);
  assert(buffer_.size() <= buffer_size_bytes);
}

void RowDigest::drain() {
  hasher_.update(std::span<const std::uint8_t>(buffer_));
  buffer_.clear();
}

void RowDigest::put_bytes(const std::uint8_t* bytes, std::size_t size) {
  while (size > 0) {
    if (buffer_.size() == buffer_size_bytes) drain();
    const std::size_t part = std::min(size, buffer_size_bytes - buffer_.size());
    buffer_.insert(buffer_.end(), bytes, bytes + part);
    bytes += part;
    size -= part;
  }
  assert(buffer_.size() <= buffer_size_bytes);
}

void RowDigest::put_integer(std::uint8_t tag, std::uint64_t value) {
  // Little-endian whatever the machine, so that digests compare across machines.
  std::array<std::uint8_t, 9> bytes{};
  bytes[0] = tag;
  for (std::size_t index = 0; index < 8; ++index) {
    bytes[index + 1] = static_cast<std::uint8_t>(value >> (8 * index));
  }
  put_bytes(bytes.data(), bytes.size());
}

void RowDigest::add(std::int64_t value) {
  put_integer(tag_integer, static_cast<std::uint64_t>(value));
}

void RowDigest::add(std::string_view text) {
  put_integer(tag_text, text.size());
  put_bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void RowDigest::add_null() {
  put_byte(tag_null);
}

void RowDigest::end_row(std::uint8_t table) {
  put_byte(tag_row_end);
  put_byte(table);
}

std::string RowDigest::finish() {
  drain();
  assert(buffer_.empty());
  return protocol::to_hex(hasher_.finish());
}

}  // namespace swarmlab::record
