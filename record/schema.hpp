// Opening a results database: creating the schema (record/schema.sql) in a new file, or checking
// that an existing file is a swarmlab results database of the schema version this build writes.
// Runs are appended to an existing database (each gets the next `runs.id`), so one file can collect
// a comparison (two pickers, several seeds); OpenMode::new_file refuses an existing file instead.
#pragma once

#include "record/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace swarmlab::record {

inline constexpr std::int64_t schema_version = 1;
// 'SWLB', in PRAGMA application_id: tells a swarmlab database from any other SQLite file.
inline constexpr std::int64_t application_id = 0x53574C42;

enum class OpenMode : std::uint8_t {
  // Add runs to the file, creating it if absent.
  append,
  // Refuse a file that exists and is not empty.
  new_file,
};

struct OpenOptions {
  OpenMode mode = OpenMode::append;
  // How long to wait for another process that holds the write lock before failing with
  // SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
  // Stop writing (SQLITE_FULL) once the file would grow past this size; nullopt: no limit but the
  // disk's.
  std::optional<std::uint64_t> size_max_bytes;
};

// The events indices (record/indices.sql): dropped while a run writes, built when it ends.
void drop_event_indices(Database& database);
void create_event_indices(Database& database);

// Opens `path` for recording: WAL journal, synchronous=NORMAL, foreign keys on. Throws Error with
// a message naming the file and the problem.
Database open_results_database(const std::string& path, const OpenOptions& options);

}  // namespace swarmlab::record
