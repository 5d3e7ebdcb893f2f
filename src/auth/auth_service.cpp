#include "auth/auth_service.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/passwords.h"
#include "core/uscc.h"

namespace huiqi::auth {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Statement;

namespace {

constexpr Statement kInsertDepartment{
    "auth.insert_department",
    "INSERT INTO departments (code, name, level, parent_id, phone, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"};
constexpr Statement kListDepartments{"auth.list_departments",
                                     "SELECT id, code, name, level, parent_id, phone FROM departments ORDER BY id"};
constexpr Statement kDepartmentByCode{"auth.department_by_code",
                                      "SELECT id, code, name, level, parent_id, phone FROM departments WHERE code = ?"};
constexpr Statement kDepartmentById{"auth.department_by_id", "SELECT id FROM departments WHERE id = ?"};
constexpr Statement kInsertUser{
    "auth.insert_user",
    "INSERT INTO users (login, display_name, kind, department_id, roles, uscc, phone, password_hash, active, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"};
constexpr Statement kUserByLogin{"auth.user_by_login",
                                 "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, password_hash, "
                                 "active, created_at FROM users WHERE login = ?"};
constexpr Statement kCountUsers{"auth.count_users", "SELECT COUNT(*) AS n FROM users"};
constexpr Statement kPageUsers{"auth.page_users",
                               "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, active, "
                               "created_at FROM users ORDER BY id LIMIT ? OFFSET ?"};
constexpr Statement kCountFailures{"auth.count_failures",
                                   "SELECT COUNT(*) AS n FROM login_failures WHERE subject = ? AND at > ?"};
constexpr Statement kInsertFailure{"auth.insert_failure", "INSERT INTO login_failures (subject, at) VALUES (?, ?)"};
constexpr Statement kClearFailures{"auth.clear_failures", "DELETE FROM login_failures WHERE subject = ?"};
constexpr Statement kPruneFailures{"auth.prune_failures", "DELETE FROM login_failures WHERE at <= ?"};
constexpr Statement kInsertSession{
    "auth.insert_session",
    "INSERT INTO sessions (token_hash, user_id, csrf_token, remote_addr, created_at, expires_at, revoked) "
    "VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id"};
constexpr Statement kResolve{
    "auth.resolve",
    "SELECT s.id AS session_id, s.csrf_token, s.expires_at, u.id, u.login, u.display_name, u.kind, u.department_id, "
    "u.roles, u.uscc, u.phone, u.active, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked = 0"};
constexpr Statement kRevoke{"auth.revoke", "UPDATE sessions SET revoked = 1 WHERE id = ? AND revoked = 0"};

const audit::Actor kCli{std::nullopt, "cli"};

audit::Actor ActorOf(const Principal* p) { return p ? audit::Actor{p->user_id, p->login} : kCli; }

std::string JoinRoles(const std::vector<Role>& roles) {
  std::string s;
  for (Role r : roles) s += (s.empty() ? "" : ",") + std::string(RoleCode(r));
  return s;
}

std::vector<Role> SplitRoles(const std::string& s) {
  std::vector<Role> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    auto r = ParseRole(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (r.ok()) out.push_back(*r);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Department DepartmentOf(const store::Row& r) {
  return {r.Int("id"), r.Text("code"), r.Text("name"), ParseDepartmentLevel(r.Text("level")).value(),
          r.OptInt("parent_id"), r.Text("phone")};
}

User UserOf(const store::Row& r) {
  User u;
  u.id = r.Int("id");
  u.login = r.Text("login");
  u.display_name = r.Text("display_name");
  u.kind = ParseUserKind(r.Text("kind")).value();
  u.department_id = r.OptInt("department_id");
  u.roles = SplitRoles(r.Text("roles"));
  u.uscc = r.OptText("uscc");
  u.phone = r.Text("phone");
  u.active = r.Bool("active");
  u.created_at = r.Text("created_at");
  return u;
}

json UserJson(const User& u) {
  return {{"id", u.id}, {"login", u.login}, {"display_name", u.display_name}, {"kind", UserKindCode(u.kind)},
          {"department_id", u.department_id ? json(*u.department_id) : json()}, {"roles", JoinRoles(u.roles)},
          {"uscc", u.uscc ? json(*u.uscc) : json()}};
}

Status ValidateNewUser(const NewUser& u) {
  if (u.login.size() < 3 || u.login.size() > 64 ||
      u.login.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") != std::string::npos) {
    return core::InvalidArgument("login", "invalid_login", "登录名须为 3–64 位字母、数字或 _ . - @",
                                 "login must be 3-64 of letters, digits, _ . - @");
  }
  if (u.display_name.empty() || u.display_name.size() > 200) {
    return core::InvalidArgument("display_name", "required", "请填写名称", "display_name is required");
  }
  HQ_RETURN_IF_ERROR(CheckPasswordPolicy(u.password));
  if (u.kind == UserKind::kDepartmentStaff) {
    if (u.department_code.empty()) {
      return core::InvalidArgument("department", "required", "部门工作人员须指定所属部门", "department is required");
    }
    if (u.roles.empty()) {
      return core::InvalidArgument("roles", "required", "部门工作人员须至少有一个角色", "at least one role is required");
    }
  } else if (!u.department_code.empty() || !u.roles.empty()) {
    return core::InvalidArgument("department", "not_applicable", "只有部门工作人员可以指定部门和角色",
                                 "only department staff have a department and roles");
  }
  if (u.kind == UserKind::kEnterprise) {
    HQ_RETURN_IF_ERROR(core::ValidateUscc(u.uscc, "uscc"));
  } else if (!u.uscc.empty()) {
    return core::InvalidArgument("uscc", "not_applicable", "只有企业用户关联统一社会信用代码", "only enterprise users have a USCC");
  }
  return core::Ok();
}

}  // namespace

std::string_view DepartmentLevelCode(DepartmentLevel l) {
  switch (l) {
    case DepartmentLevel::kNational: return "national";
    case DepartmentLevel::kProvincial: return "provincial";
    case DepartmentLevel::kMunicipal: return "municipal";
    case DepartmentLevel::kCounty: return "county";
  }
  return "municipal";
}

std::string_view DepartmentLevelLabel(DepartmentLevel l) {
  switch (l) {
    case DepartmentLevel::kNational: return "国家级";
    case DepartmentLevel::kProvincial: return "省级";
    case DepartmentLevel::kMunicipal: return "市级";
    case DepartmentLevel::kCounty: return "县区级";
  }
  return "市级";
}

Result<DepartmentLevel> ParseDepartmentLevel(std::string_view code) {
  for (auto l : {DepartmentLevel::kNational, DepartmentLevel::kProvincial, DepartmentLevel::kMunicipal,
                 DepartmentLevel::kCounty}) {
    if (DepartmentLevelCode(l) == code) return l;
  }
  return core::InvalidArgument("level", "invalid_enum", "层级应为 national、provincial、municipal、county 之一",
                               "level must be national, provincial, municipal or county");
}

AuthService::AuthService(store::Database& db, const core::Clock& clock, AuthOptions options)
    : db_(db), clock_(clock), options_(options) {}

Result<Department> AuthService::CreateDepartment(const Principal* actor, const Department& d) {
  if (actor && !actor->Is(UserKind::kPlatformAdmin)) {
    return core::PermissionDenied("只有平台管理员可以创建部门", "only a platform admin may create departments");
  }
  if (d.code.empty() || d.code.size() > 32) {
    return core::InvalidArgument("code", "required", "请填写部门代码（不超过 32 个字符）", "code is required");
  }
  if (d.name.empty()) return core::InvalidArgument("name", "required", "请填写部门名称", "name is required");
  return db_.WriteValue<Department>([&](store::Session& s) -> Result<Department> {
    if (d.parent_id) {
      HQ_ASSIGN_OR_RETURN(auto parent, s.QueryOptional(kDepartmentById, {*d.parent_id}));
      if (!parent) return core::InvalidArgument("parent_id", "not_found", "上级部门不存在", "parent department not found");
    }
    std::string now = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(kInsertDepartment, {d.code, d.name, std::string(DepartmentLevelCode(d.level)),
                                              store::OptionalInt(d.parent_id), d.phone, now}, "", "");
    if (!row.ok()) {
      core::Error e = row.error();
      if (e.code == "duplicate") {
        e.field = "code";
        e.message = "部门代码“" + d.code + "”已存在";
      }
      return e;
    }
    Department out = d;
    out.id = row->Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "department.create", "department",
                                     std::to_string(out.id), nullptr,
                                     {{"code", d.code}, {"name", d.name}, {"level", DepartmentLevelCode(d.level)}}));
    return out;
  });
}

Result<std::vector<Department>> AuthService::ListDepartments() {
  return db_.ReadValue<std::vector<Department>>([](store::Session& s) -> Result<std::vector<Department>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kListDepartments));
    std::vector<Department> out;
    for (const auto& r : rows) out.push_back(DepartmentOf(r));
    return out;
  });
}

