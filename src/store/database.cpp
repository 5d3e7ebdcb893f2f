#include "store/database.h"

#include <exception>
#include <vector>

#include "store/detail/backends.h"

namespace huiqi::store {

using core::ErrorKind;
using core::MakeError;

std::string_view KindName(Kind kind) { return kind == Kind::kSqlite ? "sqlite" : "postgresql"; }

Value OptionalText(const std::optional<std::string>& s) { return s ? Value(*s) : Null(); }
Value OptionalInt(const std::optional<int64_t>& v) { return v ? Value(*v) : Null(); }

Row::Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
    : columns_(std::move(columns)), values_(std::move(values)) {}

size_t Row::Index(std::string_view column) const {
  for (size_t i = 0; i < columns_->size(); ++i) {
    if ((*columns_)[i] == column) return i;
  }
  // A column name that is not in the statement is a programming error, not bad input.
  throw std::out_of_range("no column '" + std::string(column) + "' in result");
}

const Value& Row::at(std::string_view column) const { return values_.at(Index(column)); }
bool Row::IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
bool Row::IsNull(std::string_view column) const { return IsNull(Index(column)); }

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stoll(*p);
  return 0;
}
int64_t Row::Int(std::string_view column) const { return Int(Index(column)); }

double Row::Double(std::string_view column) const {
  const Value& v = values_.at(Index(column));
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stod(*p);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return "";
}
std::string Row::Text(std::string_view column) const { return Text(Index(column)); }

std::optional<int64_t> Row::OptInt(std::string_view column) const {
  size_t i = Index(column);
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}
std::optional<std::string> Row::OptText(std::string_view column) const {
  size_t i = Index(column);
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<Row> Session::QueryOne(const Statement& st, const Params& params, std::string_view what_zh,
                              std::string_view what_en) {
  HQ_ASSIGN_OR_RETURN(Rows rows, Query(st, params));
  if (rows.empty()) return core::NotFound(std::string(what_zh), std::string(what_en));
  return std::move(rows.front());
}

Result<std::optional<Row>> Session::QueryOptional(const Statement& st, const Params& params) {
  HQ_ASSIGN_OR_RETURN(Rows rows, Query(st, params));
  if (rows.empty()) return std::optional<Row>{};
  return std::optional<Row>{std::move(rows.front())};
}

namespace {
// The transactions this thread has open, innermost last: a Read issued inside one of them (a
// service called from within another's transaction) runs on that session instead of taking a
// second pooled connection — which deadlocked once every connection was held by such a caller.
struct OpenTransaction {
  const Database* db;
  Session* session;
};
thread_local std::vector<OpenTransaction> open_transactions;
}  // namespace

Status Database::Run(TxMode mode, const WriteFn& fn) {
  return RunTransaction(mode, [&](Session& s) -> Status {
    open_transactions.push_back({this, &s});
    struct Pop {
      ~Pop() { open_transactions.pop_back(); }
    } pop;
    return fn(s);
  });
}

Status Database::Write(const WriteFn& fn) { return Run(TxMode::kWrite, fn); }
Status Database::Read(const WriteFn& fn) {
  for (auto it = open_transactions.rbegin(); it != open_transactions.rend(); ++it) {
    if (it->db == this) return fn(*it->session);
  }
  return Run(TxMode::kRead, fn);
}

Status Database::SnapshotToFile(const std::string&) {
  return MakeError(ErrorKind::kFailedPrecondition, "backup_unsupported", "该数据库类型不支持文件快照",
                   "this database kind has no file snapshot");
}

Result<std::unique_ptr<Database>> Database::Open(std::string_view url, const Options& options) {
  if (url.substr(0, 7) == "sqlite:") return detail::OpenSqlite(url.substr(7), options);
  if (url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://") {
    return detail::OpenPostgres(url, options);
  }
  return MakeError(ErrorKind::kInvalidArgument, "invalid_db_url",
                   "数据库地址应为 sqlite:路径 或 postgresql://…",
                   "database URL must be sqlite:PATH or postgresql://…", "db");
}

}  // namespace huiqi::store
