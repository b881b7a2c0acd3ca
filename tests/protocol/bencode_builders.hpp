// Small builders for hand-made bencode in tests: b("x") is a string, i(5) an integer, l({...}) a
// list, d({{key, value}...}) a dictionary (keys sorted here, so tests may list them in any order).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmlab::protocol::test {

inline std::string b(std::string_view text) {
  return std::to_string(text.size()) + ":" + std::string(text);
}

inline std::string i(std::int64_t value) {
  return "i" + std::to_string(value) + "e";
}

inline std::string l(const std::vector<std::string>& items) {
  std::string out = "l";
  for (const std::string& item : items)
    out += item;
  return out + "e";
}

inline std::string d(std::vector<std::pair<std::string, std::string>> entries) {
  std::sort(entries.begin(), entries.end());
  std::string out = "d";
  for (const auto& [key, value] : entries)
    out += b(key) + value;
  return out + "e";
}

// `count` distinct 20-byte piece hashes, as the "pieces" string value.
inline std::string pieces(std::size_t count) {
  std::string hashes;
  for (std::size_t n = 0; n < count; ++n) {
    std::string hash(20, static_cast<char>('A' + n % 26));
    hash[0] = static_cast<char>(n & 0xff);
    hashes += hash;
  }
  return b(hashes);
}

}  // namespace swarmlab::protocol::test
