#include "projections/sqlite.h"

#include <sqlite3.h>

#include <cassert>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <mutex>
#include <string>

namespace docket::projections {
namespace {

bool is_blank_sql(const char* tail) {
  for (; *tail != '\0'; ++tail) {
    if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
      return false;
    }
  }
  return true;
}

std::string connection_error(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return msg;
}

// Reads one text value (PRAGMA journal_mode answers with the mode now in force).
Result<std::string> query_text(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(rc, connection_error(db, rc, sql));
  rc = sqlite3_step(stmt);
  std::string text;
  if (rc == SQLITE_ROW) {
    const unsigned char* p = sqlite3_column_text(stmt, 0);
    if (p != nullptr) text = reinterpret_cast<const char*>(p);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  Status status = rc == SQLITE_OK ? Status::Ok() : sqlite_status(rc, connection_error(db, rc, sql));
  sqlite3_finalize(stmt);
  if (!status.ok()) return status;
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Status sqlite_status(int rc, std::string_view message) {
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(message);
    case SQLITE_FULL:
      return Status::NoSpace(message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(message);
      }
      return Status::InvalidArgument(message);
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(message);
    case SQLITE_MISUSE:
    case SQLITE_NOMEM:
    case SQLITE_INTERNAL:
      return Status::Internal(message);
    default:
      return Status::IOError(message);
  }
}

// ---------------------------------------------------------------------------------
// DatabaseOptions

DatabaseOptions DatabaseOptions::writer() {
  DatabaseOptions o;
  o.wal_autocheckpoint_pages = 20000;
  // Pages the projection reads back (index interior pages, the rows it updates) come
  // from the map instead of a pread copy each.
  o.mmap_bytes = std::int64_t{1} << 30;
  o.cache_size_kib = 64 * 1024;
  return o;
}

DatabaseOptions DatabaseOptions::reader() {
  DatabaseOptions o;
  o.read_only = true;
  o.create = false;
  o.journal_mode.clear();
  o.synchronous.clear();
  o.foreign_keys = false;
  o.mmap_bytes = std::int64_t{1} << 30;
  return o;
}

DatabaseOptions DatabaseOptions::bulk_load() {
  DatabaseOptions o;
  o.journal_mode = "OFF";
  o.synchronous = "OFF";
  o.cache_size_kib = 256 * 1024;
  o.foreign_keys = false;
  return o;
}

// ---------------------------------------------------------------------------------
// Statement

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) {
  other.stmt_ = nullptr;
  other.db_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    other.stmt_ = nullptr;
    other.db_ = nullptr;
  }
  return *this;
}

std::string_view Statement::sql() const {
  const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
  return text != nullptr ? std::string_view(text) : std::string_view();
}

Status Statement::error(int rc) const {
  std::string context = "sqlite: ";
  std::string_view text = sql();
  context.append(text.substr(0, 120));
  return sqlite_status(rc, connection_error(db_, rc, context));
}

Status Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  return rc == SQLITE_OK ? Status::Ok() : error(rc);
}

Status Statement::bind(int index, std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidArgument("sqlite: integer parameter does not fit 64-bit signed");
  }
  return bind(index, static_cast<std::int64_t>(value));
}

Status Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  return rc == SQLITE_OK ? Status::Ok() : error(rc);
}

Status Statement::bind(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return rc == SQLITE_OK ? Status::Ok() : error(rc);
}

Status Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  return rc == SQLITE_OK ? Status::Ok() : error(rc);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error(rc);
}

Status Statement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row.ok()) {
      Status status = row.status();
      reset();
      return status;
    }
    if (!*row) break;
  }
  reset();
  return Status::Ok();
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}

bool Statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::column_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string_view Statement::column_text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  int n = sqlite3_column_bytes(stmt_, col);
  return std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::optional<std::int64_t> Statement::column_optional_int64(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_int64(col);
}

std::optional<std::string> Statement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return std::string(column_text(col));
}

std::string_view Statement::column_name(int col) const {
  const char* name = sqlite3_column_name(stmt_, col);
  return name != nullptr ? std::string_view(name) : std::string_view();
}

void Statement::reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// ---------------------------------------------------------------------------------
// CachedStatement

