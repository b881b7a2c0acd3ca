#include "record/batch_writer.hpp"

#include <cassert>

namespace swarmlab::record {

namespace {

// Tags that keep rows of different tables apart in the row digest.
enum TableTag : std::uint8_t {
  tag_event = 1,
  tag_host = 2,
  tag_host_joined = 3,
  tag_host_left = 4,
  tag_host_completed = 5,
  tag_sample = 6,
  tag_availability = 7,
};

std::string_view cut(std::string_view text) {
  return text.substr(0, BatchWriter::text_size_max);
}

void bind_text_or_null(Statement& statement, int index, std::string_view text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind(index, cut(text));
  }
}

constexpr std::string_view insert_event_sql =
    "INSERT INTO events (run_id, time_ns, host_id, kind, remote_host_id, remote_address, piece, "
    "offset_bytes, length_bytes, peer_count, extra) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view insert_host_sql =
    "INSERT INTO hosts (run_id, host_id, role, group_name, bandwidth_class, "
    "upload_bytes_per_second, download_bytes_per_second, address) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// The first join counts for join_ns and initial_pieces; a rejoin (restart) clears leave_ns.
constexpr std::string_view host_joined_sql =
    "UPDATE hosts SET join_ns = coalesce(join_ns, ?3), "
    "initial_pieces = coalesce(initial_pieces, ?4), leave_ns = NULL "
    "WHERE run_id = ?1 AND host_id = ?2";
constexpr std::string_view host_left_sql =
    "UPDATE hosts SET leave_ns = ?3 WHERE run_id = ?1 AND host_id = ?2";
constexpr std::string_view host_completed_sql =
    "UPDATE hosts SET complete_ns = coalesce(complete_ns, ?3) WHERE run_id = ?1 AND host_id = ?2";
// A host sampled twice at one instant (a tick and its departure) keeps the later counters.
constexpr std::string_view insert_sample_sql =
    "INSERT OR REPLACE INTO samples (run_id, host_id, time_ns, uploaded_bytes, downloaded_bytes, "
    "connections, pieces_have, unchoked_peers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view insert_availability_sql =
    "INSERT OR REPLACE INTO availability (run_id, time_ns, hosts_present, copies_min, copies_max, "
    "copies_mean, rarest_piece, pieces_at_min, copies) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

}  // namespace

BatchWriter::BatchWriter(Database& database, std::int64_t run_id, std::size_t rows_per_transaction)
    : database_(database),
      run_id_(run_id),
      rows_per_transaction_(rows_per_transaction),
      insert_event_(database, insert_event_sql),
      insert_host_(database, insert_host_sql),
      host_joined_(database, host_joined_sql),
      host_left_(database, host_left_sql),
      host_completed_(database, host_completed_sql),
      insert_sample_(database, insert_sample_sql),
      insert_availability_(database, insert_availability_sql) {
  assert(run_id > 0);
  assert(rows_per_transaction > 0);
}

BatchWriter::~BatchWriter() {
  abandon();
}

void BatchWriter::begin_if_needed() {
  if (!database_.autocommit()) return;
  database_.exec("BEGIN IMMEDIATE", "cannot start a transaction");
}

void BatchWriter::row_written() {
  ++rows_in_transaction_;
  ++rows_written_;
  if (rows_in_transaction_ >= rows_per_transaction_) flush();
  assert(rows_in_transaction_ < rows_per_transaction_);
}

void BatchWriter::flush() {
  if (!database_.autocommit()) database_.exec("COMMIT", "cannot commit");
  rows_in_transaction_ = 0;
  assert(database_.autocommit());
}

void BatchWriter::abandon() noexcept {
  rollback_quietly(database_);
  rows_in_transaction_ = 0;
}

void BatchWriter::insert_event(const EventRow& row) {
  begin_if_needed();
  Statement& statement = insert_event_;
  statement.bind(1, run_id_);
  statement.bind(2, row.time_ns);
  statement.bind(3, row.host);
  statement.bind(4, to_string(row.kind));
  statement.bind(5, row.remote_host);
  bind_text_or_null(statement, 6, row.remote_address);
  statement.bind(7, row.piece);
  statement.bind(8, row.offset_bytes);
  statement.bind(9, row.length_bytes);
  statement.bind(10, row.peer_count);
  bind_text_or_null(statement, 11, row.extra);
  statement.run();
  digest_.add(row.time_ns);
  digest_.add(row.host);
  digest_.add(to_string(row.kind));
  digest_.add(row.remote_host);
  digest_.add(cut(row.remote_address));
  digest_.add(row.piece);
  digest_.add(row.offset_bytes);
  digest_.add(row.length_bytes);
  digest_.add(row.peer_count);
  digest_.add(cut(row.extra));
  digest_.end_row(tag_event);
  row_written();
}

