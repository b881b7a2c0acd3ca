// swarmlab: the command-line entry point. Each subcommand lives in its own file (apps/<name>.cpp).
#include "apps/commands.hpp"
#include "sim/huge_page_heap.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <string_view>

int main(int argc, char** argv) {
  // Simulations run markedly faster on a heap of huge pages (see the header); `run` is the only
  // command that simulates, and the subcommand always comes first.
  if (argc > 1 && std::string_view(argv[1]) == "run")
    swarmlab::sim::reexec_with_huge_page_heap(argv);
  CLI::App app{"swarmlab: a BitTorrent laboratory (real swarms and deterministic simulated ones)",
               "swarmlab"};
  app.require_subcommand(1);
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
    return app.exit(error);
  }
  try {
    return commands.run_selected();
  } catch (const std::exception& error) {
    fmt::print(stderr, "swarmlab: {}\n", error.what());
    return 1;
  }
}
