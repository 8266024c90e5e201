#include "scheduler/outbox.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/utf8.h"
#include "projections/sqlite.h"
#include "scheduler/mail_format.h"

namespace docket::scheduler {

using projections::CachedStatement;
using projections::Database;
using projections::DatabaseOptions;
using projections::Statement;
using projections::Transaction;

namespace {

// Version 2 of the outbox schema (1 + cursors); kept in PRAGMA user_version. Every
// statement is IF NOT EXISTS, so opening a version-1 file upgrades it.
constexpr std::int64_t kSchemaVersion = 2;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS messages (
  id              INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL,
  to_address      TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  dedupe_key      TEXT    NOT NULL UNIQUE,
  state           TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (next_attempt_at) WHERE state = 'queued';
CREATE TABLE IF NOT EXISTS cursors (
  name     TEXT    PRIMARY KEY,
  event_id INTEGER NOT NULL
);
)sql";

constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
constexpr std::size_t kMaxErrorBytes = 500;

MailState parse_state(std::string_view s) {
  if (s == "sent") return MailState::kSent;
  if (s == "dead") return MailState::kDead;
  return MailState::kQueued;
}

bool one_line(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Status validate(const OutgoingMail& mail) {
  if (mail.kind.empty() || !one_line(mail.kind)) return Status::InvalidArgument("outbox: bad kind");
  if (mail.dedupe_key.empty() || !one_line(mail.dedupe_key)) {
    return Status::InvalidArgument("outbox: bad dedupe key");
  }
  if (!is_valid_address(mail.to_address)) {
    return Status::InvalidArgument("outbox: to_address is not an e-mail address");
  }
  if (!one_line(mail.subject) || mail.subject.size() > 900 ||
      utf8_length(mail.subject) == std::string_view::npos) {
    return Status::InvalidArgument("outbox: subject must be one line of UTF-8 (900 bytes at most)");
  }
  if (mail.body.size() > kMaxBodyBytes || utf8_length(mail.body) == std::string_view::npos) {
    return Status::InvalidArgument("outbox: body must be UTF-8 (1 MiB at most)");
  }
  return Status::Ok();
}

constexpr std::string_view kSelectRecord =
    "SELECT id, kind, to_address, subject, body, dedupe_key, state, attempts, "
    "next_attempt_at, last_error, created_at, sent_at FROM messages ";

MailRecord read_record(const Statement& s) {
  MailRecord r;
  r.id = s.column_int64(0);
  r.kind = std::string(s.column_text(1));
  r.to_address = std::string(s.column_text(2));
  r.subject = std::string(s.column_text(3));
  r.body = std::string(s.column_text(4));
  r.dedupe_key = std::string(s.column_text(5));
  r.state = parse_state(s.column_text(6));
  r.attempts = static_cast<std::uint32_t>(s.column_int64(7));
  r.next_attempt_at = s.column_int64(8);
  r.last_error = std::string(s.column_text(9));
  r.created_at = s.column_int64(10);
  r.sent_at = s.column_optional_int64(11);
  return r;
}

}  // namespace

const char* mail_state_name(MailState state) {
  switch (state) {
    case MailState::kQueued:
      return "queued";
    case MailState::kSent:
      return "sent";
    case MailState::kDead:
      return "dead";
  }
  return "queued";
}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, const Clock& clock,
                                             OutboxOptions options) {
  if (options.max_attempts == 0) return Status::InvalidArgument("outbox: max_attempts is 0");
  options.jitter_fraction = std::clamp(options.jitter_fraction, 0.0, 1.0);
  DatabaseOptions db_options = DatabaseOptions::writer();
  db_options.synchronous = "FULL";  // an acknowledged enqueue survives a power loss
  db_options.cache_size_kib = 2 * 1024;
  auto db = Database::open(path, db_options);
  if (!db.ok()) return db.status();
  // Erased bodies are overwritten in the file, not just unlinked from the b-tree.
  if (Status s = (*db)->exec("PRAGMA secure_delete=ON"); !s.ok()) return s;
  auto version = (*db)->query_int64("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return Status::FailedPrecondition("outbox: " + path + " has schema version " +
                                      std::to_string(*version) + ", newer than this build");
  }
  if (Status s = (*db)->exec(kSchema); !s.ok()) return s;
  if (Status s = (*db)->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)); !s.ok()) {
    return s;
  }
  return std::unique_ptr<Outbox>(new Outbox(std::move(db).value(), clock, options));
}

