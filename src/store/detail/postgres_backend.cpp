// PostgreSQL backend over plain libpq: text-format parameters, `?` placeholders rewritten to
// $n, a pool of connections. SQLSTATEs are translated to core::ErrorKind here and nowhere else.

#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <sys/select.h>

#include <cctype>
#include <charconv>
#include <map>
#include <mutex>

#include "store/detail/backends.h"

namespace huiqi::store::detail {

using core::ErrorKind;
using core::MakeError;

namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701,
              kNumericOid = 1700;

Error TranslatePg(PGconn* conn, const PGresult* res, std::string_view statement) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  // The driver's text goes to the log; the error carries the statement's name, the SQLSTATE and
  // a neutral English phrase (issue 11: driver text reached clients in message_en).
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  auto err = [&](ErrorKind kind, const char* code, const char* zh, const char* what) {
    if (kind == ErrorKind::kInternal || kind == ErrorKind::kUnavailable) {
      spdlog::error("postgresql error {} in {}: {}", sqlstate, statement, msg);
    } else {
      spdlog::debug("postgresql {} ({}) in {}: {}", code, sqlstate, statement, msg);
    }
    return MakeError(kind, code, zh, std::string(statement) + ": " + what + " (SQLSTATE " + sqlstate + ")");
  };
  if (sqlstate == "23505") return err(ErrorKind::kConflict, "duplicate", "记录已存在", "duplicate record");
  if (sqlstate == "23503") {
    return err(ErrorKind::kConflict, "foreign_key", "关联的记录不存在或仍被引用", "foreign key violation");
  }
  if (sqlstate.rfind("23", 0) == 0) {
    return err(ErrorKind::kConflict, "constraint_violation", "数据不满足约束", "constraint violation");
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return err(ErrorKind::kUnavailable, "db_busy", "数据库繁忙，请稍后重试", "database busy");
  }
  if (sqlstate.empty() || sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0 ||
      sqlstate.rfind("53", 0) == 0) {
    return err(ErrorKind::kUnavailable, "db_unavailable", "数据库不可用", "database unavailable");
  }
  return err(ErrorKind::kInternal, "db_error", "数据库错误", "database error");
}

//! Rewrites `?` placeholders to $1..$n, leaving quoted text and identifiers alone.
std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Value CellValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kNumericOid: {
      std::string_view sv(text, static_cast<size_t>(len));
      if (sv.find_first_of(".eE") == std::string_view::npos) {
        int64_t v = 0;
        auto r = std::from_chars(text, text + len, v);
        if (r.ec == std::errc()) return v;
      }
      return std::stod(std::string(sv));
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return std::stod(std::string(text, static_cast<size_t>(len)));
    default:
      return std::string(text, static_cast<size_t>(len));
  }
}

class PgSession final : public Session {
 public:
  explicit PgSession(PGconn* conn) : conn_(conn) {}
  ~PgSession() override { PQfinish(conn_); }
  Kind kind() const override { return Kind::kPostgres; }
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  Result<Rows> Query(const Statement& st, const Params& params) override {
    HQ_ASSIGN_OR_RETURN(PGresult * res, Run(st, params));
    auto columns = std::make_shared<std::vector<std::string>>();
    int ncol = PQnfields(res), nrow = PQntuples(res);
    for (int c = 0; c < ncol; ++c) columns->emplace_back(PQfname(res, c));
    Rows rows;
    rows.reserve(static_cast<size_t>(nrow));
    for (int r = 0; r < nrow; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) values.push_back(CellValue(res, r, c));
      rows.emplace_back(columns, std::move(values));
    }
    PQclear(res);
    return rows;
  }

  Result<int64_t> Exec(const Statement& st, const Params& params) override {
    HQ_ASSIGN_OR_RETURN(PGresult * res, Run(st, params));
    const char* n = PQcmdTuples(res);
    int64_t changed = (n && *n) ? std::stoll(n) : 0;
    PQclear(res);
    return changed;
  }

  Status ExecScript(std::string_view sql) override {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
      Error e = TranslatePg(conn_, res, "script");
      PQclear(res);
      return e;
    }
    PQclear(res);
    return core::Ok();
  }

 private:
  Result<PGresult*> Run(const Statement& st, const Params& params) {
    const std::string& sql = Rewritten(st.sql);
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (auto p = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*p);
      } else if (auto p = std::get_if<double>(&v)) {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, *p);
        texts[i].assign(buf, r.ptr);
      } else {
        texts[i] = std::get<std::string>(v);
      }
      values[i] = texts[i].c_str();
    }
    PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      Error e = TranslatePg(conn_, res, st.name);
      PQclear(res);
      return e;
    }
    return res;
  }

  const std::string& Rewritten(std::string_view sql) {
    auto it = rewritten_.find(sql);
    if (it == rewritten_.end()) it = rewritten_.emplace(std::string(sql), RewritePlaceholders(sql)).first;
    return it->second;
  }

  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> rewritten_;
};

