// Reading a text file a scenario names (the scenario itself, an arrival file) with a bound on its
// size. Part of scenarios/.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace swarmlab::scenarios {

struct TextFile {
  std::string text{};
  // Empty when the whole file was read; otherwise why not ("cannot open the file", "larger than
  // N bytes").
  std::string error{};
};

// Reads at most `size_max` bytes and fails beyond: a file named by mistake (a large binary, a
// device or a pipe that never ends) is refused after that many bytes rather than read without end.
TextFile read_text_file(const std::filesystem::path& path, std::size_t size_max);

}  // namespace swarmlab::scenarios