Outbox::Outbox(std::unique_ptr<Database> db, const Clock& clock, OutboxOptions options)
    : db_(std::move(db)), clock_(clock), options_(options) {}

Outbox::~Outbox() = default;

Status Outbox::enqueue(const OutgoingMail& mail, bool* inserted) {
  if (Status s = validate(mail); !s.ok()) return s;
  const UnixMillis now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(
      "INSERT INTO messages (kind, to_address, subject, body, dedupe_key, state, attempts, "
      "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?) "
      "ON CONFLICT (dedupe_key) DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind_all(mail.kind, mail.to_address, mail.subject, mail.body,
                                   mail.dedupe_key, now, now);
      !s.ok()) {
    return s;
  }
  if (Status s = (*stmt)->run(); !s.ok()) return s;
  if (inserted != nullptr) *inserted = db_->changes() == 1;
  return Status::Ok();
}

Result<std::optional<std::uint64_t>> Outbox::cursor(const std::string& name) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("SELECT event_id FROM cursors WHERE name = ?");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind_all(name); !s.ok()) return s;
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  std::optional<std::uint64_t> out;
  if (*row) out = static_cast<std::uint64_t>((*stmt)->column_int64(0));
  (*stmt)->reset();
  return out;
}

Status Outbox::enqueue_through(std::span<const OutgoingMail> mails, const std::string& name,
                               std::uint64_t event_id) {
  for (const OutgoingMail& mail : mails) {
    if (Status s = validate(mail); !s.ok()) return s;
  }
  const UnixMillis now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto txn = Transaction::begin(*db_);
  if (!txn.ok()) return txn.status();
  if (!mails.empty()) {
    auto insert = db_->cached(
        "INSERT INTO messages (kind, to_address, subject, body, dedupe_key, state, attempts, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?) "
        "ON CONFLICT (dedupe_key) DO NOTHING");
    if (!insert.ok()) return insert.status();
    for (const OutgoingMail& mail : mails) {
      if (Status s = (*insert)->bind_all(mail.kind, mail.to_address, mail.subject, mail.body,
                                         mail.dedupe_key, now, now);
          !s.ok()) {
        return s;
      }
      if (Status s = (*insert)->run(); !s.ok()) return s;
    }
  }
  auto move = db_->cached(
      "INSERT INTO cursors (name, event_id) VALUES (?, ?) "
      "ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id");
  if (!move.ok()) return move.status();
  if (Status s = (*move)->bind_all(name, static_cast<std::int64_t>(event_id)); !s.ok()) return s;
  if (Status s = (*move)->run(); !s.ok()) return s;
  return txn->commit();
}

