// The SQLite recorder: an Observer that writes what actors report, plus what the scenario engine
// tells it about the run, its hosts and their counters, into a results database (record/schema.sql,
// docs/results.md).
//
// Life of a run, as the scenario engine drives it:
//
//   Recorder recorder("results.sqlite", options);      // opens or creates the file
//   recorder.begin_run(run_info);                       // a `runs` row with outcome 'running'
//   recorder.add_host(host_info);                       // every host, before it reports anything
//   ... actors report through the Observer interface; the engine reports joins, departures and
//   ... faults (on_host_joined, on_host_left, on_fault) and calls record_samples() every
//   ... sampling interval (see Sampler)
//   recorder.finish_run(end_time, trace_hash, Outcome::completed);
//
// Errors: opening, begin_run, add_host, record_samples, flush and finish_run throw record::Error
// (full disk, locked or corrupt file, ...). Observer callbacks never throw, since they run inside
// actors: the first failure is kept (failure()), writing stops, and the next engine-facing call
// throws it. A run that is never finished (an exception unwinds the engine, the recorder is
// destroyed) is marked 'interrupted', or 'failed' after a write error; one cut short by a crash
// keeps 'running' and every row committed before the crash.
//
// Not thread-safe: call it from the thread that runs the world (actors on real sockets report
// from their network thread too).
#pragma once

#include "record/batch_writer.hpp"
#include "record/event_kind.hpp"
#include "record/observer.hpp"
#include "record/piece_availability.hpp"
#include "record/run.hpp"
#include "record/schema.hpp"
#include "record/sqlite.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace swarmlab::record {

struct RecorderOptions {
  OpenOptions open;
  // Which events to write (see EventDetail); samples and availability are always written.
  EventDetail detail = EventDetail::pieces;
  // Rows per write transaction, besides the commit at every sampling tick.
  std::size_t rows_per_transaction = 20'000;
  // Write every piece's copy count at each tick (`availability.copies`), not only the summary.
  bool piece_copies = true;
};

// Maps a remote address to the host id it belongs to, or nullopt when it is outside the run.
using Resolver = std::function<std::optional<ActorId>(const protocol::PeerAddress&)>;

class Recorder final : public Observer {
 public:
  // Scenario texts are files a person wrote; a larger one is a mistake, not a scenario.
  static constexpr std::size_t scenario_text_size_max = 1024 * 1024;
  // Contributors listed for one hash failure (one row each).
  static constexpr std::size_t hash_failure_contributors_max = 256;
  static constexpr std::size_t rows_per_transaction_max = 1'000'000;

  Recorder(const std::string& path, RecorderOptions options = {});
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  ~Recorder() override;

  // Starts a run and returns its `runs.id`. No run may be active.
  std::int64_t begin_run(const RunInfo& run);
  // Ends the active run: commits every row and fills in the end of its `runs` row. If a write
  // failed during the run, the run is marked 'failed' and the failure is thrown.
  void finish_run(TimePoint end_time, std::string_view trace_hash_hex, Outcome outcome,
                  std::string_view outcome_detail = {});
  bool run_active() const { return run_.has_value(); }
  std::optional<std::int64_t> run_id() const;

  // Registers a host of the active run (a `hosts` row) and its addresses for resolution.
  void add_host(const HostInfo& host);
  // Replaces the default resolution (by the IP addresses given to add_host).
  void set_resolver(Resolver resolver);

  // One sampling tick: a `samples` row per host and an `availability` row; then commits.
  void record_samples(TimePoint now, std::span<const HostSample> samples);
  // One host's counters outside a tick (for instance as it leaves).
  void record_sample(TimePoint now, const HostSample& sample);
  // Commits the rows written so far.
  void flush();

  // The first write failure of the active run; writing stopped there.
  const std::optional<Error>& failure() const { return failure_; }
  const std::string& path() const { return database_.path(); }

