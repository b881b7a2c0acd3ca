// `swarmlab run SCENARIO.toml [--seed N] [--db FILE.sqlite] [--set KEY.PATH=VALUE]...
//  [--backend sim|real] [--check-determinism]`: runs a scenario (scenarios/engine.hpp), shows
// progress on standard error (a live line on a terminal, plain lines otherwise), prints a summary
// and, as the last line, `trace-hash: <hex>`. Exits 1 on bad input (every mistake listed with its
// file, line and column), 3 on an invariant violation, 4 when --check-determinism finds two runs
// that differ; 0 otherwise (a time limit reached is not an error).
#include "apps/commands.hpp"
#include "scenarios/engine.hpp"
#include "scenarios/spec_parse.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace swarmlab::apps {

namespace {

namespace fs = std::filesystem;
using scenarios::LoadedScenario;
using scenarios::RunResult;

constexpr int exit_bad_input = 1;
constexpr int exit_violation = 3;
constexpr int exit_not_deterministic = 4;
// Plain progress lines (not a terminal) at most this often, in wall time.
constexpr std::chrono::seconds plain_progress_period{10};

struct RunCommandOptions {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> database;
  std::vector<std::string> overrides;
  std::string backend = "sim";
  bool check_determinism = false;
  bool quiet = false;
};

// Wall time, for progress display only: it never reaches the simulation.
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class ProgressLine {
 public:
  explicit ProgressLine(bool quiet) : quiet_(quiet), live_(isatty(STDERR_FILENO) != 0) {}
  ~ProgressLine() { end(); }

  void show(const scenarios::Progress& progress) {
    if (quiet_) return;
    const double wall = stopwatch_.seconds();
    if (!live_ && wall < next_plain_) return;
    next_plain_ = wall + static_cast<double>(plain_progress_period.count());
    const double share = progress.leechers_total == 0
                             ? 100.0
                             : 100.0 * static_cast<double>(progress.leechers_completed) /
                                   static_cast<double>(progress.leechers_total);
    const double rate = wall > 0 ? static_cast<double>(progress.events) / wall : 0;
    const double now = std::chrono::duration<double>(progress.now.time_since_epoch()).count();
    fmt::print(stderr, "{}sim {:8.1f} s  arrived {}/{}  complete {:5.1f}%  {:.2g} events/s{}",
               live_ ? "\r" : "", now, progress.peers_arrived, progress.peers_total, share, rate,
               live_ ? "   " : "\n");
    shown_ = true;
  }
  void end() {
    if (live_ && shown_) fmt::print(stderr, "\n");
    shown_ = false;
  }

 private:
  bool quiet_;
  bool live_;
  bool shown_ = false;
  double next_plain_ = 0;
  Stopwatch stopwatch_;
};

double percentile(std::vector<double> values, double share) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(share * static_cast<double>(values.size() - 1));
  return values[index];
}

void print_summary(const LoadedScenario& scenario, const RunResult& result, double wall_seconds) {
  const auto& times = result.download_times_seconds;
  double mean = 0;
  for (double time : times)
    mean += time / static_cast<double>(times.size());
  fmt::print("scenario: {} (seed {}, payload {})\n", scenario.spec.name, scenario.spec.seed,
             scenarios::to_string(scenario.spec.payload));
  fmt::print("outcome: {} ({})\n", record::to_string(result.outcome), result.detail);
  fmt::print("simulated time: {:.1f} s; wall time: {:.1f} s; events: {}\n",
             std::chrono::duration<double>(result.end_time.time_since_epoch()).count(),
             wall_seconds, result.events);
  fmt::print("peers: {}; leechers completed: {} of {}\n", result.peers_total,
             result.leechers_completed, result.leechers_total);
  if (!times.empty()) {
    fmt::print(
        "download time: mean {:.1f} s, median {:.1f} s, 90th percentile {:.1f} s, max "
        "{:.1f} s\n",
        mean, percentile(times, 0.5), percentile(times, 0.9), percentile(times, 1.0));
  }
  fmt::print("payload: {:.1f} MiB uploaded, {:.1f} MiB downloaded; hash failures: {}; bans: {}\n",
             static_cast<double>(result.payload_uploaded_bytes) / (1 << 20),
             static_cast<double>(result.payload_downloaded_bytes) / (1 << 20), result.hash_failures,
             result.bans);
  if (result.run_id)
    fmt::print("recorded: run {} (rows hash {})\n", *result.run_id, result.rows_hash.value_or("?"));
}

