// `swarmlab report RUN.sqlite [MORE.sqlite ...] -o DIR [--label LABEL]... [--title TEXT]`: writes
// the standard figures of recorded runs and an index.html showing them, by running
// analysis/report.py with Debian's Python (which has pandas and matplotlib). The script's output,
// messages and exit status pass through unchanged.
//
// The analysis folder is looked up in this order: $SWARMLAB_ANALYSIS_DIR; next to the executable
// (build/swarmlab -> analysis/, or an installed share/swarmlab/analysis); the source tree this
// binary was built from. $SWARMLAB_PYTHON replaces /usr/bin/python3.
#include "apps/commands.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace swarmlab::apps {

namespace {

namespace fs = std::filesystem;

constexpr const char* default_python = "/usr/bin/python3";
constexpr const char* script_name = "report.py";

struct ReportOptions {
  std::vector<std::string> databases;
  std::string output;
  std::vector<std::string> labels;
  std::optional<std::string> title;
};

bool has_script(const fs::path& folder) {
  std::error_code error;
  return fs::is_regular_file(folder / script_name, error);
}

// The analysis folder, or nullopt with a message printed.
std::optional<fs::path> find_analysis_folder() {
  if (const char* configured = std::getenv("SWARMLAB_ANALYSIS_DIR"); configured != nullptr) {
    if (has_script(configured)) return fs::path(configured);
    fmt::print(stderr, "swarmlab report: SWARMLAB_ANALYSIS_DIR={} holds no {}\n", configured,
               script_name);
    return std::nullopt;
  }
  std::vector<fs::path> candidates;
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path folder = executable.parent_path();
    candidates = {folder.parent_path() / "analysis", folder / "analysis",
                  folder.parent_path() / "share" / "swarmlab" / "analysis"};
  }
  candidates.push_back(fs::path(SWARMLAB_SOURCE_DIR) / "analysis");
  for (const fs::path& candidate : candidates) {
    if (has_script(candidate)) return candidate.lexically_normal();
  }
  fmt::print(stderr,
             "swarmlab report: cannot find the analysis folder ({} next to the executable or in "
             "{}); set SWARMLAB_ANALYSIS_DIR\n",
             script_name, SWARMLAB_SOURCE_DIR);
  return std::nullopt;
}

std::vector<std::string> script_arguments(const std::string& python, const fs::path& folder,
                                          const ReportOptions& options) {
  std::vector<std::string> arguments{python, (folder / script_name).string()};
  arguments.insert(arguments.end(), options.databases.begin(), options.databases.end());
  arguments.insert(arguments.end(), {"-o", options.output});
  for (const std::string& label : options.labels) {
    arguments.insert(arguments.end(), {"--label", label});
  }
  if (options.title) arguments.insert(arguments.end(), {"--title", *options.title});
  return arguments;
}

// Runs `arguments` (no shell) and returns its exit status as a shell would report it.
int run_and_wait(const std::vector<std::string>& arguments) {
  assert(!arguments.empty());
  std::vector<char*> argv;
  for (const std::string& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawn_error = posix_spawn(&child, argv[0], nullptr, nullptr, argv.data(), environ);
  if (spawn_error != 0) {
    fmt::print(stderr,
               "swarmlab report: cannot run {}: {} (scripts/setup installs python3 with pandas "
               "and matplotlib)\n",
               arguments.front(), std::strerror(spawn_error));
    return 1;
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      fmt::print(stderr, "swarmlab report: waiting for {}: {}\n", arguments.front(),
                 std::strerror(errno));
      return 1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  assert(WIFSIGNALED(status));
  fmt::print(stderr, "swarmlab report: {} was killed by signal {}\n", arguments.front(),
             WTERMSIG(status));
  return 128 + WTERMSIG(status);
}

int run_report(const ReportOptions& options) {
  const std::optional<fs::path> folder = find_analysis_folder();
  if (!folder) return 1;
  const char* configured_python = std::getenv("SWARMLAB_PYTHON");
  const std::string python = configured_python != nullptr ? configured_python : default_python;
  return run_and_wait(script_arguments(python, *folder, options));
}

}  // namespace

void register_report(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App& command =
      commands.add(app, "report", "Write figures and an HTML page (index.html) from recorded runs",
                   [options] { return run_report(*options); });
  command.add_option("databases", options->databases, "Results databases (RUN.sqlite ...)")
      ->required();
  command.add_option("-o,--output", options->output, "Directory for the figures and index.html")
      ->required();
  command
      .add_option("--label", options->labels,
                  "Legend label of each database's runs, one per database in order")
      ->allow_extra_args(false);
  command.add_option("--title", options->title, "Title of the HTML page");
}

}  // namespace swarmlab::apps
