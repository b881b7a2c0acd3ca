// One registration function per subcommand file.
#pragma once

#include "apps/command_set.hpp"

namespace swarmlab::apps {

void register_version(CLI::App& app, CommandSet& commands);
void register_create(CLI::App& app, CommandSet& commands);
void register_info(CLI::App& app, CommandSet& commands);
void register_report(CLI::App& app, CommandSet& commands);
void register_tracker(CLI::App& app, CommandSet& commands);
void register_download(CLI::App& app, CommandSet& commands);
void register_seed(CLI::App& app, CommandSet& commands);
void register_run(CLI::App& app, CommandSet& commands);

}  // namespace swarmlab::apps
