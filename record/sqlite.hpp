// Small RAII wrappers over the SQLite C API: a connection (Database), a prepared statement
// (Statement) and a transaction guard (Transaction). Every SQLite failure becomes a record::Error
// that names the database file, what was being done and SQLite's own explanation, and keeps the
// SQLite result code so callers can tell a full disk (SQLITE_FULL) from a lock (SQLITE_BUSY) or a
// file that is not a database (SQLITE_NOTADB). Nothing here is thread-safe: a connection belongs to
// the one thread that runs the world.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace swarmlab::record {

class Error : public std::runtime_error {
 public:
  // `sqlite_code` is the (extended) SQLite result code, or 0 for errors found by swarmlab itself
  // (a database of another program, an unsupported schema version).
  Error(int sqlite_code, const std::string& message)
      : std::runtime_error(message), sqlite_code_(sqlite_code) {}

  int sqlite_code() const { return sqlite_code_; }
  // The primary result code (SQLITE_FULL, SQLITE_BUSY, ...), without the extended bits.
  int primary_code() const { return sqlite_code_ & 0xff; }

 private:
  int sqlite_code_;
};

class Database {
 public:
  // Opens (creating if `create` and absent) the database file at `path`. Throws Error.
  Database(std::string path, bool create);
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database() = default;

  // Runs one or more SQL statements that return no rows. Throws Error naming `what`.
  void exec(std::string_view sql, std::string_view what);
  // Runs a query whose first row has one integer column; nullopt when it returns no row.
  std::optional<std::int64_t> query_int(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  // True outside any transaction (SQLite's autocommit mode).
  bool autocommit() const;
  // Throws Error for the connection's last failure (`code` is the failing call's result).
  [[noreturn]] void fail(int code, std::string_view what) const;

  sqlite3* handle() const { return connection_.get(); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* connection) const;
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> connection_;
};

class Statement {
 public:
  Statement(Database& database, std::string_view sql);
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement() = default;

  // Parameters are numbered from 1, as in SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, std::span<const std::uint8_t> blob);
  void bind_null(int index);
  template <class T>
  void bind(int index, const std::optional<T>& value) {
    if (!value) {
      bind_null(index);
    } else if constexpr (std::is_integral_v<T>) {
      bind(index, to_int64(*value));
    } else {
      bind(index, *value);
    }
  }
  // Integers SQLite stores are signed 64-bit; larger unsigned values are a programming error.
  template <class T>
  static std::int64_t to_int64(T value) {
    static_assert(std::is_integral_v<T>);
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
      assert(value <= static_cast<std::uint64_t>(INT64_MAX));
    }
    return static_cast<std::int64_t>(value);
  }

  // Advances to the next row: true when a row is available, false when the statement is done.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  // Makes the statement ready to run again; keeps the bindings.
  void reset();

  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  [[noreturn]] void fail(int code, std::string_view what) const;
  void check_bind(int code, int index);

  Database* database_ = nullptr;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

// BEGIN IMMEDIATE on construction (taking the write lock at once, so that a locked database fails
// here rather than half-way); ROLLBACK on destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Database& database);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Database& database_;
  bool open_ = true;
};

// Rolls back the current transaction if one is open; never throws (used on error paths).
void rollback_quietly(Database& database) noexcept;

}  // namespace swarmlab::record
