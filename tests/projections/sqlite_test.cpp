// The SQLite wrappers: opening, binding, stepping, caching, transactions and how
// SQLite errors surface as Status codes.
#include "projections/sqlite.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

std::unique_ptr<Database> open_writer(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::writer());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("a writer connection creates the file in WAL mode with synchronous=NORMAL") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    Result<Statement> mode = db->prepare("PRAGMA journal_mode");
    REQUIRE(mode.ok());
    REQUIRE(*mode->step());
    CHECK(mode->column_text(0) == "wal");
    CHECK(*db->query_int64("PRAGMA synchronous") == 1);  // NORMAL
    CHECK(*db->query_int64("PRAGMA foreign_keys") == 1);
    CHECK(*db->query_int64("PRAGMA busy_timeout") == 5000);
  }

  TEST_CASE("statements bind and read back integers, doubles, text, null and optionals") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    REQUIRE(db->exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, n TEXT, o INTEGER)").ok());
    Result<Statement> insert = db->prepare("INSERT INTO t VALUES(?1, ?2, ?3, ?4, ?5)");
    REQUIRE(insert.ok());
    const std::string with_nul("a\0b", 3);
    REQUIRE(insert
                ->bind_all(std::int64_t{-7}, 2.5, with_nul, std::nullopt,
                           std::optional<std::int64_t>(42))
                .ok());
    REQUIRE(insert->run().ok());
    CHECK(db->changes() == 1);
    REQUIRE(insert
                ->bind_all(std::uint64_t{9}, 0.0, "plain", std::optional<std::string>("x"),
                           std::optional<std::int64_t>())
                .ok());
    REQUIRE(insert->run().ok());

    Result<Statement> select = db->prepare("SELECT i, d, s, n, o FROM t ORDER BY i");
    REQUIRE(select.ok());
    CHECK(select->column_count() == 5);
    CHECK(select->column_name(2) == "s");
    REQUIRE(*select->step());
    CHECK(select->column_int64(0) == -7);
    CHECK(select->column_double(1) == 2.5);
    CHECK(select->column_text(2) == with_nul);
    CHECK(select->column_is_null(3));
    CHECK(select->column_text(3).empty());
    CHECK(select->column_optional_int64(4) == std::optional<std::int64_t>(42));
    REQUIRE(*select->step());
    CHECK(select->column_int64(0) == 9);
    CHECK(select->column_optional_text(3) == std::optional<std::string>("x"));
    CHECK_FALSE(select->column_optional_int64(4).has_value());
    CHECK_FALSE(*select->step());
    select->reset();
    CHECK(*select->step());  // runs again after reset
  }

  TEST_CASE("binding errors are InvalidArgument") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    Result<Statement> st = db->prepare("SELECT ?1");
    REQUIRE(st.ok());
    Status out_of_range = st->bind(2, std::int64_t{1});
    CHECK(out_of_range.IsInvalidArgument());
    Status too_big = st->bind(1, std::uint64_t{1} << 63);
    CHECK(too_big.IsInvalidArgument());
    CHECK(st->bind_all(1, 2).IsInvalidArgument());  // the second has no parameter
  }

  TEST_CASE("prepare rejects bad SQL, unknown tables, several statements and empty text") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    Result<Statement> syntax = db->prepare("SELEC 1");
    CHECK(syntax.status().IsInvalidArgument());
    CHECK(syntax.status().message().find("syntax error") != std::string::npos);
    CHECK(db->prepare("SELECT * FROM missing").status().IsInvalidArgument());
    CHECK(db->prepare("SELECT 1; SELECT 2").status().IsInvalidArgument());
    CHECK(db->prepare("   ").status().IsInvalidArgument());
    CHECK(db->prepare("SELECT 1;  ").ok());
    CHECK(db->exec("CREATE TABLE").IsInvalidArgument());
  }

  TEST_CASE("a unique constraint violation is AlreadyExists, a NOT NULL one InvalidArgument") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    REQUIRE(db->exec("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT NOT NULL)").ok());
    Result<Statement> insert = db->prepare("INSERT INTO t VALUES(?1, ?2)");
    REQUIRE(insert.ok());
    REQUIRE(insert->bind_all("a", "1").ok());
    REQUIRE(insert->run().ok());
    REQUIRE(insert->bind_all("a", "2").ok());
    Status dup = insert->run();
    CHECK(dup.IsAlreadyExists());
    CHECK(dup.message().find("UNIQUE") != std::string::npos);
    REQUIRE(insert->bind_all("b", std::nullopt).ok());
    CHECK(insert->run().IsInvalidArgument());
  }

  TEST_CASE("a cached statement is prepared once, reset when released, and borrowed once") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    REQUIRE(db->exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(1), (2), (3)").ok());
    const std::string sql = "SELECT v FROM t WHERE v >= ?1 ORDER BY v";
    Statement* first = nullptr;
    {
      Result<CachedStatement> st = db->cached(sql);
      REQUIRE(st.ok());
      first = &**st;
      REQUIRE((*st)->bind(1, 2).ok());
      REQUIRE(*(*st)->step());
      CHECK((*st)->column_int64(0) == 2);
      CHECK(db->cached(sql).status().code() == Status::Code::kFailedPrecondition);
    }  // released mid-iteration
    Result<CachedStatement> again = db->cached(sql);
    REQUIRE(again.ok());
    CHECK(&**again == first);
    // The binding was cleared: v >= NULL matches nothing.
    CHECK_FALSE(*(*again)->step());
  }

  TEST_CASE("a Transaction rolls back unless committed") {
    docket::testing::TempDir dir;
    auto db = open_writer(dir.sub("a.sqlite"));
    REQUIRE(db->exec("CREATE TABLE t(v INTEGER)").ok());
    {
      Result<Transaction> txn = Transaction::begin(*db);
      REQUIRE(txn.ok());
      CHECK(db->in_transaction());
      REQUIRE(db->exec("INSERT INTO t VALUES(1)").ok());
    }
    CHECK_FALSE(db->in_transaction());
    CHECK(*db->query_int64("SELECT count(*) FROM t") == 0);
    {
      Result<Transaction> txn = Transaction::begin(*db);
      REQUIRE(txn.ok());
      REQUIRE(db->exec("INSERT INTO t VALUES(2)").ok());
      REQUIRE(txn->commit().ok());
      CHECK(txn->commit().code() == Status::Code::kFailedPrecondition);
    }
    CHECK(*db->query_int64("SELECT count(*) FROM t") == 1);
  }

  TEST_CASE("a second writer gets Unavailable while the first holds the write lock") {
    docket::testing::TempDir dir;
    auto a = open_writer(dir.sub("a.sqlite"));
    DatabaseOptions impatient = DatabaseOptions::writer();
    impatient.busy_timeout_ms = 0;
    Result<std::unique_ptr<Database>> b = Database::open(dir.sub("a.sqlite"), impatient);
    REQUIRE(b.ok());
    REQUIRE(a->begin().ok());
    CHECK((*b)->begin().code() == Status::Code::kUnavailable);
    REQUIRE(a->rollback().ok());
    CHECK((*b)->begin().ok());
    CHECK((*b)->rollback().ok());
  }

  TEST_CASE("read-only connections: NotFound for a missing file, writes refused") {
    docket::testing::TempDir dir;
    CHECK(Database::open(dir.sub("none.sqlite"), DatabaseOptions::reader()).status().IsNotFound());
    DatabaseOptions no_create = DatabaseOptions::writer();
    no_create.create = false;
    CHECK(Database::open(dir.sub("none.sqlite"), no_create).status().IsNotFound());

    auto w = open_writer(dir.sub("a.sqlite"));
    REQUIRE(w->exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(1)").ok());
    Result<std::unique_ptr<Database>> r =
        Database::open(dir.sub("a.sqlite"), DatabaseOptions::reader());
    REQUIRE(r.ok());
    CHECK((*r)->read_only());
    CHECK(*(*r)->query_int64("SELECT v FROM t") == 1);
    Status write = (*r)->exec("INSERT INTO t VALUES(2)");
    CHECK_FALSE(write.ok());
    CHECK(*w->query_int64("SELECT count(*) FROM t") == 1);
  }

  TEST_CASE("a file that is not a database fails at open with Corruption") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("junk.sqlite");
    {
      std::ofstream out(path, std::ios::binary);
      for (int i = 0; i < 512; ++i)
        out << "this is not an SQLite database file. ";
    }
    CHECK(Database::open(path, DatabaseOptions::writer()).status().IsCorruption());
    CHECK(Database::open(path, DatabaseOptions::reader()).status().IsCorruption());
  }

  TEST_CASE("bulk-load connections run without a journal and can switch to a safe mode") {
    docket::testing::TempDir dir;
    Result<std::unique_ptr<Database>> db =
        Database::open(dir.sub("bulk.sqlite"), DatabaseOptions::bulk_load());
    REQUIRE(db.ok());
    CHECK(*(*db)->query_int64("PRAGMA synchronous") == 0);
    Result<Statement> mode = (*db)->prepare("PRAGMA journal_mode");
    REQUIRE(mode.ok());
    REQUIRE(*mode->step());
    CHECK(mode->column_text(0) == "off");
    mode->reset();
    REQUIRE((*db)->exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL").ok());
    REQUIRE(*mode->step());
    CHECK(mode->column_text(0) == "delete");
  }
}

}  // namespace docket::projections