CachedStatement::CachedStatement(CachedStatement&& other) noexcept
    : stmt_(other.stmt_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

CachedStatement::~CachedStatement() {
  if (stmt_ == nullptr) return;
  stmt_->reset();
  *in_use_ = false;
}

// ---------------------------------------------------------------------------------
// Database

namespace {

// Process-wide settings, made before SQLite initializes (sqlite3_config must precede
// the first open). Memory statistics take a global mutex on every allocation; nothing
// reads them.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                 const DatabaseOptions& options) {
  configure_sqlite_once();
  const bool in_memory = path == ":memory:";
  if (options.read_only && !options.uri && !in_memory && !std::filesystem::exists(path)) {
    return Status::NotFound("sqlite: no database file " + path);
  }
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  if (options.uri) flags |= SQLITE_OPEN_URI;

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = connection_error(raw, rc, "sqlite: open " + path);
    sqlite3_close(raw);
    if ((rc & 0xff) == SQLITE_CANTOPEN && !options.uri && !in_memory &&
        !std::filesystem::exists(path)) {
      return Status::NotFound(msg);
    }
    return sqlite_status(rc, msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::unique_ptr<Database> db(new Database(raw, path, options.read_only));

  // The first statement reads the file header: a file that is not a database fails
  // here, at open, rather than on the first query.
  std::string pragmas = "PRAGMA cache_size=-" + std::to_string(options.cache_size_kib) + ";";
  if (options.mmap_bytes > 0)
    pragmas += "PRAGMA mmap_size=" + std::to_string(options.mmap_bytes) + ";";
  if (options.read_only) {
    pragmas += "PRAGMA query_only=1;";
  } else {
    if (!options.synchronous.empty()) pragmas += "PRAGMA synchronous=" + options.synchronous + ";";
    if (options.wal_autocheckpoint_pages > 0) {
      pragmas +=
          "PRAGMA wal_autocheckpoint=" + std::to_string(options.wal_autocheckpoint_pages) + ";";
    }
    pragmas += options.foreign_keys ? "PRAGMA foreign_keys=ON;" : "PRAGMA foreign_keys=OFF;";
  }
  if (Status s = db->exec(pragmas); !s.ok()) return s;
  Result<std::int64_t> schema = db->query_int64("PRAGMA schema_version");
  if (!schema.ok()) return schema.status();

  if (!options.read_only && !options.journal_mode.empty() && !in_memory) {
    Result<std::string> mode = query_text(raw, "PRAGMA journal_mode=" + options.journal_mode);
    if (!mode.ok()) return mode.status();
    if (!iequals(*mode, options.journal_mode)) {
      return Status::IOError("sqlite: " + path + " stays in journal_mode " + *mode + ", wanted " +
                             options.journal_mode);
    }
  }
  return db;
}

Database::~Database() {
  cache_.clear();
  // Invariant: every statement prepared from this connection is finalized, so the
  // close is immediate (a WAL database is checkpointed and its -wal removed when this
  // is the last connection).
  int rc = sqlite3_close(db_);
  assert(rc == SQLITE_OK && "a Statement outlived its Database");
  if (rc != SQLITE_OK) sqlite3_close_v2(db_);
}

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = "sqlite: ";
  msg += err != nullptr ? err : sqlite3_errstr(rc);
  msg += " in: ";
  msg += text.substr(0, 120);
  sqlite3_free(err);
  return sqlite_status(rc, msg);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    std::string context = "sqlite: prepare ";
    context.append(sql.substr(0, 120));
    return sqlite_status(rc, connection_error(db_, rc, context));
  }
  Statement statement(stmt, db_);
  if (stmt == nullptr) return Status::InvalidArgument("sqlite: prepare: no statement in SQL text");
  std::string rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!is_blank_sql(rest.c_str())) {
    return Status::InvalidArgument("sqlite: prepare: more than one statement in SQL text");
  }
  return statement;
}

Result<CachedStatement> Database::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    Result<Statement> stmt = prepare(sql);
    if (!stmt.ok()) return stmt.status();
    auto entry = std::make_unique<CacheEntry>();
    entry->stmt = std::move(stmt).value();
    it = cache_.emplace(std::string(sql), std::move(entry)).first;
  }
  CacheEntry& entry = *it->second;
  if (entry.in_use) {
    return Status::FailedPrecondition("sqlite: cached statement already borrowed: " +
                                      std::string(sql.substr(0, 120)));
  }
  entry.in_use = true;
  return CachedStatement(&entry.stmt, &entry.in_use);
}

Result<std::int64_t> Database::query_int64(std::string_view sql) {
  Result<Statement> stmt = prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("sqlite: no row from " + std::string(sql.substr(0, 120)));
  return stmt->column_int64(0);
}

Status Database::begin() {
  Result<CachedStatement> stmt = cached(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE");
  if (!stmt.ok()) return stmt.status();
  return (*stmt)->run();
}

Status Database::commit() {
  Result<CachedStatement> stmt = cached("COMMIT");
  if (!stmt.ok()) return stmt.status();
  return (*stmt)->run();
}

Status Database::rollback() {
  Result<CachedStatement> stmt = cached("ROLLBACK");
  if (!stmt.ok()) return stmt.status();
  return (*stmt)->run();
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

// ---------------------------------------------------------------------------------
// Transaction

Result<Transaction> Transaction::begin(Database& db) {
  if (Status s = db.begin(); !s.ok()) return s;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) {
  other.db_ = nullptr;
}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->in_transaction()) db_->rollback();
}

Status Transaction::commit() {
  if (db_ == nullptr) return Status::FailedPrecondition("transaction already finished");
  Status status = db_->commit();
  // A failed COMMIT (SQLITE_BUSY, I/O) may leave the transaction open; the destructor
  // then rolls it back.
  if (status.ok()) db_ = nullptr;
  return status;
}

Status Transaction::rollback() {
  if (db_ == nullptr) return Status::FailedPrecondition("transaction already finished");
  Database* db = db_;
  db_ = nullptr;
  if (!db->in_transaction()) return Status::Ok();
  return db->rollback();
}

}  // namespace docket::projections
