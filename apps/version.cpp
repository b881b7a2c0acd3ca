// `swarmlab version`: prints the program version.
#include "apps/commands.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

namespace swarmlab::apps {

void register_version(CLI::App& app, CommandSet& commands) {
  commands.add(app, "version", "Print the swarmlab version", [] {
    fmt::print("{}\n", program_version);
    return 0;
  });
}

}  // namespace swarmlab::apps
