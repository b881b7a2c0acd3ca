#include "scenarios/rows_hash.hpp"

#include <sqlite3.h>

#include <memory>

namespace swarmlab::scenarios {

std::optional<std::string> read_rows_hash(const std::string& database_path, std::int64_t run_id) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(database_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> database(raw, &sqlite3_close);
  if (opened != SQLITE_OK) return std::nullopt;
  sqlite3_stmt* raw_statement = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT rows_hash FROM runs WHERE id = ?1", -1, &raw_statement,
                         nullptr) != SQLITE_OK) {
    return std::nullopt;
  }
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement,
                                                                             &sqlite3_finalize);
  sqlite3_bind_int64(raw_statement, 1, run_id);
  if (sqlite3_step(raw_statement) != SQLITE_ROW) return std::nullopt;
  const unsigned char* text = sqlite3_column_text(raw_statement, 0);
  if (text == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(text));
}

}  // namespace swarmlab::scenarios
