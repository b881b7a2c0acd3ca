#include "scenarios/table_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace swarmlab::scenarios {

void Diagnostics::add(const toml::source_region& region, std::string message) {
  Diagnostic diagnostic;
  diagnostic.source = region.path ? *region.path : std::string("<scenario>");
  // A node made by an override has no place in the file.
  if (region.path) {
    diagnostic.line = region.begin.line;
    diagnostic.column = region.begin.column;
  }
  diagnostic.message = std::move(message);
  list_.push_back(std::move(diagnostic));
}

void Diagnostics::add(const toml::node& node, std::string message) {
  const auto found = override_sources_.find(&node);
  if (found != override_sources_.end()) {
    add(found->second, std::move(message));
  } else {
    add(node.source(), std::move(message));
  }
}

std::vector<Diagnostic> Diagnostics::take() {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.source != b.source) return a.line != 0 && b.line == 0;
    return a.line < b.line || (a.line == b.line && a.column < b.column);
  });
  return std::move(list_);
}

void Diagnostics::add(std::string source, std::string message) {
  list_.push_back(
      {.source = std::move(source), .line = 0, .column = 0, .message = std::move(message)});
}

TableReader::~TableReader() {
  for (const auto& [key, node] : in_file_order(table_)) {
    if (read_.contains(key->str())) continue;
    diagnostics_.add(key->source(), "unknown key '" + name(key->str()) + "'");
  }
}

std::string TableReader::name(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const toml::node* TableReader::get(std::string_view key) {
  read_.emplace(key);
  return table_.get(key);
}

void TableReader::error(const toml::node& node, std::string message) {
  diagnostics_.add(node, std::move(message));
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max) {
  assert(min <= max);
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    error(*node, name(key) + " must be an integer");
    return std::nullopt;
  }
  if (value->get() < min || value->get() > max) {
    error(*node,
          name(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value->get();
}

std::optional<double> TableReader::number(std::string_view key, double min, double max) {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto value = node->value<double>();
  if (!node->is_number() || !value) {
    error(*node, name(key) + " must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(*value) || *value < min || *value > max) {
    error(*node, fmt::format("{} must be between {} and {}", name(key), min, max));
    return std::nullopt;
  }
  return *value;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_boolean()) {
    error(*node, name(key) + " must be true or false");
    return std::nullopt;
  }
  return node->as_boolean()->get();
}

std::optional<std::string> TableReader::string(std::string_view key) {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_string()) {
    error(*node, name(key) + " must be a string");
    return std::nullopt;
  }
  return node->as_string()->get();
}

std::optional<net::Duration> TableReader::seconds(std::string_view key, bool positive) {
  const auto value = number(key, 0, static_cast<double>(limits::duration_seconds_max));
  if (!value) return std::nullopt;
  if (positive && *value <= 0) {
    error(*table_.get(key), name(key) + " must be more than 0");
    return std::nullopt;
  }
  return net::Duration(static_cast<std::int64_t>(std::llround(*value * 1e9)));
}

std::optional<net::Duration> TableReader::milliseconds(std::string_view key) {
  const auto value = number(key, 0, 3'600'000);
  if (!value) return std::nullopt;
  return net::Duration(static_cast<std::int64_t>(std::llround(*value * 1e6)));
}

std::optional<std::uint64_t> TableReader::size_bytes(std::string_view key, std::uint64_t min,
                                                     std::uint64_t max) {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  std::optional<std::uint64_t> value;
  if (const auto* integer = node->as_integer(); integer != nullptr && integer->get() >= 0) {
    value = static_cast<std::uint64_t>(integer->get());
  } else if (const auto* text = node->as_string(); text != nullptr) {
    value = parse_size_text(text->get());
  }
  if (!value) {
    error(*node, name(key) + " must be a number of bytes or a size such as \"256 KiB\"");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    error(*node, name(key) + " must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + " bytes");
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> TableReader::kbps(std::string_view key) {
  constexpr double kbps_max = 100'000'000;  // 100 Gbit/s
  const auto value = number(key, 0, kbps_max);
  if (!value) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*value * 125));
}

const toml::table* TableReader::subtable(std::string_view key) {
  const toml::node* node = get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    error(*node, name(key) + " must be a table");
    return nullptr;
  }
  return node->as_table();
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* node = get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_array()) {
    error(*node, name(key) + " must be an array");
    return nullptr;
  }
  return node->as_array();
}

std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(
    const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : table)
    entries.emplace_back(&key, &node);
  // Keys added by overrides have no place; they sort first, then by name (unique in a table).
  std::sort(entries.begin(), entries.end(), [](const auto& left, const auto& right) {
    const auto& a = left.first->source().begin;
    const auto& b = right.first->source().begin;
    if (a.line != b.line) return a.line < b.line;
    if (a.column != b.column) return a.column < b.column;
    return left.first->str() < right.first->str();
  });
  return entries;
}

std::optional<std::uint64_t> parse_size_text(std::string_view text) {
  struct Unit {
    std::string_view name;
    std::uint64_t factor;
  };
  static constexpr Unit units[] = {
      {"B", 1},     {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30},
      {"kB", 1000}, {"MB", 1000'000},    {"GB", 1000'000'000}};
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end == text.data()) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  if (rest.empty()) return number;
  for (const Unit& unit : units) {
    if (rest != unit.name) continue;
    if (number > ~std::uint64_t{0} / unit.factor) return std::nullopt;
    return number * unit.factor;
  }
  return std::nullopt;
}

}  // namespace swarmlab::scenarios