Result<Department> AuthService::FindDepartmentByCode(std::string_view code) {
  return db_.ReadValue<Department>([&](store::Session& s) -> Result<Department> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kDepartmentByCode, {std::string(code)}, "部门“" + std::string(code) + "”",
                                             "department"));
    return DepartmentOf(row);
  });
}

Result<User> AuthService::Insert(const Principal* actor, const NewUser& u, bool self_registration) {
  HQ_RETURN_IF_ERROR(ValidateNewUser(u));
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(u.password));
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    std::optional<int64_t> dept;
    if (!u.department_code.empty()) {
      HQ_ASSIGN_OR_RETURN(auto d, s.QueryOptional(kDepartmentByCode, {u.department_code}));
      if (!d) {
        return core::InvalidArgument("department", "not_found", "部门“" + u.department_code + "”不存在",
                                     "department not found");
      }
      dept = d->Int("id");
    }
    std::string now = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(kInsertUser, {u.login, u.display_name, std::string(UserKindCode(u.kind)),
                                        store::OptionalInt(dept), JoinRoles(u.roles),
                                        u.uscc.empty() ? store::Null() : store::Value(u.uscc), u.phone, hash, now, now},
                          "", "");
    if (!row.ok()) {
      core::Error e = row.error();
      if (e.code == "duplicate") {
        e.field = "login";
        e.message = "登录名“" + u.login + "”已被使用";
      }
      return e;
    }
    User out;
    out.id = row->Int("id");
    out.login = u.login;
    out.display_name = u.display_name;
    out.kind = u.kind;
    out.department_id = dept;
    out.roles = u.roles;
    if (!u.uscc.empty()) out.uscc = u.uscc;
    out.phone = u.phone;
    out.created_at = now;
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, self_registration ? audit::Actor{out.id, u.login} : ActorOf(actor),
                                     self_registration ? "user.register" : "user.create", "user",
                                     std::to_string(out.id), nullptr, UserJson(out)));
    return out;
  });
}

