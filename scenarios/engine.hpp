// The scenario engine: spec -> world (simulated, or real sockets on loopback) -> run -> invariants
// -> results.
//
//   LoadedScenario scenario = std::get<LoadedScenario>(load_scenario(path, overrides));
//   RunResult result = run_scenario(scenario, {.database_path = "results.sqlite"});
//
// It builds a world through a WorldBackend (world_backend.hpp) with one host per tracker
// (TrackerServer) and per peer (peer::Peer with one torrent), schedules arrivals, departures and
// the fault timeline with at(), samples counters every sampling interval, checks the invariants as
// the run goes (invariants.hpp, and liveness here), and records everything through
// record::Recorder when a database is given. In the simulator the same scenario and seed give the
// same trace hash and the same recorded rows; on real sockets (RunOptions::backend = real, see
// real_backend.hpp) the same actors run in wall-clock time, not reproducibly. Part of scenarios/.
#pragma once

#include "net/time.hpp"
#include "record/event_kind.hpp"
#include "record/run.hpp"
#include "scenarios/spec_parse.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::scenarios {

// What the engine tells whoever shows progress, every progress interval of the run's time.
struct Progress {
  // Time since the start of the run (simulated, or wall-clock on real sockets).
  net::TimePoint now{};
  std::size_t peers_total = 0;
  std::size_t peers_arrived = 0;
  std::size_t leechers_present = 0;
  std::size_t leechers_completed = 0;  // ever, among peers that started without every piece
  std::size_t leechers_total = 0;
  std::uint64_t events = 0;
};

struct RunOptions {
  // sim: the deterministic simulator; real: RealHosts on loopback (the scenario must pass
  // review_for_real_backend(), real_backend.hpp).
  record::Backend backend = record::Backend::sim;
  // Real backend only: the run ends after this much wall-clock time at most, whatever the
  // scenario's stop condition.
  net::Duration real_duration_max = std::chrono::minutes(10);
  std::optional<std::string> database_path{};
  // Which events go into the database (record::EventDetail; samples are written at every level).
  record::EventDetail detail = record::EventDetail::pieces;
  std::function<void(const Progress&)> progress{};
  net::Duration progress_interval = std::chrono::seconds(10);
  // Asked after every step of the run (a second of its time): true ends the run at once as
  // `interrupted`, recorded as such (the command line: SIGINT or SIGTERM).
  std::function<bool()> stop_requested{};
};

struct RunResult {
  record::Outcome outcome = record::Outcome::completed;
  // What ended the run: the stop condition met, or the violation report.
  std::string detail{};
  // The simulator's trace hash; none on real sockets (and trace_hash_hex
  // empty).
  std::optional<std::uint64_t> trace_hash{};
  std::string trace_hash_hex{};
  // The recorded rows' digest (runs.rows_hash); only with a database.
  std::optional<std::string> rows_hash{};
  std::optional<std::int64_t> run_id;
  record::Backend backend = record::Backend::sim;
  // Time since the start of the run when it ended.
  net::TimePoint end_time{};
  std::uint64_t events = 0;
  std::size_t peers_total = 0;
  std::size_t leechers_total = 0;
  std::size_t leechers_completed = 0;
  // Seconds from arrival to completion of every leecher that completed, in host order.
  std::vector<double> download_times_seconds{};
  std::uint64_t payload_uploaded_bytes = 0;
  std::uint64_t payload_downloaded_bytes = 0;
  std::uint64_t hash_failures = 0;
  std::uint64_t bans = 0;
};

// The liveness deadline of a scenario: the one it gives, or the default derived from the torrent
// size and the slowest rates (docs/scenarios.md).
net::Duration liveness_deadline(const ScenarioSpec& spec);

RunResult run_scenario(const LoadedScenario& scenario, const RunOptions& options);

}  // namespace swarmlab::scenarios
