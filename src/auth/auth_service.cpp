// AuthService: options, departments and accounts. Sessions and passwords are in sessions.cpp.
#include "auth/auth_service.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/detail/records.h"
#include "auth/passwords.h"
#include "core/uscc.h"

namespace huiqi::auth {

using core::Result;
using core::Status;
using nlohmann::json;
using namespace detail;  // NOLINT: this file implements the module's own statements

namespace {

Status CheckRange(int value, int lo, int hi, const char* name) {
  if (value >= lo && value <= hi) return core::Ok();
  return core::InvalidArgument(std::string("auth.") + name, "out_of_range",
                               std::string("auth.") + name + " 应在 " + std::to_string(lo) + "–" +
                                   std::to_string(hi) + " 之间",
                               std::string("auth.") + name + " out of range");
}

//! A unique-key violation on insert becomes a conflict naming the field the user typed.
core::Error NameDuplicate(core::Error e, const char* field, std::string message) {
  if (e.code == "duplicate") {
    e.field = field;
    e.message = std::move(message);
  }
  return e;
}

}  // namespace

Status AuthOptions::Validate() const {
  HQ_RETURN_IF_ERROR(CheckRange(session_idle_minutes, 5, 7 * 24 * 60, "session_idle_minutes"));
  HQ_RETURN_IF_ERROR(CheckRange(session_max_hours, 1, 90 * 24, "session_max_hours"));
  HQ_RETURN_IF_ERROR(CheckRange(session_refresh_minutes, 0, session_idle_minutes, "session_refresh_minutes"));
  HQ_RETURN_IF_ERROR(CheckRange(max_failures_per_account, 1, 1000, "max_failures_per_account"));
  HQ_RETURN_IF_ERROR(CheckRange(max_failures_per_address, 1, 100000, "max_failures_per_address"));
  return CheckRange(failure_window_minutes, 1, 24 * 60, "failure_window_minutes");
}

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

// ---- departments ----

Result<Department> AuthService::CreateDepartment(const Principal* actor, const Department& d) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "创建部门"));
  if (d.code.empty() || d.code.size() > 32) {
    return core::InvalidArgument("code", "required", "请填写部门代码（不超过 32 个字符）", "code is required");
  }
  if (d.name.empty() || d.name.size() > 200) {
    return core::InvalidArgument("name", "required", "请填写部门名称（不超过 200 个字符）", "name is required");
  }
  return db_.WriteValue<Department>([&](store::Session& s) -> Result<Department> {
    if (d.parent_id) {
      HQ_ASSIGN_OR_RETURN(auto parent, s.QueryOptional(kDepartmentById, {*d.parent_id}));
      if (!parent) return core::InvalidArgument("parent_id", "not_found", "上级部门不存在", "parent department not found");
    }
    Department out = d;
    out.created_at = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(kInsertDepartment, {d.code, d.name, std::string(DepartmentLevelCode(d.level)),
                                              store::OptionalInt(d.parent_id), d.phone, out.created_at},
                          "", "");
    if (!row.ok()) return NameDuplicate(row.error(), "code", "部门代码“" + d.code + "”已存在");
    out.id = row->Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "department.create", "department",
                                     std::to_string(out.id), nullptr, AuditJson(out)));
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

Result<Department> AuthService::GetDepartment(int64_t id) {
  return db_.ReadValue<Department>([&](store::Session& s) -> Result<Department> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kDepartmentById, {id}, "部门", "department"));
    return DepartmentOf(row);
  });
}

Result<Department> AuthService::FindDepartmentByCode(std::string_view code) {
  return db_.ReadValue<Department>([&](store::Session& s) -> Result<Department> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kDepartmentByCode, {std::string(code)},
                                             "部门“" + std::string(code) + "”", "department"));
    return DepartmentOf(row);
  });
}

// ---- accounts ----

Result<User> AuthService::Insert(const Principal* actor, const NewUser& u, bool self_registration) {
  HQ_RETURN_IF_ERROR(ValidateNewUser(u));
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(u.password));  // slow: outside the transaction
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    User out{0, u.login, u.display_name, u.kind, std::nullopt, u.roles, std::nullopt, u.phone, true, ""};
    if (!u.department_code.empty()) {
      HQ_ASSIGN_OR_RETURN(auto d, s.QueryOptional(kDepartmentByCode, {u.department_code}));
      if (!d) {
        return core::InvalidArgument("department", "not_found", "部门“" + u.department_code + "”不存在",
                                     "department not found");
      }
      out.department_id = d->Int("id");
    }
    if (!u.uscc.empty()) out.uscc = u.uscc;
    out.created_at = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(kInsertUser,
                          {u.login, u.display_name, std::string(UserKindCode(u.kind)),
                           store::OptionalInt(out.department_id), JoinRoles(u.roles), store::OptionalText(out.uscc),
                           u.phone, hash, out.created_at, out.created_at},
                          "", "");
    if (!row.ok()) return NameDuplicate(row.error(), "login", "登录名“" + u.login + "”已被使用");
    out.id = row->Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, self_registration ? audit::Actor{out.id, u.login} : ActorOf(actor),
                                     self_registration ? "user.register" : "user.create", "user",
                                     std::to_string(out.id), nullptr, AuditJson(out)));
    return out;
  });
}

