// The rows of one run, written through prepared statements into a write transaction that stays
// open across rows: it commits every `rows_per_transaction` rows and at every flush() (the recorder
// flushes at each sampling tick and at the end of the run). A crash therefore loses at most the
// rows since the last commit and never leaves a partial row; the database stays consistent because
// SQLite rolls back an unfinished transaction when the file is next opened.
#pragma once

#include "record/event_kind.hpp"
#include "record/piece_availability.hpp"
#include "record/row_digest.hpp"
#include "record/run.hpp"
#include "record/sqlite.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace swarmlab::record {

// One row of the `events` table (run id aside). Empty texts are written as NULL.
struct EventRow {
  std::int64_t time_ns = 0;
  std::optional<ActorId> host;
  EventKind kind = EventKind::joined;
  std::optional<ActorId> remote_host;
  std::string_view remote_address;
  std::optional<std::uint32_t> piece;
  std::optional<std::uint32_t> offset_bytes;
  std::optional<std::uint32_t> length_bytes;
  std::optional<std::uint64_t> peer_count;
  std::string_view extra;
};

class BatchWriter {
 public:
  // Texts longer than this (reasons, fault descriptions, URLs) are cut: they describe, they are
  // not data.
  static constexpr std::size_t text_size_max = 1024;

  BatchWriter(Database& database, std::int64_t run_id, std::size_t rows_per_transaction);
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;
  ~BatchWriter();

  void insert_event(const EventRow& row);
  void insert_host(const HostInfo& host);
  void update_host_joined(ActorId host, std::int64_t time_ns, std::uint32_t pieces_held);
  void update_host_left(ActorId host, std::int64_t time_ns);
  void update_host_completed(ActorId host, std::int64_t time_ns);
  void insert_sample(std::int64_t time_ns, const HostSample& sample);
  void insert_availability(std::int64_t time_ns, const PieceAvailability::Summary& summary,
                           std::span<const std::uint8_t> copies_blob);

  // Commits the open transaction, if any.
  void flush();
  // Drops the open transaction (after an error).
  void abandon() noexcept;

  std::int64_t run_id() const { return run_id_; }
  std::uint64_t rows_written() const { return rows_written_; }
  // The digest of every row written so far (see RowDigest); starts over.
  std::string finish_digest() { return digest_.finish(); }

 private:
  void begin_if_needed();
  void row_written();
  void update_host(Statement& statement, ActorId host, std::int64_t time_ns, std::uint8_t tag);

  Database& database_;
  std::int64_t run_id_;
  std::size_t rows_per_transaction_;
  std::size_t rows_in_transaction_ = 0;
  std::uint64_t rows_written_ = 0;
  RowDigest digest_;
  Statement insert_event_;
  Statement insert_host_;
  Statement host_joined_;
  Statement host_left_;
  Statement host_completed_;
  Statement insert_sample_;
  Statement insert_availability_;
};

}  // namespace swarmlab::record
