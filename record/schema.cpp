#include "record/schema.hpp"

#include "record/schema_sql.hpp"

#include <sqlite3.h>

#include <cassert>
#include <filesystem>
#include <string>
#include <system_error>

namespace swarmlab::record {

namespace {

void refuse_existing_file(const std::string& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (error || !exists) return;
  const auto size_bytes = std::filesystem::file_size(path, error);
  if (!error && size_bytes == 0) return;
  throw Error(0, path + ": already exists (refusing to add runs to it; choose a new file)");
}

bool is_empty_database(Database& database) {
  const auto objects = database.query_int("SELECT count(*) FROM sqlite_schema");
  assert(objects.has_value());
  return *objects == 0;
}

// Throws unless the file carries swarmlab's application id and this build's schema version.
void check_swarmlab_database(Database& database) {
  const auto id = database.query_int("PRAGMA application_id");
  const auto version = database.query_int("PRAGMA user_version");
  assert(id.has_value() && version.has_value());
  if (*id != application_id) {
    throw Error(0, database.path() +
                       ": not a swarmlab results database (a SQLite file of another program)");
  }
  if (*version != schema_version) {
    throw Error(0, database.path() + ": results schema version " + std::to_string(*version) +
                       ", but this swarmlab writes version " + std::to_string(schema_version));
  }
}

// Creates the schema unless another process did so first; both happen under the write lock.
void create_or_check_schema(Database& database) {
  Transaction transaction(database);
  if (is_empty_database(database)) {
    database.exec(schema_sql, "cannot create the results schema");
    database.exec(indices_sql, "cannot create the results indices");
    transaction.commit();
  }
  check_swarmlab_database(database);
}

void set_connection_options(Database& database, const OpenOptions& options) {
  sqlite3_busy_timeout(database.handle(), static_cast<int>(options.busy_timeout.count()));
  // Reading the header is the first access to the file: a file that is not a database fails here.
  const auto id = database.query_int("PRAGMA application_id");
  assert(id.has_value());
  if (*id != application_id && !is_empty_database(database)) check_swarmlab_database(database);
  database.exec("PRAGMA journal_mode = WAL", "cannot switch to the WAL journal");
  database.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
                "cannot set connection options");
  if (options.size_max_bytes) {
    const auto page_size = database.query_int("PRAGMA page_size");
    assert(page_size.has_value() && *page_size > 0);
    const auto pages = *options.size_max_bytes / static_cast<std::uint64_t>(*page_size);
    database.exec("PRAGMA max_page_count = " + std::to_string(pages == 0 ? 1 : pages),
                  "cannot set the size limit");
  }
}

}  // namespace

void drop_event_indices(Database& database) {
  // The names of record/indices.sql.
  database.exec("DROP INDEX IF EXISTS events_by_host; DROP INDEX IF EXISTS events_by_kind",
                "cannot drop the events indices");
}

void create_event_indices(Database& database) {
  database.exec(indices_sql, "cannot build the events indices");
}

Database open_results_database(const std::string& path, const OpenOptions& options) {
  if (path.empty()) throw Error(0, "results database: empty file name");
  if (options.mode == OpenMode::new_file) refuse_existing_file(path);
  Database database(path, /*create=*/true);
  set_connection_options(database, options);
  create_or_check_schema(database);
  assert(database.autocommit());
  return database;
}

}  // namespace swarmlab::record
