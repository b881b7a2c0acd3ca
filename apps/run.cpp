// `swarmlab run SCENARIO.toml [--seed N] [--db FILE.sqlite] [--set KEY.PATH=VALUE]...
//  [--backend sim|real] [--wall-limit SECONDS] [--check-determinism]`: runs a scenario
// (scenarios/engine.hpp), in the simulator or on real sockets on loopback
// (scenarios/real_backend.hpp), shows progress on standard error (a live line on a terminal, plain
// lines otherwise), prints a summary and, as the last line, `trace-hash: <hex>` (real runs:
// `trace-hash: none (...)`, they have none). Exits 1 on bad input (every mistake listed with its
// file, line and column; a scenario or flag the real backend cannot run), 3 on an invariant
// violation, 4 when --check-determinism finds two runs that differ, 128 + the signal's number when
// SIGINT or SIGTERM stopped the run (it is recorded as 'interrupted'); 0 otherwise (a time limit
// reached is not an error).
#include "apps/commands.hpp"
#include "apps/stop_signals.hpp"
#include "scenarios/engine.hpp"
#include "scenarios/real_backend.hpp"
#include "scenarios/spec_parse.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
// A real run's wall-clock bound unless --wall-limit says otherwise, and the largest one accepted.
constexpr double wall_limit_default_seconds = 600;
constexpr double wall_limit_max_seconds = 7 * 24 * 3600;

struct RunCommandOptions {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> database;
  std::vector<std::string> overrides;
  std::string backend = "sim";
  std::optional<double> wall_limit_seconds;
  bool check_determinism = false;
  bool quiet = false;
  std::string detail = "pieces";
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
  ProgressLine(bool quiet, std::string_view clock)
      : quiet_(quiet), live_(isatty(STDERR_FILENO) != 0), clock_(clock) {}
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
    fmt::print(stderr, "{}{} {:8.1f} s  arrived {}/{}  complete {:5.1f}%  {:.2g} events/s{}",
               live_ ? "\r" : "", clock_, now, progress.peers_arrived, progress.peers_total, share,
               rate, live_ ? "   " : "\n");
    shown_ = true;
  }
  void end() {
    if (live_ && shown_) fmt::print(stderr, "\n");
    shown_ = false;
  }

 private:
  bool quiet_;
  bool live_;
  std::string_view clock_;
  bool shown_ = false;
  double next_plain_ = 0;
  Stopwatch stopwatch_;
};

// Interpolated between the two nearest ranks, as numpy and pandas compute it by default, so that
// the summary agrees with an analysis of the recorded download times.
double percentile(std::vector<double> values, double share) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = share * static_cast<double>(values.size() - 1);
  const double below = std::floor(position);
  const auto index = static_cast<std::size_t>(below);
  if (index + 1 >= values.size()) return values.back();
  return values[index] + (values[index + 1] - values[index]) * (position - below);
}

