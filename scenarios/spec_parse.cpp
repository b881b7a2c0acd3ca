#include "scenarios/spec_parse.hpp"

#include "net/file_io.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/spec_decode.hpp"
#include "scenarios/table_reader.hpp"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <sstream>

namespace swarmlab::scenarios {

std::string format(const Diagnostic& diagnostic) {
  if (diagnostic.line == 0) return fmt::format("{}: {}", diagnostic.source, diagnostic.message);
  return fmt::format("{}:{}:{}: {}", diagnostic.source, diagnostic.line, diagnostic.column,
                     diagnostic.message);
}

LoadResult parse_scenario(std::string_view text, const std::string& source,
                          const std::filesystem::path& folder,
                          std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  if (text.size() > limits::scenario_text_size_max) {
    diagnostics.add(source, fmt::format("larger than {} bytes", limits::scenario_text_size_max));
    return diagnostics.take();
  }
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    diagnostics.add(error.source(), std::string(error.description()));
    return diagnostics.take();
  }
  if (overrides.size() > limits::override_count_max) {
    diagnostics.add("--set", fmt::format("more than {} overrides", limits::override_count_max));
    return diagnostics.take();
  }
  for (const std::string& override_text : overrides)
    apply_override(root, override_text, diagnostics);
  if (!diagnostics.empty()) return diagnostics.take();

  LoadedScenario loaded;
  decode_scenario(root, folder, loaded.spec, diagnostics);
  if (!diagnostics.empty()) return diagnostics.take();
  loaded.text = std::string(text);
  std::ostringstream json;
  json << toml::json_formatter{root};
  loaded.parameters_json = json.str();
  return loaded;
}

LoadResult load_scenario(const std::filesystem::path& path,
                         std::span<const std::string> overrides) {
  const auto text = net::read_file(path, limits::scenario_text_size_max);
  if (!text) {
    return std::vector<Diagnostic>{
        {.source = path.string(),
         .message = describe_read_error(text.error(), limits::scenario_text_size_max)}};
  }
  LoadResult result = parse_scenario(*text, path.string(), path.parent_path(), overrides);
  if (auto* loaded = std::get_if<LoadedScenario>(&result); loaded && loaded->spec.name.empty()) {
    loaded->spec.name = path.stem().string();
  }
  return result;
}

}  // namespace swarmlab::scenarios