  // Observer.
  void on_connected(TimePoint, ActorId, const PeerAddress&, Direction) override;
  void on_disconnected(TimePoint, ActorId, const PeerAddress&, std::string_view) override;
  void on_choke(TimePoint, ActorId, const PeerAddress&, Side, bool) override;
  void on_interest(TimePoint, ActorId, const PeerAddress&, Side, bool) override;
  void on_request(TimePoint, ActorId, const PeerAddress&, Side, const BlockRef&) override;
  void on_block(TimePoint, ActorId, const PeerAddress&, Side, const BlockRef&) override;
  void on_piece_verified(TimePoint, ActorId, std::uint32_t) override;
  void on_hash_failed(TimePoint, ActorId, std::uint32_t, std::span<const PeerAddress>) override;
  void on_have_sent(TimePoint, ActorId, const PeerAddress&, std::uint32_t) override;
  void on_banned(TimePoint, ActorId, const PeerAddress&, std::string_view) override;
  void on_completed(TimePoint, ActorId) override;
  void on_announce(TimePoint, ActorId, std::string_view, AnnounceEvent, bool, std::size_t) override;
  void on_tracker_request(TimePoint, ActorId, TrackerRequest, const PeerAddress&,
                          const protocol::InfoHash&, AnnounceEvent) override;
  void on_host_joined(TimePoint, ActorId, std::span<const std::uint8_t>) override;
  void on_host_left(TimePoint, ActorId, std::string_view) override;
  void on_fault(TimePoint, std::optional<ActorId>, std::string_view) override;

 private:
  struct ActiveRun {
    // Declared here and defaulted in the .cpp: clang 14 cannot see a nested class's member
    // initializers while the enclosing class is incomplete, and std::optional asks then.
    ActiveRun();
    std::int64_t id = 0;
    TimePoint start_time;
    std::uint32_t piece_count = 0;
    std::int64_t last_time_ns = 0;
    std::unique_ptr<BatchWriter> writer;
    std::optional<PieceAvailability> availability;
    // Looked up by id or address only, never iterated.
    std::unordered_map<ActorId, HostRole> roles;
    std::map<protocol::PeerAddress, ActorId> hosts_by_ip;
    std::vector<std::uint8_t> copies_blob;
  };

  // False when nothing may be written: no active run, or a failure already stopped writing.
  bool writable() const { return run_.has_value() && !failure_.has_value(); }
  std::int64_t time_ns(TimePoint time);
  std::optional<ActorId> resolve(const PeerAddress& remote) const;
  bool holds_pieces(ActorId host) const;
  // True when an event of `kind` is to be written: writable() and within the detail level.
  bool wants(EventKind kind) const;
  // A row of `kind` by `host` at `time`, the other columns empty.
  EventRow make_row(TimePoint time, std::optional<ActorId> host, EventKind kind);
  // Writes one event (wants(row.kind) must hold); keeps the first failure.
  void write_event(const EventRow& row);
  // The same, after resolving `remote` into row.remote_host, or row.remote_address if unknown.
  void write_remote_event(EventRow row, const PeerAddress& remote);
  void write_block_event(TimePoint time, ActorId self, const PeerAddress& remote, EventKind kind,
                         const BlockRef& block);
  void keep_failure(const Error& error) noexcept;
  void throw_if_failed() const;
  void write_availability(std::int64_t now_ns);
  // Marks the active run 'interrupted' or 'failed' and ends it; never throws.
  void end_unfinished_run() noexcept;
  // Fills in the end of the `runs` row; `finished` runs (through finish_run) get the rows digest.
  void update_run_end(Outcome outcome, std::string_view trace_hash_hex, std::string_view detail,
                      bool finished);

  RecorderOptions options_;
  Database database_;
  Resolver resolver_;
  std::optional<ActiveRun> run_;
  std::optional<Error> failure_;
};

}  // namespace swarmlab::record
