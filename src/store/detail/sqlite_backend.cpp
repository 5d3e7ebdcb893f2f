// SQLite backend: one file, WAL journal, busy timeout, foreign keys on, a pool of connections.
// Result codes are translated to core::ErrorKind here and nowhere else.

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "store/detail/backends.h"

namespace huiqi::store::detail {

using core::ErrorKind;
using core::MakeError;

namespace {

Error TranslateSqlite(sqlite3* db, int rc, std::string_view statement) {
  // The driver's text (table and column names, constraint names, file paths) goes to the log;
  // the error carries the statement's name and a neutral English phrase, never the driver text.
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  auto err = [&](ErrorKind kind, const char* code, const char* zh, const char* what) {
    if (kind == ErrorKind::kInternal || kind == ErrorKind::kUnavailable) {
      spdlog::error("sqlite error in {}: {}", statement, msg);
    } else {
      spdlog::debug("sqlite {} in {}: {}", code, statement, msg);
    }
    return MakeError(kind, code, zh, std::string(statement) + ": " + what);
  };
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: {
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return err(ErrorKind::kConflict, "duplicate", "记录已存在", "duplicate record");
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return err(ErrorKind::kConflict, "foreign_key", "关联的记录不存在或仍被引用",
                   "foreign key violation");
      }
      return err(ErrorKind::kConflict, "constraint_violation", "数据不满足约束", "constraint violation");
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return err(ErrorKind::kUnavailable, "db_busy", "数据库繁忙，请稍后重试", "database busy");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return err(ErrorKind::kUnavailable, "db_unavailable", "数据库不可用", "database unavailable");
    // The file cannot be written now (a read-only or immutable data directory): the database is
    // unavailable for writes, as when the disk is full — not an internal error.
    case SQLITE_READONLY:
      return err(ErrorKind::kUnavailable, "db_readonly", "数据库暂时只读，请稍后重试",
                 "database is read-only");
    default:
      return err(ErrorKind::kInternal, "db_error", "数据库错误", "database error");
  }
}

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(sqlite3* db) : db_(db) {}
  ~SqliteSession() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Kind kind() const override { return Kind::kSqlite; }
  //! True when SQLite fell back to opening the file read-only (it may not write it).
  bool ReadOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

