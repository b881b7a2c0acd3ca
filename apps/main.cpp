// swarmlab: the command-line entry point. Each subcommand lives in its own file (apps/<name>.cpp).
#include "apps/commands.hpp"
#include "sim/huge_page_heap.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace {

// One line for a mistake on the command line, naming the command it was given to, instead of
// CLI11's two lines (and its "A subcommand is required" for a misspelt command).
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  const std::string_view first = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  std::string commands;
  bool known = false;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!commands.empty()) commands += ", ";
    commands += command->get_name();
    known = known || command->get_name() == first;
  }
  if (!known && !first.empty() && !first.starts_with("-")) {
    fmt::print(stderr, "swarmlab: '{}' is not a command; the commands are {}\n", first, commands);
  } else if (!known) {
    fmt::print(stderr, "swarmlab: {}; the commands are {} (see swarmlab --help)\n", error.what(),
               commands);
  } else {
    fmt::print(stderr, "swarmlab {}: {} (see swarmlab {} --help)\n", first, error.what(), first);
  }
  return error.get_exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  // Simulations run markedly faster on a heap of huge pages (see the header); `run` is the only
  // command that simulates, and the subcommand always comes first.
  if (argc > 1 && std::string_view(argv[1]) == "run")
    swarmlab::sim::reexec_with_huge_page_heap(argv);
  CLI::App app{"swarmlab: a BitTorrent laboratory (real swarms and deterministic simulated ones)",
               "swarmlab"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", std::string(swarmlab::apps::program_version));
  swarmlab::apps::CommandSet commands;
  swarmlab::apps::register_version(app, commands);
  swarmlab::apps::register_create(app, commands);
  swarmlab::apps::register_info(app, commands);
  swarmlab::apps::register_report(app, commands);
  swarmlab::apps::register_tracker(app, commands);
  swarmlab::apps::register_download(app, commands);
  swarmlab::apps::register_seed(app, commands);
  swarmlab::apps::register_run(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are not mistakes: CLI11 prints them.
    if (error.get_exit_code() == 0) return app.exit(error);
    return report_parse_error(app, error, argc, argv);
  }
  try {
    return commands.run_selected();
  } catch (const std::exception& error) {
    fmt::print(stderr, "swarmlab {}: {}\n", argv[1], error.what());
    return 1;
  }
}