Result<User> AuthService::CreateUser(const Principal* actor, const NewUser& u) {
  if (actor && !actor->Is(UserKind::kPlatformAdmin)) {
    return core::PermissionDenied("只有平台管理员可以分配账号", "only a platform admin may create accounts");
  }
  return Insert(actor, u, false);
}

Result<User> AuthService::Register(const NewUser& u) {
  if (u.kind != UserKind::kEnterprise && u.kind != UserKind::kIndividual) {
    return core::InvalidArgument("kind", "not_self_service", "只能自行注册企业用户或个人用户，部门账号由平台统一分配",
                                 "only enterprise and individual users may register themselves");
  }
  return Insert(nullptr, u, true);
}

Result<Page<User>> AuthService::ListUsers(int page, int page_size) {
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 100) page_size = 20;
  return db_.ReadValue<Page<User>>([&](store::Session& s) -> Result<Page<User>> {
    Page<User> out;
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(kCountUsers, {}, "", ""));
    out.total = n.Int("n");
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kPageUsers, {int64_t{page_size}, int64_t{(page - 1) * page_size}}));
    for (const auto& r : rows) out.items.push_back(UserOf(r));
    return out;
  });
}

Status AuthService::RecordFailure(std::string_view login, std::string_view remote_addr) {
  int64_t now = core::UnixSeconds(clock_.Now());
  return db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kPruneFailures, {now - int64_t{options_.failure_window_minutes} * 60 * 4}));
    HQ_RETURN_IF_ERROR(s.Exec(kInsertFailure, {"account:" + std::string(login), now}));
    HQ_RETURN_IF_ERROR(s.Exec(kInsertFailure, {"address:" + std::string(remote_addr), now}));
    return audit::Record(s, clock_, {std::nullopt, std::string(login)}, "auth.login_failed", "user_login",
                         std::string(login), nullptr, {{"remote_addr", remote_addr}});
  });
}