Result<User> AuthService::CreateUser(const Principal* actor, const NewUser& u) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "分配账号"));
  return Insert(actor, u, false);
}

Result<User> AuthService::Register(const NewUser& u) {
  // 江阴办法 第十三条: the platform's own users are individuals and enterprises; department
  // accounts are allocated (第十五条), never self-registered.
  if (u.kind != UserKind::kEnterprise && u.kind != UserKind::kIndividual) {
    return core::InvalidArgument("kind", "not_self_service", "只能自行注册企业用户或个人用户，部门账号由平台统一分配",
                                 "only enterprise and individual users may register themselves");
  }
  NewUser n = u;
  if (n.kind == UserKind::kEnterprise) {
    HQ_ASSIGN_OR_RETURN(n.uscc, core::NormalizeUscc(u.uscc, "uscc"));
  }
  return Insert(nullptr, n, true);
}

Result<User> AuthService::GetUser(int64_t id) {
  return db_.ReadValue<User>([&](store::Session& s) { return LoadUser(s, id); });
}

Result<Page<User>> AuthService::ListUsers(const UserQuery& query) {
  int page = std::max(query.page, 1);
  int page_size = query.page_size < 1 || query.page_size > 100 ? 20 : query.page_size;
  std::string kind = query.kind ? std::string(UserKindCode(*query.kind)) : "";
  int64_t dept = query.department_id.value_or(0);
  store::Params filter{kind, kind, dept, dept};
  return db_.ReadValue<Page<User>>([&](store::Session& s) -> Result<Page<User>> {
    Page<User> out;
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(kCountUsers, filter, "", ""));
    out.total = n.Int("n");
    store::Params params = filter;
    params.push_back(int64_t{page_size});
    params.push_back(int64_t{page - 1} * page_size);
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kPageUsers, params));
    for (const auto& r : rows) out.items.push_back(UserOf(r));
    return out;
  });
}

Result<Page<User>> AuthService::ListUsers(int page, int page_size) {
  UserQuery q;
  q.page = page;
  q.page_size = page_size;
  return ListUsers(q);
}

Result<User> AuthService::UpdateUser(const Principal* actor, int64_t user_id, const UserChanges& changes) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "变更账号使用人员"));
  if (changes.display_name && (changes.display_name->empty() || changes.display_name->size() > 200)) {
    return core::InvalidArgument("display_name", "required", "请填写名称（不超过 200 个字符）",
                                 "display_name is required (at most 200 characters)");
  }
  if (changes.phone && changes.phone->size() > 32) {
    return core::InvalidArgument("phone", "too_long", "联系电话过长", "phone is too long");
  }
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    HQ_ASSIGN_OR_RETURN(User before, LoadUser(s, user_id));
    User after = before;
    if (changes.display_name) after.display_name = *changes.display_name;
    if (changes.phone) after.phone = *changes.phone;
    if (after.display_name == before.display_name && after.phone == before.phone) return after;
    HQ_RETURN_IF_ERROR(s.Exec(kUpdateContact, {after.display_name, after.phone,
                                               core::FormatTimestamp(clock_.Now()), user_id}));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "user.update", "user", std::to_string(user_id),
                                     AuditJson(before), AuditJson(after)));
    return after;
  });
}

Result<User> AuthService::SetActive(const Principal* actor, int64_t user_id, bool active) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "停用或启用账号"));
  if (actor && actor->user_id == user_id && !active) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "self_disable", "不能停用自己的账号",
                           "an admin cannot disable their own account", "active");
  }
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    HQ_ASSIGN_OR_RETURN(User before, LoadUser(s, user_id));
    if (before.active == active) return before;
    User after = before;
    after.active = active;
    HQ_RETURN_IF_ERROR(s.Exec(kSetActive, {int64_t{active}, core::FormatTimestamp(clock_.Now()), user_id}));
    if (!active) HQ_RETURN_IF_ERROR(s.Exec(kRevokeUserSessions, {user_id, int64_t{0}}));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), active ? "user.enable" : "user.disable", "user",
                                     std::to_string(user_id), AuditJson(before), AuditJson(after)));
    return after;
  });
}

Status AuthService::ResetPassword(const Principal* actor, int64_t user_id, std::string_view new_password) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "重置密码"));
  HQ_RETURN_IF_ERROR(CheckPasswordPolicy(new_password));
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(User user, LoadUser(s, user_id));
    HQ_RETURN_IF_ERROR(s.Exec(kSetPassword, {hash, core::FormatTimestamp(clock_.Now()), user_id}));
    HQ_ASSIGN_OR_RETURN(int64_t ended, s.Exec(kRevokeUserSessions, {user_id, int64_t{0}}));
    return audit::Record(s, clock_, ActorOf(actor), "user.password_reset", "user", std::to_string(user_id),
                         {{"login", user.login}}, {{"login", user.login}, {"sessions_ended", ended}});
  });
}

}  // namespace huiqi::auth
