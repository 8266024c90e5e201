// Thin RAII wrappers over the SQLite C API: Database, Statement, CachedStatement,
// Transaction.
//
// Every fallible call returns a Status / Result; SQLite result codes map to Status codes
// (SQLITE_BUSY/LOCKED -> Unavailable, SQLITE_CORRUPT/NOTADB -> Corruption, UNIQUE and
// PRIMARY KEY constraints -> AlreadyExists, other constraints and SQL errors ->
// InvalidArgument, MISUSE -> Internal, the rest -> IOError). Messages carry SQLite's
// own text.
//
// All SQL with values goes through prepared statements with bound parameters; exec()
// is for schema and PRAGMA text only.
//
// Thread safety: a Database and everything obtained from it are used by one thread at
// a time (connections are opened with SQLITE_OPEN_NOMUTEX). Handing a connection to
// another thread is fine when the hand-over is synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace docket::projections {

// How a connection is opened and tuned.
struct DatabaseOptions {
  bool read_only = false;  // SQLITE_OPEN_READONLY + PRAGMA query_only
  bool create = true;      // create the file when missing (ignored when read_only)
  // "WAL", "DELETE", "OFF", … ; empty leaves the file's mode unchanged.
  std::string journal_mode = "WAL";
  // "OFF", "NORMAL", "FULL"; empty leaves the default (FULL).
  std::string synchronous = "NORMAL";
  int busy_timeout_ms = 5000;
  // WAL pages after which a commit checkpoints (PRAGMA wal_autocheckpoint); 0 keeps
  // SQLite's default (1000).
  int wal_autocheckpoint_pages = 0;
  // Bytes of the database file read through a memory map (PRAGMA mmap_size) instead
  // of read() calls into the connection's own cache; 0 turns it off.
  std::int64_t mmap_bytes = 0;
  int cache_size_kib = 16 * 1024;
  bool foreign_keys = true;
  // Interpret `path` as a URI ("file:…?mode=ro"); needed for ":memory:" mains that
  // ATTACH URIs.
  bool uri = false;

  // A live read model written by the engine: WAL, synchronous=NORMAL; the engine's
  // checkpointer thread checkpoints it, so a commit does so itself only past 20,000
  // WAL pages (80 MiB), a backstop should the checkpointer fall behind. A 64 MiB page
  // cache and the file read through a 1 GiB memory map.
  static DatabaseOptions writer();
  // A read-only connection to a live read model; reads the file through a 1 GiB
  // memory map. (A connection's page cache is dropped whenever another connection
  // commits, which the writer does every group: without the map, every query after a
  // write would copy its pages in again.)
  static DatabaseOptions reader();
  // A file built from scratch and thrown away when the process dies mid-way: no
  // journal, no fsync, a large cache. Switch to a safe mode before keeping it.
  static DatabaseOptions bulk_load();
};

class Database;

// One prepared statement. Parameter indexes are 1-based (as in SQLite), column indexes
// 0-based. Text returned by column_text() is valid until the next step(), reset() or
// destruction. Move-only; finalized on destruction.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  // The SQL text the statement was prepared from.
  std::string_view sql() const;

  // Binders. InvalidArgument when `index` is out of range or, for uint64, the value
  // does not fit an SQLite integer (> INT64_MAX). Text is copied.
  Status bind(int index, std::int64_t value);
  Status bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Status bind(int index, std::uint64_t value);
  Status bind(int index, double value);
  Status bind(int index, std::string_view value);
  Status bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Status bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Status bind(int index, std::nullopt_t) { return bind_null(index); }
  Status bind_null(int index);
  template <typename T>
  Status bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // Binds args to parameters 1..N in order; stops at the first error.
  template <typename... Args>
  Status bind_all(const Args&... args) {
    Status status;
    int index = 0;
    auto bind_next = [&](const auto& arg) {
      if (status.ok()) status = bind(++index, arg);
    };
    (bind_next(args), ...);
    return status;
  }

  // Runs the statement one step: true when a row is available through the column
  // getters, false when the statement has finished. An error leaves the statement
  // needing reset().
  Result<bool> step();
  // Steps until done (rows are discarded), then resets. For INSERT/UPDATE/DELETE.
  Status run();

  // Column getters. REQUIRES: the last step() returned true; 0 <= col < column_count().
  int column_count() const;
  bool column_is_null(int col) const;
  std::int64_t column_int64(int col) const;
  double column_double(int col) const;
  std::string_view column_text(int col) const;  // "" for NULL
  std::optional<std::int64_t> column_optional_int64(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  std::string_view column_name(int col) const;

  // Makes the statement ready to run again and clears its bindings. Ends the read
  // transaction the statement held open (in autocommit mode).
  void reset();

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Status error(int rc) const;

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;  // the owning connection, for error messages
};

// A statement borrowed from Database::cached(). Reset (bindings cleared) when the
// handle is destroyed, so a cached statement never holds a read transaction open.
// REQUIRES: destroyed before its Database; a cached statement is borrowed by at most
// one handle at a time.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept;
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  Statement& operator*() { return *stmt_; }
  Statement* operator->() { return stmt_; }

 private:
  friend class Database;
  CachedStatement(Statement* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}

  Statement* stmt_;
  bool* in_use_;
};

// One SQLite connection. Not copyable or movable (cached statements point into it);
// owned through std::unique_ptr.
class Database {
 public:
  // Opens `path` (":memory:" for an in-memory database) and applies `options`.
  // NotFound when the file is missing and may not be created.
  static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                const DatabaseOptions& options);

  // Finalizes every cached statement and closes the connection. REQUIRES: no
  // Statement prepared from this Database and no CachedStatement outlives it.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Runs SQL text without parameters: one or more statements separated by ';'.
  Status exec(std::string_view sql);
  // Prepares one statement owned by the caller.
  Result<Statement> prepare(std::string_view sql);
  // Returns the statement prepared once for this exact SQL text and kept for the life
  // of the connection. FailedPrecondition when it is already borrowed.
  Result<CachedStatement> cached(std::string_view sql);
  // Reads the first column of the first row of `sql` as an integer (PRAGMA helpers).
  // NotFound when the statement returns no row.
  Result<std::int64_t> query_int64(std::string_view sql);

  // Explicit transactions. begin() takes the write lock at once (BEGIN IMMEDIATE) on
  // a writable connection; a read-only connection starts a deferred (read) transaction.
  Status begin();
  Status commit();
  Status rollback();
  // True between begin() and commit()/rollback().
  bool in_transaction() const;

  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;

  // The raw handle, for SQLite features these wrappers do not cover.
  sqlite3* handle() { return db_; }

 private:
  struct CacheEntry {
    Statement stmt;
    bool in_use = false;
  };

  Database(sqlite3* db, std::string path, bool read_only)
      : db_(db), path_(std::move(path)), read_only_(read_only) {}

  sqlite3* db_;
  std::string path_;
  bool read_only_;
  // Looked up by std::string_view without building a key string.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<CacheEntry>, SqlHash, std::equal_to<>> cache_;
};

// Scoped transaction: rolls back on destruction unless committed.
// REQUIRES: the Database outlives the Transaction.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status commit();
  Status rollback();
  bool active() const { return db_ != nullptr; }

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or rolled back
};

// Maps an SQLite result code plus context to a Status.
Status sqlite_status(int rc, std::string_view context);

}  // namespace docket::projections