  Result<Rows> Query(const Statement& st, const Params& params) override {
    HQ_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(st, params));
    auto columns = std::make_shared<std::vector<std::string>>();
    int ncol = sqlite3_column_count(stmt);
    for (int i = 0; i < ncol; ++i) columns->emplace_back(sqlite3_column_name(stmt, i));
    Rows rows;
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return TranslateSqlite(db_, sqlite3_extended_errcode(db_), st.name);
      }
      std::vector<Value> values;
      values.reserve(ncol);
      for (int i = 0; i < ncol; ++i) values.push_back(ColumnValue(stmt, i));
      rows.emplace_back(columns, std::move(values));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Result<int64_t> Exec(const Statement& st, const Params& params) override {
    HQ_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(st, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return TranslateSqlite(db_, sqlite3_extended_errcode(db_), st.name);
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  //! The online backup API: every page in one step, so under one read transaction of this
  //! connection (a consistent snapshot); in WAL mode writers on other connections carry on.
  Status BackupTo(const std::string& path) {
    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_, "main");
      if (backup == nullptr) {
        rc = sqlite3_extended_errcode(dest);
      } else {
        rc = sqlite3_backup_step(backup, -1);
        int finish = sqlite3_backup_finish(backup);
        rc = rc == SQLITE_DONE ? finish : rc;
      }
    }
    // The copy carries the source's WAL flag; a rollback journal makes it one self-contained file.
    if (rc == SQLITE_OK) rc = sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      Error e = TranslateSqlite(dest, rc, "backup to " + path);
      sqlite3_close_v2(dest);
      return e;
    }
    rc = sqlite3_close_v2(dest);
    if (rc != SQLITE_OK) return TranslateSqlite(nullptr, rc, "backup close " + path);
    return core::Ok();
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (err != nullptr) sqlite3_free(err);
    if (rc != SQLITE_OK) return TranslateSqlite(db_, sqlite3_extended_errcode(db_), "script");
    return core::Ok();
  }

 private:
  Result<sqlite3_stmt*> Prepare(const Statement& st, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(std::string(st.sql));
    if (it != cache_.end()) {
      stmt = it->second;
      sqlite3_clear_bindings(stmt);
    } else {
      int rc = sqlite3_prepare_v3(db_, st.sql.data(), static_cast<int>(st.sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return TranslateSqlite(db_, rc, st.name);
      cache_.emplace(std::string(st.sql), stmt);
    }
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
      return core::Internal(std::string(st.name) + ": parameter count mismatch");
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1, rc = SQLITE_OK;
      const Value& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (auto p = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *p);
      } else if (auto p = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *p);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return TranslateSqlite(db_, rc, st.name);
    }
    return stmt;
  }

  static Value ColumnValue(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, i);
      case SQLITE_NULL:
        return std::monostate{};
      default: {
        const void* p = sqlite3_column_blob(stmt, i);
        int n = sqlite3_column_bytes(stmt, i);
        return std::string(static_cast<const char*>(p ? p : ""), static_cast<size_t>(n));
      }
    }
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const Options& options)
      : path_(std::move(path)),
        pool_(options.pool_size, [this, timeout = options.busy_timeout_ms] { return Connect(timeout); }) {}

  Kind kind() const override { return Kind::kSqlite; }
  std::string DisplayUrl() const override { return "sqlite:" + path_; }

  Result<std::unique_ptr<SqliteSession>> Connect(int busy_timeout_ms) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error e = TranslateSqlite(db, rc, "open " + path_);
      sqlite3_close_v2(db);
      e.kind = ErrorKind::kUnavailable;
      return e;
    }
    sqlite3_busy_timeout(db, busy_timeout_ms);
    auto session = std::make_unique<SqliteSession>(db);
    // WAL lets readers run beside the writer; synchronous=FULL so an acknowledged commit
    // survives a power cut, not only a process crash. A 32 MiB page cache (the default is 2 MiB)
    // keeps a large transaction (a publication's pushes, a digest) from spilling pages mid-way.
    HQ_RETURN_IF_ERROR(
        session->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                            "PRAGMA cache_size=-32768;"));
    return session;
  }

 public:
  // One process writes a SQLite file; its readers poll (the change log is cheap to ask).
  Result<std::unique_ptr<Listener>> Listen(std::string_view) override { return std::unique_ptr<Listener>(); }

  Status ExecOutsideTransaction(std::string_view sql) override {
    HQ_ASSIGN_OR_RETURN(auto session, pool_.Acquire());
    Status st = session->ExecScript(sql);
    pool_.Release(std::move(session), true);
    return st;
  }

  Status SnapshotToFile(const std::string& path) override {
    HQ_ASSIGN_OR_RETURN(auto session, pool_.Acquire());
    Status st = session->BackupTo(path);
    pool_.Release(std::move(session), true);
    return st;
  }

 protected:
  Status RunTransaction(TxMode mode, const WriteFn& fn) override {
    HQ_ASSIGN_OR_RETURN(auto session, pool_.Acquire());
    bool healthy = true;
    // IMMEDIATE takes the write lock at BEGIN, so two writers wait (busy timeout) instead of
    // deadlocking on a lock upgrade.
    std::string_view begin = mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN";
    struct Releaser {
      Pool<SqliteSession>& pool;
      std::unique_ptr<SqliteSession>& s;
      bool& healthy;
      ~Releaser() { pool.Release(std::move(s), healthy); }
    } releaser{pool_, session, healthy};
    Status st = RunInTransaction(*session, begin, fn, healthy);
    // A connection opened while the file could not be written stays read-only for its life
    // (SQLite falls back to O_RDONLY); it serves this transaction but is not pooled, so writes
    // work again as soon as the data directory does, without a restart (tests/crash_test.sh).
    if (session->ReadOnly()) healthy = false;
    return st;
  }

 private:
  std::string path_;
  Pool<SqliteSession> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, const Options& options) {
  if (path.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "invalid_db_url", "SQLite 数据库路径为空",
                     "empty SQLite path", "db");
  }
  std::filesystem::path p{std::string(path)};
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  auto db = std::make_unique<SqliteDatabase>(std::string(path), options);
  // Open one connection now so a bad path fails here, not at the first request.
  HQ_RETURN_IF_ERROR(db->Read([](Session&) { return core::Ok(); }));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace huiqi::store::detail
