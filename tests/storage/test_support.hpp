// Helpers shared by the storage tests: a scratch directory owned by one test, file reading that
// does not go through the code under test, and payload-filled layouts.
#pragma once

#include "actors/peer/storage/layout.hpp"
#include "actors/peer/storage/payload.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace swarmlab::peer::storage::testing {

// A fresh directory under the system's temporary directory, removed with everything in it.
using TempDir = swarmlab::test::TempDir;

inline std::vector<std::uint8_t> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The expected content of [offset, offset + length) of a layout filled from `payload`.
inline std::vector<std::uint8_t> expected_content(const StorageLayout& layout,
                                                  const Payload& payload, std::uint64_t offset,
                                                  std::uint64_t length) {
  std::vector<std::uint8_t> bytes(length);
  fill_content(layout, payload, offset, bytes);
  return bytes;
}

// A layout whose piece hashes are those of the payload's content.
inline std::shared_ptr<const StorageLayout> with_hashes(StorageLayout layout,
                                                        const Payload& payload) {
  layout.piece_hashes = content_piece_hashes(layout, payload);
  return std::make_shared<const StorageLayout>(std::move(layout));
}

}  // namespace swarmlab::peer::storage::testing
