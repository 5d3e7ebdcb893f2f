#pragma once
// The storage interface: one Database with SQLite and PostgreSQL backends behind it,
// chosen by URL. No sqlite3* or PGconn* crosses this header.
//
// SQL is written once with `?` placeholders; the PostgreSQL backend rewrites them to $1..$n.
// Every statement is a named constant (Statement) so logs name it; user data only ever
// travels as bound parameters. Portable SQL only: both backends understand RETURNING,
// ON CONFLICT, window functions. Booleans are stored as INTEGER 0/1, timestamps as TEXT
// (ISO-8601 with +08:00), money as BIGINT fen.
//
// Errors: each backend translates its own codes once into core::ErrorKind
// (kNotFound, kConflict for unique/foreign-key/check violations, kUnavailable, kInternal).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace huiqi::store {

using core::Error;
using core::Result;
using core::Status;

//! A named SQL statement. `name` appears in logs and errors.
struct Statement {
  std::string_view name;
  std::string_view sql;
};

//! A bound parameter or a result cell. NULL is std::monostate.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline Value Null() { return std::monostate{}; }
Value OptionalText(const std::optional<std::string>& s);
Value OptionalInt(const std::optional<int64_t>& v);

using Params = std::vector<Value>;

//! One result row. Accessors by column index or name; a NULL read as text gives "",
//! as int gives 0 — use IsNull / the Opt* accessors where NULL matters.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values);
  size_t size() const { return values_.size(); }
  const Value& at(size_t i) const { return values_.at(i); }
  const Value& at(std::string_view column) const;
  bool IsNull(size_t i) const;
  bool IsNull(std::string_view column) const;
  int64_t Int(size_t i) const;
  int64_t Int(std::string_view column) const;
  double Double(std::string_view column) const;
  std::string Text(size_t i) const;
  std::string Text(std::string_view column) const;
  std::optional<int64_t> OptInt(std::string_view column) const;
  std::optional<std::string> OptText(std::string_view column) const;
  bool Bool(std::string_view column) const { return Int(column) != 0; }

 private:
  size_t Index(std::string_view column) const;
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

enum class Kind { kSqlite, kPostgres };
std::string_view KindName(Kind kind);  // "sqlite" | "postgresql"

//! A connection inside a transaction (or in autocommit for Database::Read). Not thread-safe;
//! used by one thread for the duration of one callback.
class Session {
 public:
  virtual ~Session() = default;
  virtual Kind kind() const = 0;
  //! Runs a statement that returns rows.
  virtual Result<Rows> Query(const Statement& st, const Params& params = {}) = 0;
  //! Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> Exec(const Statement& st, const Params& params = {}) = 0;
  //! Runs several statements without parameters (migrations, DDL).
  virtual Status ExecScript(std::string_view sql) = 0;

  //! Convenience: the first row, or kNotFound (with `what` in the message) when none.
  Result<Row> QueryOne(const Statement& st, const Params& params, std::string_view what_zh,
                       std::string_view what_en);
  //! Convenience: the first row or nullopt.
  Result<std::optional<Row>> QueryOptional(const Statement& st, const Params& params = {});
};

struct Options {
  int pool_size = 8;           // connections kept open
  int busy_timeout_ms = 5000;  // SQLite: wait for a writer lock this long
  int connect_timeout_s = 5;   // PostgreSQL
};

//! A wake-up channel (PostgreSQL LISTEN on a connection of its own). One thread waits on it.
class Listener {
 public:
  virtual ~Listener() = default;
  //! True when a notification arrived within `timeout` (false on timeout). kUnavailable when
  //! the connection broke (the next Wait reconnects).
  virtual Result<bool> Wait(std::chrono::milliseconds timeout) = 0;
};

//! A database: a pool of sessions to one SQLite file or one PostgreSQL server.
//! Thread-safe: any number of threads may call Read/Write at once.
class Database {
 public:
  virtual ~Database() = default;

  //! Opens "sqlite:PATH" (the file and its directory are created when missing; WAL,
  //! busy timeout, foreign keys on) or "postgresql://…" / "postgres://…".
  //! Fails with kInvalidArgument (field "db") for another scheme, kUnavailable when the
  //! server cannot be reached.
  static Result<std::unique_ptr<Database>> Open(std::string_view url, const Options& options = {});

  virtual Kind kind() const = 0;
  //! The URL without any password.
  virtual std::string DisplayUrl() const = 0;

  using WriteFn = std::function<Status(Session&)>;
  //! Runs `fn` in one read-write transaction. Commits when it returns ok; rolls back when it
  //! returns an error or throws (the exception is rethrown). SQLite takes the write lock at
  //! BEGIN (IMMEDIATE) so two writers never deadlock.
  Status Write(const WriteFn& fn);
  //! Runs `fn` on a session in a read-only transaction (a consistent snapshot). Called from
  //! inside a transaction of this database on the same thread (a service reading through
  //! another's API), it runs on that transaction's session: it sees that transaction's own
  //! writes and takes no second connection from the pool.
  Status Read(const WriteFn& fn);

  //! Listens on `channel` (PostgreSQL LISTEN/NOTIFY; a transaction's NOTIFY arrives when it
  //! commits). nullptr where the backend has none (SQLite: callers poll).
  virtual Result<std::unique_ptr<Listener>> Listen(std::string_view channel) = 0;

  //! Runs one statement outside any transaction (autocommit): maintenance such as
  //! CREATE DATABASE or VACUUM that may not run inside a transaction block.
  virtual Status ExecOutsideTransaction(std::string_view sql) = 0;

  //! Copies a consistent snapshot of the whole database into the new file `path` while other
  //! threads and processes keep reading and writing (SQLite: the online backup API, all pages
  //! under one read transaction, the copy left in rollback-journal mode as a single file).
  //! kFailedPrecondition "backup_unsupported" where the backend has no such copy (PostgreSQL is
  //! backed up by pg_dump, see app/cmd_backup.cpp); kUnavailable when the file cannot be written.
  virtual Status SnapshotToFile(const std::string& path);

  //! Typed helpers: run fn and pass its value out.
  template <typename T>
  Result<T> WriteValue(const std::function<Result<T>(Session&)>& fn) {
    std::optional<Result<T>> out;
    Status st = Write([&](Session& s) -> Status {
      out.emplace(fn(s));
      if (!out->ok()) return out->error();
      return core::Ok();
    });
    if (!st.ok()) return st.error();
    return std::move(*out);
  }
  template <typename T>
  Result<T> ReadValue(const std::function<Result<T>(Session&)>& fn) {
    std::optional<Result<T>> out;
    Status st = Read([&](Session& s) -> Status {
      out.emplace(fn(s));
      if (!out->ok()) return out->error();
      return core::Ok();
    });
    if (!st.ok()) return st.error();
    return std::move(*out);
  }

 protected:
  enum class TxMode { kRead, kWrite };
  virtual Status RunTransaction(TxMode mode, const WriteFn& fn) = 0;

 private:
  Status Run(TxMode mode, const WriteFn& fn);
};

}  // namespace huiqi::store
