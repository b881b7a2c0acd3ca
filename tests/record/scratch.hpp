// Test helpers for the recorder: a scratch directory removed after the test, and SQL read-back
// through the bare SQLite C API (independent of the wrappers under test).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

namespace swarmlab::record::testing {

class ScratchDirectory {
 public:
  ScratchDirectory() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string(info->test_suite_name()) + "." + info->name();
    path_ = std::filesystem::temp_directory_path() /
            ("swarmlab-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

using Rows = std::vector<std::vector<std::string>>;

// Every row of `sql`, each value as text ("NULL" for NULL). Fails the test on an SQL error.
inline Rows query(const std::string& path, const std::string& sql) {
  Rows rows;
  sqlite3* connection = nullptr;
  if (sqlite3_open_v2(path.c_str(), &connection, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(connection);
    sqlite3_close(connection);
    return rows;
  }
  auto collect = [](void* out, int columns, char** values, char**) {
    auto& table = *static_cast<Rows*>(out);
    table.emplace_back();
    for (int column = 0; column < columns; ++column) {
      table.back().emplace_back(values[column] != nullptr ? values[column] : "NULL");
    }
    return 0;
  };
  char* error = nullptr;
  if (sqlite3_exec(connection, sql.c_str(), collect, &rows, &error) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << (error != nullptr ? error : "?");
    sqlite3_free(error);
  }
  sqlite3_close(connection);
  return rows;
}

// The single value of a one-row, one-column query.
inline std::string query_value(const std::string& path, const std::string& sql) {
  const Rows rows = query(path, sql);
  if (rows.size() != 1 || rows.front().size() != 1) {
    ADD_FAILURE() << sql << ": expected one value, got " << rows.size() << " rows";
    return {};
  }
  return rows.front().front();
}

}  // namespace swarmlab::record::testing