std::optional<LoadedScenario> load(const RunCommandOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.seed) overrides.push_back(fmt::format("seed={}", *options.seed));
  scenarios::LoadResult loaded = scenarios::load_scenario(options.scenario, overrides);
  if (auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&loaded)) {
    for (const scenarios::Diagnostic& diagnostic : *errors)
      fmt::print(stderr, "{}\n", scenarios::format(diagnostic));
    fmt::print(stderr, "swarmlab run: {} mistake{} in the scenario; nothing was run\n",
               errors->size(), errors->size() == 1 ? "" : "s");
    return std::nullopt;
  }
  return std::move(std::get<LoadedScenario>(loaded));
}

RunResult run_once(const LoadedScenario& scenario, std::optional<std::string> database,
                   bool quiet) {
  ProgressLine line(quiet);
  scenarios::RunOptions options{
      .database_path = std::move(database),
      .progress = [&line](const scenarios::Progress& progress) { line.show(progress); }};
  RunResult result = scenarios::run_scenario(scenario, options);
  line.end();
  return result;
}

// A scratch database for a determinism check run without --db.
std::string scratch_database(int attempt) {
  return (fs::temp_directory_path() /
          fmt::format("swarmlab-determinism-{}-{}.sqlite", getpid(), attempt))
      .string();
}

int check_determinism(const LoadedScenario& scenario, const RunCommandOptions& options,
                      const RunResult& first) {
  fmt::print("determinism: running the scenario a second time\n");
  const bool scratch = !options.database;
  const std::string second_path = scratch ? scratch_database(2) : *options.database;
  const RunResult second = run_once(scenario, second_path, options.quiet);
  if (scratch) fs::remove(second_path);
  const bool same_trace = first.trace_hash == second.trace_hash;
  const bool same_rows = first.rows_hash && first.rows_hash == second.rows_hash;
  fmt::print("determinism: trace hashes {} ({} / {}), rows {} ({} / {})\n",
             same_trace ? "equal" : "DIFFER", first.trace_hash_hex, second.trace_hash_hex,
             same_rows ? "equal" : "DIFFER", first.rows_hash.value_or("?"),
             second.rows_hash.value_or("?"));
  return same_trace && same_rows ? 0 : exit_not_deterministic;
}

int run_command(const RunCommandOptions& options) {
  if (options.backend != "sim") {
    fmt::print(stderr, "swarmlab run: --backend {} is not available yet; use --backend sim\n",
               options.backend);
    return exit_bad_input;
  }
  const std::optional<LoadedScenario> scenario = load(options);
  if (!scenario) return exit_bad_input;
  fmt::print("running {} with seed {}\n", scenario->spec.name, scenario->spec.seed);
  std::fflush(stdout);
  const bool scratch = options.check_determinism && !options.database;
  const std::optional<std::string> database =
      scratch ? std::optional<std::string>(scratch_database(1)) : options.database;
  const Stopwatch stopwatch;
  const RunResult result = run_once(*scenario, database, options.quiet);
  if (scratch) fs::remove(*database);
  print_summary(*scenario, result, stopwatch.seconds());
  int status = 0;
  if (result.outcome == record::Outcome::failed) {
    fmt::print(stderr, "swarmlab run: invariant violated: {}\n", result.detail);
    fmt::print(stderr, "swarmlab run: reproduce with: swarmlab run {} --seed {}\n",
               options.scenario, scenario->spec.seed);
    status = exit_violation;
  } else if (options.check_determinism) {
    status = check_determinism(*scenario, options, result);
  }
  fmt::print("trace-hash: {}\n", result.trace_hash_hex);
  return status;
}

}  // namespace

void register_run(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App& command = commands.add(app, "run", "Run a scenario (simulated swarm) and record it",
                                   [options] { return run_command(*options); });
  command.add_option("scenario", options->scenario, "Scenario file (TOML)")->required();
  command.add_option("--seed", options->seed, "Run seed (overrides the scenario's)");
  command.add_option("--db", options->database, "Record the run into this SQLite file");
  command.add_option("--set", options->overrides, "Override a scenario key: KEY.PATH=VALUE")
      ->allow_extra_args(false);
  command.add_option("--backend", options->backend, "sim (deterministic) or real (loopback)")
      ->check(CLI::IsMember({"sim", "real"}));
  command.add_flag("--check-determinism", options->check_determinism,
                   "Run twice; compare trace hashes and recorded rows");
  command.add_flag("-q,--quiet", options->quiet, "No progress line");
}

}  // namespace swarmlab::apps
