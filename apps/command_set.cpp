#include "apps/command_set.hpp"

#include <CLI/CLI.hpp>

#include <cassert>

namespace swarmlab::apps {

CLI::App& CommandSet::add(CLI::App& parent, const char* name, const char* description,
                          Action action) {
  CLI::App* command = parent.add_subcommand(name, description);
  assert(command != nullptr);
  commands_.push_back(Command{command, std::move(action)});
  return *command;
}

int CommandSet::run_selected() const {
  for (const Command& command : commands_) {
    if (command.app->parsed()) return command.action();
  }
  assert(false && "CLI11 requires exactly one subcommand");
  return 2;
}

}  // namespace swarmlab::apps
