#include "record/recorder.hpp"
#include "record/schema.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <string>

namespace swarmlab::record {
namespace {

using testing::at_ms;
using testing::query;
using testing::query_value;
using testing::Rows;
using testing::ScratchDirectory;
using testing::small_run;

// Runs `open` and returns the Error it throws (failing the test if it throws nothing).
template <class Open>
Error error_of(Open&& open) {
  try {
    open();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error";
  return Error(-1, "");
}

bool contains(const Error& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* connection = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &connection), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(connection, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(connection);
  sqlite3_close(connection);
}

TEST(OpenResults, NewFileGetsTheSchemaAndWal) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("new.sqlite");
  { Recorder recorder(path); }
  EXPECT_EQ(
      query(path, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name"),
      (Rows{{"availability"}, {"download_times"}, {"events"}, {"hosts"}, {"runs"}, {"samples"}}));
  EXPECT_EQ(query_value(path, "PRAGMA application_id"), std::to_string(application_id));
  EXPECT_EQ(query_value(path, "PRAGMA user_version"), std::to_string(schema_version));
  EXPECT_EQ(query_value(path, "PRAGMA journal_mode"), "wal");
}

TEST(OpenResults, ExistingFileGetsTheNextRun) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("append.sqlite");
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Recorder recorder(path);
    EXPECT_EQ(recorder.begin_run(small_run(seed)), static_cast<std::int64_t>(seed));
    recorder.finish_run(at_ms(10), "", Outcome::completed);
  }
  EXPECT_EQ(query(path, "SELECT id, seed FROM runs ORDER BY id"),
            (Rows{{"1", "1"}, {"2", "2"}, {"3", "3"}}));
}

TEST(OpenResults, NewFileModeRefusesAnExistingFile) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("exists.sqlite");
  { Recorder recorder(path); }
  RecorderOptions options;
  options.open.mode = OpenMode::new_file;
  const Error error = error_of([&] { Recorder recorder(path, options); });
  EXPECT_TRUE(contains(error, path + ": already exists")) << error.what();
  // A fresh name is fine.
  EXPECT_NO_THROW(Recorder(scratch.file("fresh.sqlite"), options));
}

TEST(OpenResults, MissingDirectoryIsAClearError) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("no/such/dir/run.sqlite");
  const Error error = error_of([&] { Recorder recorder(path); });
  EXPECT_EQ(error.primary_code(), SQLITE_CANTOPEN);
  EXPECT_TRUE(contains(error, path + ": cannot open")) << error.what();
}

TEST(OpenResults, DirectoryIsAClearError) {
  ScratchDirectory scratch;
  const Error error = error_of([&] { Recorder recorder(scratch.path().string()); });
  EXPECT_EQ(error.primary_code(), SQLITE_CANTOPEN);
  EXPECT_TRUE(contains(error, scratch.path().string())) << error.what();
}

TEST(OpenResults, TextFileIsNotADatabase) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("notes.sqlite");
  std::ofstream(path) << std::string(4096, 'x');
  const Error error = error_of([&] { Recorder recorder(path); });
  EXPECT_EQ(error.primary_code(), SQLITE_NOTADB);
  EXPECT_TRUE(contains(error, path)) << error.what();
  EXPECT_TRUE(contains(error, "not a database")) << error.what();
  // The file is left as it was.
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string(4096, 'x'));
}

TEST(OpenResults, OtherProgramsDatabaseIsRefusedUntouched) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("other.sqlite");
  raw_exec(path, "CREATE TABLE customers (name TEXT)");
  const Error error = error_of([&] { Recorder recorder(path); });
  EXPECT_EQ(error.sqlite_code(), 0);
  EXPECT_TRUE(contains(error, path + ": not a swarmlab results database")) << error.what();
  EXPECT_EQ(query_value(path, "PRAGMA journal_mode"), "delete");
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM sqlite_schema"), "1");
}

TEST(OpenResults, OtherSchemaVersionIsRefused) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("future.sqlite");
  { Recorder recorder(path); }
  raw_exec(path, "PRAGMA user_version = 99");
  const Error error = error_of([&] { Recorder recorder(path); });
  EXPECT_TRUE(contains(error, "schema version 99")) << error.what();
}

TEST(OpenResults, LockedDatabaseFailsAfterTheBusyTimeout) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("locked.sqlite");
  { Recorder recorder(path); }
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  RecorderOptions options;
  options.open.busy_timeout = std::chrono::milliseconds(50);
  const Error error = error_of([&] {
    Recorder recorder(path, options);
    recorder.begin_run(small_run());
  });
  EXPECT_EQ(error.primary_code(), SQLITE_BUSY);
  EXPECT_TRUE(contains(error, "locked")) << error.what();
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
}

}  // namespace
}  // namespace swarmlab::record