std::string HidePassword(std::string_view url) {
  std::string s(url);
  auto scheme = s.find("://");
  auto at = s.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return s;
  auto colon = s.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  return s;
}

// LISTEN on a connection of its own (never one of the pool: a pooled connection would carry the
// LISTEN into other callers' sessions). Reconnects after a failure.
class PgListener final : public Listener {
 public:
  PgListener(std::string url, std::string channel) : url_(std::move(url)), channel_(std::move(channel)) {}
  ~PgListener() override {
    if (conn_) PQfinish(conn_);
  }

  Result<bool> Wait(std::chrono::milliseconds timeout) override {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) HQ_RETURN_IF_ERROR(Connect());
    if (Drain()) return true;
    int fd = PQsocket(conn_);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    int ready = select(fd + 1, &set, nullptr, nullptr, &tv);
    if (ready < 0) return false;  // interrupted: the caller polls anyway
    if (ready == 0) return false;
    if (PQconsumeInput(conn_) != 1) {
      PQfinish(conn_);
      conn_ = nullptr;
      return MakeError(ErrorKind::kUnavailable, "db_unavailable", "数据库不可用", "LISTEN connection lost");
    }
    return Drain();
  }

 private:
  Status Connect() {
    if (conn_) PQfinish(conn_);
    const char* keys[] = {"dbname", "connect_timeout", nullptr};
    const char* vals[] = {url_.c_str(), "5", nullptr};
    conn_ = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
      spdlog::warn("LISTEN connection: {}", PQerrorMessage(conn_));
      PQfinish(conn_);
      conn_ = nullptr;
      return MakeError(ErrorKind::kUnavailable, "db_unavailable", "数据库不可用",
                       "cannot open the LISTEN connection");
    }
    // The channel is a constant of the caller (an identifier, never user text).
    PGresult* res = PQexec(conn_, ("LISTEN " + channel_).c_str());
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) return MakeError(ErrorKind::kUnavailable, "db_unavailable", "数据库不可用", "LISTEN failed");
    return core::Ok();
  }
  bool Drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  std::string url_, channel_;
  PGconn* conn_ = nullptr;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, const Options& options)
      : url_(std::move(url)),
        pool_(options.pool_size, [this, t = options.connect_timeout_s] { return Connect(t); }) {}

  Kind kind() const override { return Kind::kPostgres; }
  std::string DisplayUrl() const override { return HidePassword(url_); }

  Result<std::unique_ptr<PgSession>> Connect(int timeout_s) {
    const char* keys[] = {"dbname", "connect_timeout", "client_encoding", nullptr};
    std::string timeout = std::to_string(timeout_s);
    const char* vals[] = {url_.c_str(), timeout.c_str(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn);
      PQfinish(conn);
      return MakeError(ErrorKind::kUnavailable, "db_unavailable", "无法连接数据库",
                       "cannot connect to " + DisplayUrl() + ": " + msg);
    }
    auto session = std::make_unique<PgSession>(conn);
    HQ_RETURN_IF_ERROR(session->ExecScript("SET TIME ZONE 'Asia/Shanghai'"));
    return session;
  }

 public:
  Result<std::unique_ptr<Listener>> Listen(std::string_view channel) override {
    for (char c : channel) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
        return core::Internal("bad LISTEN channel");
    }
    return std::unique_ptr<Listener>(std::make_unique<PgListener>(url_, std::string(channel)));
  }

  Status ExecOutsideTransaction(std::string_view sql) override {
    HQ_ASSIGN_OR_RETURN(auto session, pool_.Acquire());
    Status st = session->ExecScript(sql);
    pool_.Release(std::move(session), true);
    return st;
  }

 protected:
  Status RunTransaction(TxMode mode, const WriteFn& fn) override {
    HQ_ASSIGN_OR_RETURN(auto session, pool_.Acquire());
    bool healthy = true;
    struct Releaser {
      Pool<PgSession>& pool;
      std::unique_ptr<PgSession>& s;
      bool& healthy;
      ~Releaser() { pool.Release(std::move(s), healthy && s->Healthy()); }
    } releaser{pool_, session, healthy};
    // Reads see one snapshot; writes use READ COMMITTED and take row locks where order matters.
    std::string_view begin =
        mode == TxMode::kWrite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    return RunInTransaction(*session, begin, fn, healthy);
  }

 private:
  std::string url_;
  Pool<PgSession> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const Options& options) {
  auto db = std::make_unique<PgDatabase>(std::string(url), options);
  HQ_RETURN_IF_ERROR(db->Read([](Session&) { return core::Ok(); }));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace huiqi::store::detail
