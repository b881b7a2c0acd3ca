#include "record/recorder.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <utility>

namespace swarmlab::record {

Recorder::ActiveRun::ActiveRun() = default;

namespace {

constexpr std::string_view insert_run_sql =
    "INSERT INTO runs (scenario_name, scenario_text, seed, parameters, version, backend, "
    "piece_count, piece_length_bytes, total_size_bytes, sample_interval_ns, started_wall, outcome) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
    "'running')";
constexpr std::string_view finish_run_sql =
    "UPDATE runs SET finished_wall = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), duration_ns = ?2, "
    "trace_hash = ?3, rows_hash = ?4, outcome = ?5, outcome_detail = ?6 WHERE id = ?1";

// The IP part of an address: hosts are resolved by IP, since outgoing ports are ephemeral.
protocol::PeerAddress without_port(protocol::PeerAddress address) {
  address.port = 0;
  return address;
}

// Pieces set in a BEP 3 bitfield, counting only indices below piece_count (all when 0).
std::uint32_t count_pieces(std::span<const std::uint8_t> bitfield, std::uint32_t piece_count) {
  std::uint32_t count = 0;
  for (std::size_t byte = 0; byte < bitfield.size(); ++byte) {
    std::uint8_t bits = bitfield[byte];
    const std::uint64_t first_piece = std::uint64_t{byte} * 8;
    if (piece_count != 0 && first_piece + 8 > piece_count) {
      if (first_piece >= piece_count) break;
      const auto valid = static_cast<unsigned>(piece_count - first_piece);
      bits = static_cast<std::uint8_t>(bits & (0xff00u >> valid));
    }
    count += static_cast<std::uint32_t>(std::popcount(bits));
  }
  return count;
}

std::string_view to_string(AnnounceEvent event) {
  switch (event) {
    case AnnounceEvent::none:
      return "none";
    case AnnounceEvent::started:
      return "started";
    case AnnounceEvent::completed:
      return "completed";
    case AnnounceEvent::stopped:
      return "stopped";
  }
  assert(false);
  return "?";
}

}  // namespace

Recorder::Recorder(const std::string& path, RecorderOptions options)
    : options_(std::move(options)), database_(open_results_database(path, options_.open)) {
  assert(options_.rows_per_transaction > 0);
  assert(options_.rows_per_transaction <= rows_per_transaction_max);
}

Recorder::~Recorder() {
  end_unfinished_run();
}

std::optional<std::int64_t> Recorder::run_id() const {
  if (!run_) return std::nullopt;
  return run_->id;
}

std::int64_t Recorder::begin_run(const RunInfo& run) {
  assert(!run_ && "finish the active run first");
  if (run.scenario_text.size() > scenario_text_size_max) {
    throw Error(0, path() + ": scenario text of " + std::to_string(run.scenario_text.size()) +
                       " bytes is larger than the limit of " +
                       std::to_string(scenario_text_size_max));
  }
  if (run.piece_count > PieceAvailability::piece_count_max) {
    throw Error(0, path() + ": " + std::to_string(run.piece_count) +
                       " pieces exceed the limit of " +
                       std::to_string(PieceAvailability::piece_count_max));
  }
  failure_.reset();
  // Before the run row exists, so that a failure here leaves no run behind.
  drop_event_indices(database_);
  Statement insert(database_, insert_run_sql);
  insert.bind(1, std::string_view(run.scenario_name));
  insert.bind(2, std::string_view(run.scenario_text));
  insert.bind(3, std::string_view(std::to_string(run.seed)));
  insert.bind(4, std::string_view(run.parameters_json));
  insert.bind(5, std::string_view(SWARMLAB_VERSION));
  insert.bind(6, to_string(run.backend));
  insert.bind(7, std::int64_t{run.piece_count});
  insert.bind(8, Statement::to_int64(run.piece_length_bytes));
  insert.bind(9, Statement::to_int64(run.total_size_bytes));
  if (run.sample_interval) {
    assert(run.sample_interval->count() > 0);
    insert.bind(10, std::int64_t{run.sample_interval->count()});
  } else {
    insert.bind_null(10);
  }
  // One statement in autocommit mode: the run row exists, committed, before any of its rows.
  try {
    insert.run();
  } catch (const Error&) {
    create_event_indices(database_);  // Put back what the refused run took away.
    throw;
  }
  const std::int64_t id = database_.last_insert_rowid();
  ActiveRun& active = run_.emplace();
  active.id = id;
  active.start_time = run.start_time;
  active.piece_count = run.piece_count;
  active.writer =
      std::make_unique<BatchWriter>(database_, active.id, options_.rows_per_transaction);
  if (run.piece_count > 0) active.availability.emplace(run.piece_count);
  assert(active.id > 0);
  return active.id;
}

void Recorder::update_run_end(Outcome outcome, std::string_view trace_hash_hex,
                              std::string_view detail, bool finished) {
  assert(run_);
  Statement update(database_, finish_run_sql);
  update.bind(1, run_->id);
  update.bind(2, run_->last_time_ns);
  if (trace_hash_hex.empty()) {
    update.bind_null(3);
  } else {
    update.bind(3, trace_hash_hex);
  }
  // Only a run that finished has a digest: one over the rows of a run cut short (or of which rows
  // were lost) would mislead a determinism check.
  if (failure_ || !finished) {
    update.bind_null(4);
  } else {
    update.bind(4, std::string_view(run_->writer->finish_digest()));
  }
  update.bind(5, to_string(outcome));
  if (detail.empty()) {
    update.bind_null(6);
  } else {
    update.bind(6, detail.substr(0, BatchWriter::text_size_max));
  }
  update.run();
}

void Recorder::finish_run(TimePoint end_time, std::string_view trace_hash_hex, Outcome outcome,
                          std::string_view outcome_detail) {
  assert(run_ && "no active run");
  if (failure_) {
    end_unfinished_run();
    throw *failure_;
  }
  try {
    const std::int64_t end_ns = time_ns(end_time);
    assert(end_ns == run_->last_time_ns && "the run ends after its last event");
    write_availability(end_ns);
    run_->writer->flush();
    update_run_end(outcome, trace_hash_hex, outcome_detail, /*finished=*/true);
  } catch (const Error& error) {
    keep_failure(error);
    end_unfinished_run();
    throw;
  }
  run_.reset();
  assert(!run_active());
  // The run is recorded; a failure here (a full disk) costs only query speed, but is reported.
  create_event_indices(database_);
}

void Recorder::end_unfinished_run() noexcept {
  if (!run_) return;
  try {
    Outcome outcome = Outcome::interrupted;
    std::string detail = "the recorder was closed before the run finished";
    if (failure_) {
      outcome = Outcome::failed;
      detail = std::string("recording failed: ") + failure_->what();
      run_->writer->abandon();
    } else {
      run_->writer->flush();
    }
    update_run_end(outcome, {}, detail, /*finished=*/false);
    create_event_indices(database_);
  } catch (const Error&) {
    // The file cannot take even the final update (full disk, lost lock): the run keeps 'running'
    // and the rows committed so far, which is still a consistent database.
    rollback_quietly(database_);
  }
  run_.reset();
}

void Recorder::add_host(const HostInfo& host) {
  assert(run_ && "add hosts after begin_run");
  assert(!run_->roles.contains(host.id) && "host added twice");
  throw_if_failed();
  try {
    run_->writer->insert_host(host);
  } catch (const Error& error) {
    keep_failure(error);
    throw;
  }
  run_->roles[host.id] = host.role;
  for (const protocol::PeerAddress& address : host.addresses) {
    // The first host to claim an address keeps it.
    run_->hosts_by_ip.emplace(without_port(address), host.id);
  }
}

void Recorder::set_resolver(Resolver resolver) {
  resolver_ = std::move(resolver);
}

std::optional<ActorId> Recorder::resolve(const PeerAddress& remote) const {
  if (resolver_) return resolver_(remote);
  assert(run_);
  const auto found = run_->hosts_by_ip.find(without_port(remote));
  if (found == run_->hosts_by_ip.end()) return std::nullopt;
  return found->second;
}

bool Recorder::holds_pieces(ActorId host) const {
  assert(run_);
  const auto found = run_->roles.find(host);
  // Hosts the engine did not register are counted: if they report pieces, they hold them.
  if (found == run_->roles.end()) return true;
  return found->second == HostRole::seed || found->second == HostRole::leecher;
}

std::int64_t Recorder::time_ns(TimePoint time) {
  assert(run_);
  const std::int64_t elapsed_ns = (time - run_->start_time).count();
  run_->last_time_ns = std::max(run_->last_time_ns, elapsed_ns);
  return elapsed_ns;
}

void Recorder::keep_failure(const Error& error) noexcept {
  if (!failure_) failure_.emplace(error);
  if (run_) run_->writer->abandon();
}

void Recorder::throw_if_failed() const {
  if (failure_) throw *failure_;
}

void Recorder::flush() {
  throw_if_failed();
  if (!run_) return;
  try {
    run_->writer->flush();
  } catch (const Error& error) {
    keep_failure(error);
    throw;
  }
}

void Recorder::write_availability(std::int64_t now_ns) {
  assert(run_);
  if (!run_->availability) return;
  const PieceAvailability& availability = *run_->availability;
  run_->copies_blob.clear();
  if (options_.piece_copies) availability.encode_copies(run_->copies_blob);
  run_->writer->insert_availability(now_ns, availability.summarize(), run_->copies_blob);
}

void Recorder::record_samples(TimePoint now, std::span<const HostSample> samples) {
  assert(run_ && "no active run");
  throw_if_failed();
  try {
    const std::int64_t now_ns = time_ns(now);
    for (const HostSample& sample : samples) {
      run_->writer->insert_sample(now_ns, sample);
    }
    write_availability(now_ns);
    run_->writer->flush();
  } catch (const Error& error) {
    keep_failure(error);
    throw;
  }
}

void Recorder::record_sample(TimePoint now, const HostSample& sample) {
  assert(run_ && "no active run");
  throw_if_failed();
  try {
    run_->writer->insert_sample(time_ns(now), sample);
  } catch (const Error& error) {
    keep_failure(error);
    throw;
  }
}

// ---------------------------------------------------------------------------------------------
// Observer callbacks: never throw.

bool Recorder::wants(EventKind kind) const {
  return writable() && detail_of(kind) <= options_.detail;
}

EventRow Recorder::make_row(TimePoint time, std::optional<ActorId> host, EventKind kind) {
  EventRow row;
  row.time_ns = time_ns(time);
  row.host = host;
  row.kind = kind;
  return row;
}

void Recorder::write_event(const EventRow& row) {
  assert(wants(row.kind));
  try {
    run_->writer->insert_event(row);
  } catch (const Error& error) {
    keep_failure(error);
  }
}

void Recorder::write_remote_event(EventRow row, const PeerAddress& remote) {
  assert(!row.remote_host && row.remote_address.empty());
  row.remote_host = resolve(remote);
  std::string address;
  if (!row.remote_host) {
    address = remote.to_string();
    row.remote_address = address;
  }
  write_event(row);
}

void Recorder::on_connected(TimePoint time, ActorId self, const PeerAddress& remote,
                            Direction direction) {
  if (!wants(EventKind::connected)) return;
  EventRow row = make_row(time, self, EventKind::connected);
  row.extra = direction == Direction::outgoing ? "outgoing" : "incoming";
  write_remote_event(row, remote);
}

void Recorder::on_disconnected(TimePoint time, ActorId self, const PeerAddress& remote,
                               std::string_view reason) {
  if (!wants(EventKind::disconnected)) return;
  EventRow row = make_row(time, self, EventKind::disconnected);
  row.extra = reason;
  write_remote_event(row, remote);
}

void Recorder::on_choke(TimePoint time, ActorId self, const PeerAddress& remote, Side side,
                        bool choked) {
  const EventKind kind = side == Side::local
                             ? (choked ? EventKind::choke_sent : EventKind::unchoke_sent)
                             : (choked ? EventKind::choke_received : EventKind::unchoke_received);
  if (!wants(kind)) return;
  write_remote_event(make_row(time, self, kind), remote);
}

void Recorder::on_interest(TimePoint time, ActorId self, const PeerAddress& remote, Side side,
                           bool interested) {
  const EventKind kind =
      side == Side::local
          ? (interested ? EventKind::interested_sent : EventKind::not_interested_sent)
          : (interested ? EventKind::interested_received : EventKind::not_interested_received);
  if (!wants(kind)) return;
  write_remote_event(make_row(time, self, kind), remote);
}

void Recorder::write_block_event(TimePoint time, ActorId self, const PeerAddress& remote,
                                 EventKind kind, const BlockRef& block) {
  if (!wants(kind)) return;
  EventRow row = make_row(time, self, kind);
  row.piece = block.piece;
  row.offset_bytes = block.offset_bytes;
  row.length_bytes = block.length_bytes;
  write_remote_event(row, remote);
}

void Recorder::on_request(TimePoint time, ActorId self, const PeerAddress& remote, Side side,
                          const BlockRef& block) {
  write_block_event(time, self, remote,
                    side == Side::local ? EventKind::request_sent : EventKind::request_received,
                    block);
}

void Recorder::on_block(TimePoint time, ActorId self, const PeerAddress& remote, Side side,
                        const BlockRef& block) {
  write_block_event(time, self, remote,
                    side == Side::local ? EventKind::block_sent : EventKind::block_received, block);
}

void Recorder::on_have_sent(TimePoint time, ActorId self, const PeerAddress& remote,
                            std::uint32_t piece) {
  if (!wants(EventKind::have_sent)) return;
  EventRow row = make_row(time, self, EventKind::have_sent);
  row.piece = piece;
  write_remote_event(row, remote);
}

void Recorder::on_banned(TimePoint time, ActorId self, const PeerAddress& remote,
                         std::string_view reason) {
  if (!wants(EventKind::banned)) return;
  EventRow row = make_row(time, self, EventKind::banned);
  row.extra = reason;
  write_remote_event(row, remote);
}

void Recorder::on_piece_verified(TimePoint time, ActorId self, std::uint32_t piece) {
  if (!writable()) return;
  // Availability counts every verified piece, whatever the detail level of the events table.
  if (run_->availability && holds_pieces(self)) run_->availability->add_piece(self, piece);
  if (!wants(EventKind::piece_verified)) return;
  EventRow row = make_row(time, self, EventKind::piece_verified);
  row.piece = piece;
  write_event(row);
}

void Recorder::on_hash_failed(TimePoint time, ActorId self, std::uint32_t piece,
                              std::span<const PeerAddress> contributors) {
  if (!wants(EventKind::hash_failed)) return;
  EventRow row = make_row(time, self, EventKind::hash_failed);
  row.piece = piece;
  if (contributors.empty()) {
    write_event(row);
    return;
  }
  const auto listed =
      contributors.first(std::min(contributors.size(), hash_failure_contributors_max));
  // One row per peer that sent a block of the piece, so a query can count failures per sender.
  for (const PeerAddress& contributor : listed) {
    write_remote_event(row, contributor);
  }
}

void Recorder::on_completed(TimePoint time, ActorId self) {
  if (!writable()) return;
  const EventRow row = make_row(time, self, EventKind::completed);
  try {
    run_->writer->update_host_completed(self, row.time_ns);
  } catch (const Error& error) {
    keep_failure(error);
    return;
  }
  if (wants(row.kind)) write_event(row);
}

void Recorder::on_announce(TimePoint time, ActorId self, std::string_view tracker_url,
                           AnnounceEvent event, bool succeeded, std::size_t peers) {
  const EventKind kind = succeeded ? EventKind::announce : EventKind::announce_failed;
  if (!wants(kind)) return;
  EventRow row = make_row(time, self, kind);
  row.remote_address = tracker_url;
  row.extra = to_string(event);
  if (succeeded) row.peer_count = peers;
  write_event(row);
}

void Recorder::on_tracker_request(TimePoint time, ActorId tracker, TrackerRequest request,
                                  const PeerAddress& from, const protocol::InfoHash&,
                                  AnnounceEvent event) {
  const bool announce = request == TrackerRequest::announce;
  const EventKind kind = announce ? EventKind::tracker_announce : EventKind::tracker_scrape;
  if (!wants(kind)) return;
  EventRow row = make_row(time, tracker, kind);
  if (announce) row.extra = to_string(event);
  write_remote_event(row, from);
}

void Recorder::on_host_joined(TimePoint time, ActorId host,
                              std::span<const std::uint8_t> bitfield) {
  if (!writable()) return;
  const EventRow row = make_row(time, host, EventKind::joined);
  if (run_->availability && holds_pieces(host)) run_->availability->join(host, bitfield);
  try {
    run_->writer->update_host_joined(host, row.time_ns, count_pieces(bitfield, run_->piece_count));
  } catch (const Error& error) {
    keep_failure(error);
    return;
  }
  if (wants(row.kind)) write_event(row);
}

void Recorder::on_host_left(TimePoint time, ActorId host, std::string_view reason) {
  if (!writable()) return;
  EventRow row = make_row(time, host, EventKind::left);
  row.extra = reason;
  if (run_->availability) run_->availability->leave(host);
  try {
    run_->writer->update_host_left(host, row.time_ns);
  } catch (const Error& error) {
    keep_failure(error);
    return;
  }
  if (wants(row.kind)) write_event(row);
}

void Recorder::on_fault(TimePoint time, std::optional<ActorId> host, std::string_view description) {
  if (!wants(EventKind::fault)) return;
  EventRow row = make_row(time, host, EventKind::fault);
  row.extra = description;
  write_event(row);
}

}  // namespace swarmlab::record
