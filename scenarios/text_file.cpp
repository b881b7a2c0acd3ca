#include "scenarios/text_file.hpp"

#include <fmt/core.h>

#include <array>
#include <fstream>

namespace swarmlab::scenarios {

TextFile read_text_file(const std::filesystem::path& path, std::size_t size_max) {
  TextFile result;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    result.error = "cannot open the file";
    return result;
  }
  std::array<char, 64 * 1024> buffer;
  while (file.read(buffer.data(), buffer.size()) || file.gcount() > 0) {
    result.text.append(buffer.data(), static_cast<std::size_t>(file.gcount()));
    if (result.text.size() > size_max) {
      result.text.clear();
      result.error = fmt::format("larger than {} bytes", size_max);
      return result;
    }
  }
  if (file.bad()) {
    result.text.clear();
    result.error = "cannot read the file";
  }
  return result;
}

}  // namespace swarmlab::scenarios