Result<LoginResult> AuthService::Login(std::string_view login, std::string_view password, std::string_view remote_addr) {
  if (login.empty()) return core::InvalidArgument("login", "required", "请输入登录名", "login is required");
  if (password.empty()) return core::InvalidArgument("password", "required", "请输入密码", "password is required");
  int64_t now = core::UnixSeconds(clock_.Now());
  int64_t since = now - int64_t{options_.failure_window_minutes} * 60;
  using Counts = std::pair<int64_t, int64_t>;  // failures of the account, of the address
  HQ_ASSIGN_OR_RETURN(auto state, db_.ReadValue<Counts>(
                                      [&](store::Session& s) -> Result<Counts> {
                                        HQ_ASSIGN_OR_RETURN(auto a, s.QueryOne(kCountFailures, {"account:" + std::string(login), since}, "", ""));
                                        HQ_ASSIGN_OR_RETURN(auto b, s.QueryOne(kCountFailures, {"address:" + std::string(remote_addr), since}, "", ""));
                                        return std::make_pair(a.Int("n"), b.Int("n"));
                                      }));
  if (state.first >= options_.max_failures_per_account || state.second >= options_.max_failures_per_address) {
    return core::MakeError(core::ErrorKind::kRateLimited, "too_many_attempts",
                           "登录失败次数过多，请 " + std::to_string(options_.failure_window_minutes) + " 分钟后再试",
                           "too many failed logins; try again later");
  }
  HQ_ASSIGN_OR_RETURN(auto user_row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kUserByLogin, {std::string(login)});
  }));
  bool ok = user_row && user_row->Bool("active") && VerifyPassword(user_row->Text("password_hash"), password);
  if (!ok) {
    HQ_RETURN_IF_ERROR(RecordFailure(login, remote_addr));
    return core::MakeError(core::ErrorKind::kUnauthenticated, "bad_credentials", "登录名或密码错误",
                           "wrong login or password");
  }
  User user = UserOf(*user_row);
  LoginResult out;
  out.token = RandomHex(32);
  std::string csrf = RandomHex(16);
  int64_t expires = now + int64_t{options_.session_hours} * 3600;
  HQ_ASSIGN_OR_RETURN(int64_t session_id, db_.WriteValue<int64_t>([&](store::Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsertSession, {Sha256Hex(out.token), user.id, csrf, std::string(remote_addr),
                                                              core::FormatTimestamp(clock_.Now()), expires}, "", ""));
    HQ_RETURN_IF_ERROR(s.Exec(kClearFailures, {"account:" + std::string(login)}));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, {user.id, user.login}, "auth.login", "session",
                                     std::to_string(row.Int("id")), nullptr, {{"remote_addr", remote_addr}}));
    return row.Int("id");
  }));
  out.principal = Principal{user.id,    user.login, user.display_name, user.kind, user.department_id,
                            user.roles, user.uscc,  session_id,        csrf};
  return out;
}

Status AuthService::Logout(const Principal& p) {
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(kRevoke, {p.session_id}));
    if (n == 0) return core::Ok();
    return audit::Record(s, clock_, {p.user_id, p.login}, "auth.logout", "session", std::to_string(p.session_id),
                         {{"revoked", false}}, {{"revoked", true}});
  });
}

Result<std::optional<Principal>> AuthService::Resolve(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::optional<Principal>{};
  HQ_ASSIGN_OR_RETURN(auto row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kResolve, {Sha256Hex(token)});
  }));
  if (!row || !row->Bool("active") || row->Int("expires_at") <= core::UnixSeconds(clock_.Now())) {
    return std::optional<Principal>{};
  }
  User u = UserOf(*row);
  return std::optional<Principal>{Principal{u.id, u.login, u.display_name, u.kind, u.department_id, u.roles, u.uscc,
                                            row->Int("session_id"), row->Text("csrf_token")}};
}

}  // namespace huiqi::auth
