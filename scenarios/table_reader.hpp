// TableReader: reads one TOML table of a scenario, key by key, with typed getters that report a
// wrong type or an impossible value at the value's place, and reports every key nobody asked for
// as unknown when it is done. Diagnostics collects what they report. Part of scenarios/.
#pragma once

#include "net/time.hpp"
#include "scenarios/spec_parse.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmlab::scenarios {

class Diagnostics {
 public:
  void add(const toml::source_region& region, std::string message);
  // At the node's place, or at the override it came from.
  void add(const toml::node& node, std::string message);
  void add(std::string source, std::string message);
  bool empty() const { return list_.empty(); }
  // In file order (then overrides), whatever order the checks ran in.
  std::vector<Diagnostic> take();
  // The node was set by an override (toml++ does not carry a place through a move).
  void note_override(const toml::node& node, std::string source) {
    override_sources_[&node] = std::move(source);
  }

 private:
  std::vector<Diagnostic> list_;
  // Looked up by address only, never iterated.
  std::map<const toml::node*, std::string> override_sources_;
};

// A choice among names: ("tit_for_tat", ChokerKind::tit_for_tat), ...
template <class E>
using Choices = std::span<const std::pair<std::string_view, E>>;

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, Diagnostics& diagnostics)
      : table_(table), path_(std::move(path)), diagnostics_(diagnostics) {}
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  // Reports the keys that were never read.
  ~TableReader();

  const toml::table& table() const { return table_; }
  const std::string& path() const { return path_; }
  // "path.key", for messages.
  std::string name(std::string_view key) const;
  Diagnostics& diagnostics() { return diagnostics_; }
  // The node at `key` (marked as read), or null.
  const toml::node* get(std::string_view key);
  bool has(std::string_view key) const { return table_.contains(key); }
  void error(const toml::node& node, std::string message);

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view key, double min, double max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::string> string(std::string_view key);
  // A number of seconds (integer or decimal) in [0, duration_seconds_max] (or > 0 if `positive`).
  std::optional<net::Duration> seconds(std::string_view key, bool positive = false);
  std::optional<net::Duration> milliseconds(std::string_view key);
  // A size: an integer number of bytes, or a string such as "100 MiB" (B, KiB, MiB, GiB, kB, MB,
  // GB).
  std::optional<std::uint64_t> size_bytes(std::string_view key, std::uint64_t min,
                                          std::uint64_t max);
  // kilobits per second (1 kbps = 125 bytes/s), as bytes per second; 0 means unlimited.
  std::optional<std::uint64_t> kbps(std::string_view key);
  const toml::table* subtable(std::string_view key);
  const toml::array* array(std::string_view key);

  template <class E>
  std::optional<E> choice(std::string_view key, Choices<E> choices) {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    const auto* text = node->as_string();
    if (text != nullptr) {
      for (const auto& [spelling, value] : choices) {
        if (spelling == text->get()) return value;
      }
    }
    std::string expected;
    for (const auto& [spelling, value] : choices) {
      expected += expected.empty() ? "" : ", ";
      expected += "\"" + std::string(spelling) + "\"";
    }
    error(*node, name(key) + " must be one of " + expected);
    return std::nullopt;
  }

 private:
  const toml::table& table_;
  std::string path_;
  Diagnostics& diagnostics_;
  std::set<std::string, std::less<>> read_;
};

// The entries of a table in the order they appear in the file (toml++ keeps them sorted by key).
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table);

// "100 MiB" -> 104857600; nullopt if it is not a size.
std::optional<std::uint64_t> parse_size_text(std::string_view text);

}  // namespace swarmlab::scenarios
