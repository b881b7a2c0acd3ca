// The subcommands of the swarmlab program. Each subcommand file (apps/<name>.cpp) provides one
// `register_<name>(CLI::App&, CommandSet&)` that adds its CLI11 subcommand and the action to run
// when the user selects it; main() parses the command line and runs the selected action.
#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace swarmlab::apps {

// What a selected subcommand runs; returns the process exit code.
using Action = std::function<int()>;

class CommandSet {
 public:
  // Adds subcommand `name` to `parent`; returns it so the caller can add options.
  CLI::App& add(CLI::App& parent, const char* name, const char* description, Action action);
  // Runs the action of the one subcommand the user selected.
  int run_selected() const;

 private:
  struct Command {
    CLI::App* app;
    Action action;
  };
  std::vector<Command> commands_;
};

}  // namespace swarmlab::apps