Result<std::vector<ClaimedMail>> Outbox::claim_due(std::size_t limit) {
  const UnixMillis now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto txn = Transaction::begin(*db_);
  if (!txn.ok()) return txn.status();
  std::vector<ClaimedMail> claimed;
  {
    auto select = db_->cached(
        "SELECT id, kind, to_address, subject, body, created_at, attempts FROM messages "
        "WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
    if (!select.ok()) return select.status();
    if (Status s = (*select)->bind_all(now, static_cast<std::int64_t>(limit)); !s.ok()) return s;
    for (;;) {
      auto row = (*select)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ClaimedMail m;
      m.id = (*select)->column_int64(0);
      m.kind = std::string((*select)->column_text(1));
      m.to_address = std::string((*select)->column_text(2));
      m.subject = std::string((*select)->column_text(3));
      m.body = std::string((*select)->column_text(4));
      m.created_at = (*select)->column_int64(5);
      m.attempts = static_cast<std::uint32_t>((*select)->column_int64(6));
      m.message_id =
          "<outbox." + std::to_string(m.id) + "." + std::to_string(m.created_at) + "@docket>";
      claimed.push_back(std::move(m));
    }
  }
  auto lease = db_->cached("UPDATE messages SET next_attempt_at = ? WHERE id = ?");
  if (!lease.ok()) return lease.status();
  for (const ClaimedMail& m : claimed) {
    if (Status s = (*lease)->bind_all(now + options_.claim_lease.count(), m.id); !s.ok()) return s;
    if (Status s = (*lease)->run(); !s.ok()) return s;
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  return claimed;
}

Status Outbox::mark_sent(std::int64_t id) {
  const UnixMillis now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(
      "UPDATE messages SET state = 'sent', attempts = attempts + 1, sent_at = ?, body = '', "
      "last_error = '' WHERE id = ? AND state = 'queued'");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind_all(now, id); !s.ok()) return s;
  if (Status s = (*stmt)->run(); !s.ok()) return s;
  if (db_->changes() != 1) {
    return Status::NotFound("outbox: no queued message " + std::to_string(id));
  }
  return Status::Ok();
}

std::chrono::milliseconds Outbox::backoff(std::uint32_t failed_attempts) const {
  std::chrono::milliseconds delay = options_.retry_base;
  for (std::uint32_t i = 1; i < failed_attempts && delay < options_.retry_cap; ++i)
    delay *= 2;
  return std::min(delay, options_.retry_cap);
}

Result<MailState> Outbox::mark_failed(std::int64_t id, const std::string& error, bool permanent) {
  const UnixMillis now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto txn = Transaction::begin(*db_);
  if (!txn.ok()) return txn.status();
  std::uint32_t attempts = 0;
  {
    auto select = db_->cached("SELECT attempts FROM messages WHERE id = ? AND state = 'queued'");
    if (!select.ok()) return select.status();
    if (Status s = (*select)->bind(1, id); !s.ok()) return s;
    auto row = (*select)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("outbox: no queued message " + std::to_string(id));
    attempts = static_cast<std::uint32_t>((*select)->column_int64(0)) + 1;
  }
  const bool dead = permanent || attempts >= options_.max_attempts;
  std::int64_t delay = backoff(attempts).count();
  if (options_.jitter_fraction > 0 && delay > 0) {
    const auto span = static_cast<std::uint32_t>(
        std::min<double>(static_cast<double>(delay) * options_.jitter_fraction, 4e9));
    if (span > 0) delay += random_uniform(span);
  }
  std::string last_error = error.substr(0, kMaxErrorBytes);
  {
    // A dead message keeps subject and address for the record; its body goes.
    auto update = db_->cached(
        "UPDATE messages SET attempts = ?, last_error = ?, next_attempt_at = ?, "
        "state = CASE WHEN ? THEN 'dead' ELSE 'queued' END, "
        "body = CASE WHEN ? THEN '' ELSE body END WHERE id = ?");
    if (!update.ok()) return update.status();
    if (Status s = (*update)->bind_all(static_cast<std::int64_t>(attempts), last_error, now + delay,
                                       dead ? 1 : 0, dead ? 1 : 0, id);
        !s.ok()) {
      return s;
    }
    if (Status s = (*update)->run(); !s.ok()) return s;
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  return dead ? MailState::kDead : MailState::kQueued;
}

Result<std::optional<UnixMillis>> Outbox::next_due() {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("SELECT MIN(next_attempt_at) FROM messages WHERE state = 'queued'");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<UnixMillis>();
  return (*stmt)->column_optional_int64(0);
}

Result<OutboxStats> Outbox::stats() {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(
      "SELECT COALESCE(SUM(state = 'queued'), 0), COALESCE(SUM(state = 'sent'), 0), "
      "COALESCE(SUM(state = 'dead'), 0), "
      "COALESCE(SUM(attempts - (state = 'sent')), 0) FROM messages");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  OutboxStats stats;
  if (*row) {
    stats.queued = static_cast<std::uint64_t>((*stmt)->column_int64(0));
    stats.sent = static_cast<std::uint64_t>((*stmt)->column_int64(1));
    stats.dead = static_cast<std::uint64_t>((*stmt)->column_int64(2));
    stats.failed_attempts = static_cast<std::uint64_t>((*stmt)->column_int64(3));
  }
  return stats;
}

Result<MailRecord> Outbox::get(std::int64_t id) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(std::string(kSelectRecord) + "WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind(1, id); !s.ok()) return s;
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("outbox: no message " + std::to_string(id));
  return read_record(**stmt);
}

Result<std::optional<MailRecord>> Outbox::find_by_dedupe_key(const std::string& dedupe_key) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(std::string(kSelectRecord) + "WHERE dedupe_key = ?");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind(1, dedupe_key); !s.ok()) return s;
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<MailRecord>();
  return std::optional<MailRecord>(read_record(**stmt));
}

}  // namespace docket::scheduler
