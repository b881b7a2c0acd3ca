// A SHA-1 digest over the rows a run writes, in the order it writes them (run ids and wall-clock
// times excluded). Two runs of the same scenario, seed and binary must end with the same digest
// (`runs.rows_hash`); comparing digests checks the recorded rows for determinism without reading
// them back. Values are framed (a type tag, then a fixed-size integer or a length-prefixed text) so
// that different rows can never encode to the same bytes.
#pragma once

#include "protocol/sha1.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace swarmlab::record {

class RowDigest {
 public:
  // Bytes gathered before they are handed to SHA-1: one call per buffer, not per value.
  static constexpr std::size_t buffer_size_bytes = 64 * 1024;

  RowDigest();

  void add(std::int64_t value);
  void add(std::string_view text);
  void add_null();
  template <class T>
  void add(const std::optional<T>& value) {
    if (value) {
      add(static_cast<std::int64_t>(*value));
    } else {
      add_null();
    }
  }
  // Marks the end of a row of table `table` (a small tag per table).
  void end_row(std::uint8_t table);

  // The digest of everything added since the last finish(), in hex; starts over.
  std::string finish();

 private:
  void put_byte(std::uint8_t byte);
  void put_bytes(const std::uint8_t* bytes, std::size_t size);
  void put_integer(std::uint8_t tag, std::uint64_t value);
  void drain();

  protocol::Sha1Hasher hasher_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace swarmlab::record
