#include "record/sqlite.hpp"

#include <sqlite3.h>

#include <cassert>
#include <climits>
#include <utility>

namespace swarmlab::record {

namespace {

std::string describe(const std::string& path, std::string_view what, std::string_view reason) {
  std::string message = path;
  message += ": ";
  message += what;
  message += ": ";
  message += reason;
  return message;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Database

void Database::Closer::operator()(sqlite3* connection) const {
  // close_v2 defers the close until every statement is finalized, so destruction order between a
  // Database and its Statements never leaks or fails.
  sqlite3_close_v2(connection);
}

Database::Database(std::string path, bool create) : path_(std::move(path)) {
  assert(!path_.empty());
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
  // SQLite allocates a handle even on failure (except when out of memory); it must be closed.
  connection_.reset(raw);
  if (code != SQLITE_OK) {
    const char* reason = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(code);
    throw Error(code, describe(path_, "cannot open", reason));
  }
  assert(connection_ != nullptr);
  sqlite3_extended_result_codes(raw, 1);
}

void Database::exec(std::string_view sql, std::string_view what) {
  assert(connection_ != nullptr);
  const std::string text(sql);
  const int code = sqlite3_exec(handle(), text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(code, what);
}

std::optional<std::int64_t> Database::query_int(std::string_view sql) {
  Statement statement(*this, sql);
  if (!statement.step()) return std::nullopt;
  return statement.column_int(0);
}

std::int64_t Database::last_insert_rowid() const {
  assert(connection_ != nullptr);
  return sqlite3_last_insert_rowid(handle());
}

bool Database::autocommit() const {
  assert(connection_ != nullptr);
  return sqlite3_get_autocommit(handle()) != 0;
}

void Database::fail(int code, std::string_view what) const {
  assert(code != SQLITE_OK);
  // The connection's message describes the latest failure; fall back on the generic text of the
  // code when the connection has none (for instance when it was never opened).
  const char* reason = connection_ != nullptr ? sqlite3_errmsg(handle()) : sqlite3_errstr(code);
  throw Error(code, describe(path_, what, reason));
}

// ---------------------------------------------------------------------------------------------
// Statement

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Statement::Statement(Database& database, std::string_view sql) : database_(&database) {
  assert(!sql.empty());
  assert(sql.size() < static_cast<std::size_t>(INT_MAX));
  sqlite3_stmt* raw = nullptr;
  const int code = sqlite3_prepare_v3(database.handle(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  statement_.reset(raw);
  if (code != SQLITE_OK) database.fail(code, "cannot prepare a statement");
  assert(statement_ != nullptr);
}

void Statement::check_bind(int code, int index) {
  // A bind fails only for a programming error (bad index) or when out of memory.
  if (code == SQLITE_OK) return;
  assert(code != SQLITE_RANGE && "parameter index out of range");
  fail(code, "cannot bind parameter " + std::to_string(index));
}

void Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_.get(), index, value), index);
}

void Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(statement_.get(), index, value), index);
}

void Statement::bind(int index, std::string_view text) {
  assert(text.size() < static_cast<std::size_t>(INT_MAX));
  check_bind(sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT),
             index);
}

void Statement::bind(int index, std::span<const std::uint8_t> blob) {
  assert(blob.size() < static_cast<std::size_t>(INT_MAX));
  check_bind(sqlite3_bind_blob(statement_.get(), index, blob.data(), static_cast<int>(blob.size()),
                               SQLITE_TRANSIENT),
             index);
}

void Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(statement_.get(), index), index);
}

bool Statement::step() {
  assert(statement_ != nullptr);
  const int code = sqlite3_step(statement_.get());
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  // Reset so the statement can be reused once the caller has dealt with the error.
  sqlite3_reset(statement_.get());
  fail(code, "cannot execute a statement");
}

void Statement::run() {
  const bool has_row = step();
  assert(!has_row && "run() is for statements that return no rows");
  (void)has_row;
  reset();
}

void Statement::reset() {
  assert(statement_ != nullptr);
  sqlite3_reset(statement_.get());
}

std::int64_t Statement::column_int(int column) const {
  assert(column >= 0 && column < sqlite3_column_count(statement_.get()));
  return sqlite3_column_int64(statement_.get(), column);
}

double Statement::column_double(int column) const {
  assert(column >= 0 && column < sqlite3_column_count(statement_.get()));
  return sqlite3_column_double(statement_.get(), column);
}

std::string Statement::column_text(int column) const {
  assert(column >= 0 && column < sqlite3_column_count(statement_.get()));
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool Statement::column_is_null(int column) const {
  assert(column >= 0 && column < sqlite3_column_count(statement_.get()));
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

void Statement::fail(int code, std::string_view what) const {
  assert(database_ != nullptr);
  database_->fail(code, what);
}

// ---------------------------------------------------------------------------------------------
// Transaction

Transaction::Transaction(Database& database) : database_(database) {
  assert(database.autocommit() && "transactions do not nest");
  database_.exec("BEGIN IMMEDIATE", "cannot start a transaction");
}

Transaction::~Transaction() {
  if (open_) rollback_quietly(database_);
}

void Transaction::commit() {
  assert(open_);
  database_.exec("COMMIT", "cannot commit");
  open_ = false;
}

void rollback_quietly(Database& database) noexcept {
  if (database.handle() == nullptr || database.autocommit()) return;
  // A failure here leaves SQLite to roll back when the connection closes or the next statement
  // runs; there is nothing better to do on an error path.
  sqlite3_exec(database.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace swarmlab::record
