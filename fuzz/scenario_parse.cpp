// libFuzzer target: scenario files. Any text parses to a checked scenario or to at least one
// diagnostic, never to a crash, a hang or an unbounded allocation. Arrival files are looked up in
// a folder that does not exist.
#include "scenarios/spec_parse.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace scenarios = swarmlab::scenarios;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const scenarios::LoadResult result =
      scenarios::parse_scenario(text, "fuzz.toml", "/nonexistent/swarmlab-fuzz", {});
  if (const auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&result)) {
    assert(!errors->empty());
  }
  return 0;
}
