#include "scenarios/overrides.hpp"

#include <cassert>
#include <charconv>
#include <memory>
#include <string_view>
#include <vector>

namespace swarmlab::scenarios {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  while (segments.size() <= override_path_depth_max) {
    const std::size_t dot = path.find('.');
    segments.emplace_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return segments;
}

std::optional<std::size_t> array_index(std::string_view segment) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (error != std::errc{} || end != segment.data() + segment.size()) return std::nullopt;
  return index;
}

// The value as TOML ("30", "true", "\"x\"", "[1, 2]"), or as a bare string when it is not TOML.
toml::table parse_value(std::string_view value, const std::string& source) {
  try {
    toml::table parsed = toml::parse("value = " + std::string(value), source);
    // Text after the value (`1 2`) fails to parse; a second key cannot sneak in by a newline.
    if (parsed.size() == 1) return parsed;
  } catch (const toml::parse_error&) {
  }
  toml::table fallback;
  fallback.insert("value", std::string(value));
  return fallback;
}

// A key whose diagnostics name the override (`--set a.b`) rather than the scenario file.
toml::key override_key(std::string_view name, const std::string& source) {
  toml::source_region region;
  region.begin = {0, 0};
  region.end = {0, 0};
  region.path = std::make_shared<const std::string>(source);
  return toml::key(name, std::move(region));
}

// Walks (creating tables, their keys named after the override) to the table or array element
// that holds the last segment.
toml::node* walk(toml::table& root, std::span<const std::string> segments, std::string_view leaf,
                 const std::string& source, std::string& problem) {
  toml::node* current = &root;
  for (std::size_t position = 0; position < segments.size(); ++position) {
    const std::string& segment = segments[position];
    const std::string_view next =
        position + 1 < segments.size() ? std::string_view(segments[position + 1]) : leaf;
    if (auto* table = current->as_table(); table != nullptr) {
      if (!table->contains(segment) && array_index(next)) {
        problem = "there is no array '" + segment + "' to index";
        return nullptr;
      }
      if (!table->contains(segment)) table->insert(override_key(segment, source), toml::table{});
      current = table->get(segment);
    } else if (auto* array = current->as_array(); array != nullptr) {
      const auto index = array_index(segment);
      if (!index || *index >= array->size()) {
        problem = "no element '" + segment + "' in that array";
        return nullptr;
      }
      current = array->get(*index);
    } else {
      problem = "'" + segment + "' is inside a value that is not a table";
      return nullptr;
    }
    assert(current != nullptr);
  }
  return current;
}

}  // namespace

void apply_override(toml::table& root, const std::string& override_text, Diagnostics& diagnostics) {
  const std::size_t equals = override_text.find('=');
  const std::string source = "--set " + override_text.substr(0, equals);
  if (equals == std::string::npos || equals == 0) {
    diagnostics.add(source, "an override is KEY.PATH=VALUE");
    return;
  }
  const std::vector<std::string> segments = split_path(override_text.substr(0, equals));
  if (segments.size() > override_path_depth_max) {
    diagnostics.add(source, "the key path is too deep");
    return;
  }
  for (const std::string& segment : segments) {
    if (segment.empty()) {
      diagnostics.add(source, "the key path has an empty part");
      return;
    }
  }
  std::string problem;
  toml::node* parent =
      walk(root, std::span(segments).first(segments.size() - 1), segments.back(), source, problem);
  if (parent == nullptr) {
    diagnostics.add(source, problem);
    return;
  }
  toml::table parsed = parse_value(std::string_view(override_text).substr(equals + 1), source);
  toml::node* value = parsed.get("value");
  assert(value != nullptr);
  const std::string& leaf = segments.back();
  if (auto* table = parent->as_table(); table != nullptr) {
    value->visit(
        [&](auto& node) { table->insert_or_assign(override_key(leaf, source), std::move(node)); });
    diagnostics.note_override(*table->get(leaf), source);
  } else if (auto* array = parent->as_array(); array != nullptr) {
    const auto index = array_index(leaf);
    if (!index || *index >= array->size()) {
      diagnostics.add(source, "no element '" + leaf + "' in that array");
      return;
    }
    const auto position = array->cbegin() + static_cast<std::ptrdiff_t>(*index);
    value->visit([&](auto& node) { array->replace(position, std::move(node)); });
    diagnostics.note_override(*array->get(*index), source);
  } else {
    diagnostics.add(source, "'" + leaf + "' is inside a value that is not a table");
  }
}

}  // namespace swarmlab::scenarios