void BatchWriter::insert_host(const HostInfo& host) {
  begin_if_needed();
  const std::string address = host.addresses.empty() ? "" : host.addresses.front().to_string();
  Statement& statement = insert_host_;
  statement.bind(1, run_id_);
  statement.bind(2, std::int64_t{host.id});
  statement.bind(3, to_string(host.role));
  statement.bind(4, cut(host.group));
  statement.bind(5, cut(host.bandwidth_class));
  statement.bind(6, host.upload_bytes_per_second);
  statement.bind(7, host.download_bytes_per_second);
  bind_text_or_null(statement, 8, address);
  statement.run();
  digest_.add(std::int64_t{host.id});
  digest_.add(to_string(host.role));
  digest_.add(cut(host.group));
  digest_.add(cut(host.bandwidth_class));
  digest_.add(host.upload_bytes_per_second);
  digest_.add(host.download_bytes_per_second);
  digest_.add(address);
  digest_.end_row(tag_host);
  row_written();
}

void BatchWriter::update_host(Statement& statement, ActorId host, std::int64_t time_ns,
                              std::uint8_t tag) {
  statement.bind(1, run_id_);
  statement.bind(2, std::int64_t{host});
  statement.bind(3, time_ns);
  statement.run();
  digest_.add(std::int64_t{host});
  digest_.add(time_ns);
  digest_.end_row(tag);
  row_written();
}

void BatchWriter::update_host_joined(ActorId host, std::int64_t time_ns,
                                     std::uint32_t pieces_held) {
  begin_if_needed();
  host_joined_.bind(4, std::int64_t{pieces_held});
  digest_.add(std::int64_t{pieces_held});
  update_host(host_joined_, host, time_ns, tag_host_joined);
}

void BatchWriter::update_host_left(ActorId host, std::int64_t time_ns) {
  begin_if_needed();
  update_host(host_left_, host, time_ns, tag_host_left);
}

void BatchWriter::update_host_completed(ActorId host, std::int64_t time_ns) {
  begin_if_needed();
  update_host(host_completed_, host, time_ns, tag_host_completed);
}

void BatchWriter::insert_sample(std::int64_t time_ns, const HostSample& sample) {
  begin_if_needed();
  Statement& statement = insert_sample_;
  statement.bind(1, run_id_);
  statement.bind(2, std::int64_t{sample.host});
  statement.bind(3, time_ns);
  statement.bind(4, Statement::to_int64(sample.uploaded_bytes));
  statement.bind(5, Statement::to_int64(sample.downloaded_bytes));
  statement.bind(6, std::int64_t{sample.connections});
  statement.bind(7, std::int64_t{sample.pieces_have});
  statement.bind(8, sample.unchoked_peers);
  statement.run();
  digest_.add(std::int64_t{sample.host});
  digest_.add(time_ns);
  digest_.add(Statement::to_int64(sample.uploaded_bytes));
  digest_.add(Statement::to_int64(sample.downloaded_bytes));
  digest_.add(std::int64_t{sample.connections});
  digest_.add(std::int64_t{sample.pieces_have});
  digest_.add(sample.unchoked_peers);
  digest_.end_row(tag_sample);
  row_written();
}

void BatchWriter::insert_availability(std::int64_t time_ns,
                                      const PieceAvailability::Summary& summary,
                                      std::span<const std::uint8_t> copies_blob) {
  begin_if_needed();
  Statement& statement = insert_availability_;
  statement.bind(1, run_id_);
  statement.bind(2, time_ns);
  statement.bind(3, std::int64_t{summary.hosts_present});
  statement.bind(4, std::int64_t{summary.copies_min});
  statement.bind(5, std::int64_t{summary.copies_max});
  statement.bind(6, summary.copies_mean);
  statement.bind(7, summary.rarest_piece);
  statement.bind(8, std::int64_t{summary.pieces_at_min});
  if (copies_blob.empty()) {
    statement.bind_null(9);
  } else {
    statement.bind(9, copies_blob);
  }
  statement.run();
  digest_.add(time_ns);
  digest_.add(std::int64_t{summary.hosts_present});
  digest_.add(std::int64_t{summary.copies_min});
  digest_.add(std::int64_t{summary.copies_max});
  digest_.add(std::int64_t{summary.pieces_at_min});
  digest_.add(summary.rarest_piece);
  digest_.add(
      std::string_view(reinterpret_cast<const char*>(copies_blob.data()), copies_blob.size()));
  digest_.end_row(tag_availability);
  row_written();
}

}  // namespace swarmlab::record