void print_summary(const LoadedScenario& scenario, const RunResult& result, double wall_seconds) {
  const auto& times = result.download_times_seconds;
  double mean = 0;
  for (double time : times)
    mean += time / static_cast<double>(times.size());
  fmt::print("scenario: {} (seed {}, payload {}, backend {})\n", scenario.spec.name,
             scenario.spec.seed, scenarios::to_string(scenario.spec.payload),
             record::to_string(result.backend));
  fmt::print("outcome: {} ({})\n", record::to_string(result.outcome), result.detail);
  const double run_seconds =
      std::chrono::duration<double>(result.end_time.time_since_epoch()).count();
  if (result.backend == record::Backend::real) {
    fmt::print("run time (wall clock): {:.1f} s; handlers run: {}\n", run_seconds, result.events);
  } else {
    fmt::print("simulated time: {:.1f} s; wall time: {:.1f} s; events: {}\n", run_seconds,
               wall_seconds, result.events);
  }
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

// --detail's words, each the level's own name.
std::map<std::string, record::EventDetail> detail_levels() {
  std::map<std::string, record::EventDetail> levels;
  for (const auto level :
       {record::EventDetail::lifecycle, record::EventDetail::pieces, record::EventDetail::wire})
    levels.emplace(record::to_string(level), level);
  return levels;
}

RunResult run_once(const LoadedScenario& scenario, const RunCommandOptions& command,
                   std::optional<std::string> database, StopSignals& stop_signals) {
  const bool real = command.backend == "real";
  ProgressLine line(command.quiet, real ? "real" : "sim");
  scenarios::RunOptions options{
      .backend = real ? record::Backend::real : record::Backend::sim,
      .real_duration_max = std::chrono::duration_cast<net::Duration>(std::chrono::duration<double>(
          command.wall_limit_seconds.value_or(wall_limit_default_seconds))),
      .database_path = std::move(database),
      .detail = detail_levels().at(command.detail),
      .progress = [&line](const scenarios::Progress& progress) { line.show(progress); },
      .stop_requested = [&stop_signals] { return stop_signals.take() != 0; }};
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
                      const RunResult& first, StopSignals& stop_signals) {
  fmt::print("determinism: running the scenario a second time\n");
  const bool scratch = !options.database;
  const std::string second_path = scratch ? scratch_database(2) : *options.database;
  const RunResult second = run_once(scenario, options, second_path, stop_signals);
  if (scratch) fs::remove(second_path);
  const bool same_trace = first.trace_hash == second.trace_hash;
  const bool same_rows = first.rows_hash && first.rows_hash == second.rows_hash;
  fmt::print("determinism: trace hashes {} ({} / {}), rows {} ({} / {})\n",
             same_trace ? "equal" : "DIFFER", first.trace_hash_hex, second.trace_hash_hex,
             same_rows ? "equal" : "DIFFER", first.rows_hash.value_or("?"),
             second.rows_hash.value_or("?"));
  return same_trace && same_rows ? 0 : exit_not_deterministic;
}

// `text` as one POSIX shell word: bare when it holds only characters no shell treats specially,
// otherwise in single quotes (a quote inside becomes '\'').
std::string shell_quoted(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (const char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The flags that do not go with the chosen backend; one line each on standard error.
bool flags_fit_backend(const RunCommandOptions& options) {
  const bool real = options.backend == "real";
  if (real && options.check_determinism) {
    fmt::print(stderr,
               "swarmlab run: --check-determinism needs --backend sim (real runs are not "
               "deterministic)\n");
    return false;
  }
  if (!real && options.wall_limit_seconds) {
    fmt::print(stderr, "swarmlab run: --wall-limit applies to --backend real only\n");
    return false;
  }
  if (options.wall_limit_seconds &&
      !(*options.wall_limit_seconds > 0 && *options.wall_limit_seconds <= wall_limit_max_seconds)) {
    fmt::print(stderr, "swarmlab run: --wall-limit must be above 0 and at most {:.0f} seconds\n",
               wall_limit_max_seconds);
    return false;
  }
  return true;
}

// What the real backend cannot do (errors) or ignores (warnings), one line each.
bool fits_real_backend(const RunCommandOptions& options, const LoadedScenario& scenario) {
  const scenarios::RealBackendReview review = scenarios::review_for_real_backend(scenario.spec);
  for (const std::string& warning : review.warnings)
    fmt::print(stderr, "swarmlab run: warning: --backend real: {}\n", warning);
  for (const std::string& error : review.errors)
    fmt::print(stderr, "{}: cannot run with --backend real: {}\n", options.scenario, error);
  if (!review.errors.empty()) {
    fmt::print(stderr, "swarmlab run: nothing was run; use --backend sim for this scenario\n");
    return false;
  }
  return true;
}

int run_command(const RunCommandOptions& options) {
  if (!flags_fit_backend(options)) return exit_bad_input;
  // A scenario's seed is a TOML integer: at most 2^63 - 1 (and "-1" must not wrap around to it).
  if (options.seed && *options.seed > static_cast<std::uint64_t>(INT64_MAX)) {
    fmt::print(stderr, "swarmlab run: --seed must be a whole number from 0 to {}\n", INT64_MAX);
    return exit_bad_input;
  }
  const std::optional<LoadedScenario> scenario = load(options);
  if (!scenario) return exit_bad_input;
  const bool real = options.backend == "real";
  if (real && !fits_real_backend(options, *scenario)) return exit_bad_input;
  if (real) {
    fmt::print("running {} with seed {} on loopback sockets (real backend, at most {:.0f} s)\n",
               scenario->spec.name, scenario->spec.seed,
               options.wall_limit_seconds.value_or(wall_limit_default_seconds));
  } else {
    fmt::print("running {} with seed {}\n", scenario->spec.name, scenario->spec.seed);
  }
  std::fflush(stdout);
  const bool scratch = options.check_determinism && !options.database;
  const std::optional<std::string> database =
      scratch ? std::optional<std::string>(scratch_database(1)) : options.database;
  // Held until the summary is printed: a stop signal ends the run, which is then recorded.
  StopSignals stop_signals;
  const Stopwatch stopwatch;
  const RunResult result = run_once(*scenario, options, database, stop_signals);
  if (scratch) fs::remove(*database);
  print_summary(*scenario, result, stopwatch.seconds());
  int status = 0;
  if (result.outcome == record::Outcome::failed) {
    fmt::print(stderr, "swarmlab run: invariant violated: {}\n", result.detail);
    // The overrides are part of the scenario that failed; shell-quoted, as a user pastes them.
    std::string overrides;
    for (const std::string& override_text : options.overrides)
      overrides += " --set " + shell_quoted(override_text);
    fmt::print(stderr, "swarmlab run: reproduce with: swarmlab run {} --seed {}{}\n",
               shell_quoted(options.scenario), scenario->spec.seed, overrides);
    status = exit_violation;
  } else if (result.outcome == record::Outcome::interrupted) {
    fmt::print(stderr, "swarmlab run: stopped by {}{}\n",
               stop_signals.take() == SIGINT ? "SIGINT" : "SIGTERM",
               result.run_id ? "; the run is recorded as interrupted" : "");
    status = 128 + stop_signals.take();
  } else if (options.check_determinism) {
    status = check_determinism(*scenario, options, result, stop_signals);
    if (stop_signals.take() != 0) status = 128 + stop_signals.take();
  }
  if (result.trace_hash) {
    fmt::print("trace-hash: {}\n", result.trace_hash_hex);
  } else {
    fmt::print("trace-hash: none (real backend is not deterministic)\n");
  }
  return status;
}

}  // namespace

void register_run(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App& command =
      commands.add(app, "run", "Run a scenario (simulated, or on loopback sockets) and record it",
                   [options] { return run_command(*options); });
  command.add_option("scenario", options->scenario, "Scenario file (TOML)")->required();
  command.add_option("--seed", options->seed, "Run seed (overrides the scenario's)");
  command.add_option("--db", options->database, "Record the run into this SQLite file");
  command.add_option("--set", options->overrides, "Override a scenario key: KEY.PATH=VALUE")
      ->allow_extra_args(false);
  command.add_option("--backend", options->backend, "sim (deterministic) or real (loopback)")
      ->check(CLI::IsMember({"sim", "real"}));
  command.add_option("--wall-limit", options->wall_limit_seconds,
                     "Real backend: stop after this many wall-clock seconds at most (default 600)");
  command
      .add_option("--detail", options->detail,
                  "Events recorded with --db: lifecycle, pieces (default) or wire (every "
                  "request, block and HAVE: large)")
      ->check(CLI::IsMember(detail_levels()));
  command.add_flag("--check-determinism", options->check_determinism,
                   "Run twice; compare trace hashes and recorded rows");
  command.add_flag("-q,--quiet", options->quiet, "No progress line");
}

}  // namespace swarmlab::apps
