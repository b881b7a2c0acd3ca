// One registration function per subcommand file.
#pragma once

#include "apps/command_set.hpp"

#include <string_view>

namespace swarmlab::apps {

// What `swarmlab version` and `swarmlab --version` print, and the creator a .torrent names.
inline constexpr std::string_view program_version = "swarmlab 0.1.0";

void register_version(CLI::App& app, CommandSet& commands);
void register_create(CLI::App& app, CommandSet& commands);
void register_info(CLI::App& app, CommandSet& commands);
void register_report(CLI::App& app, CommandSet& commands);
void register_tracker(CLI::App& app, CommandSet& commands);
void register_download(CLI::App& app, CommandSet& commands);
void register_seed(CLI::App& app, CommandSet& commands);
void register_run(CLI::App& app, CommandSet& commands);

}  // namespace swarmlab::apps
