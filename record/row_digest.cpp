#include "record/row_digest.hpp"

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

void RowDigest::add(std::int64_t value) {
  put_byte(tag_integer);
  const auto bits = static_cast<std::uint64_t>(value);
  for (int shift = 0; shift < 64; shift += 8) {
    put_byte(static_cast<std::uint8_t>(bits >> shift));
  }
}

void RowDigest::add(std::string_view text) {
  put_byte(tag_text);
  const auto size = static_cast<std::uint64_t>(text.size());
  for (int shift = 0; shift < 64; shift += 8) {
    put_byte(static_cast<std::uint8_t>(size >> shift));
  }
  for (const char character : text) {
    put_byte(static_cast<std::uint8_t>(character));
  }
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
