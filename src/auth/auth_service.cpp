// AuthService: options, departments and accounts. Sessions and passwords are in sessions.cpp.
#include "auth/auth_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/detail/records.h"
#include "auth/detail/session_cache.h"
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
  return core::InvalidArgument(
      std::string("auth.") + name, "out_of_range",
      std::string("auth.") + name + " 应在 " + std::to_string(lo) + "–" + std::to_string(hi) + " 之间",
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
  HQ_RETURN_IF_ERROR(CheckRange(max_failures_per_pair, 1, 1000, "max_failures_per_pair"));
  HQ_RETURN_IF_ERROR(CheckRange(account_backoff_after, 1, 100000, "account_backoff_after"));
  HQ_RETURN_IF_ERROR(CheckRange(account_backoff_max_seconds, 1, 24 * 3600, "account_backoff_max_seconds"));
  HQ_RETURN_IF_ERROR(CheckRange(max_failures_per_address, 1, 1000000, "max_failures_per_address"));
  HQ_RETURN_IF_ERROR(CheckRange(failure_window_minutes, 1, 24 * 60, "failure_window_minutes"));
  HQ_RETURN_IF_ERROR(CheckRange(trusted_device_days, 1, 3650, "trusted_device_days"));
  HQ_RETURN_IF_ERROR(CheckRange(max_registrations_per_address, 1, 1000000, "max_registrations_per_address"));
  HQ_RETURN_IF_ERROR(CheckRange(max_registrations_per_minute, 1, 1000000, "max_registrations_per_minute"));
  HQ_RETURN_IF_ERROR(CheckRange(phone_code_minutes, 1, 60, "phone_code_minutes"));
  HQ_RETURN_IF_ERROR(CheckRange(phone_code_attempts, 1, 10, "phone_code_attempts"));
  HQ_RETURN_IF_ERROR(CheckRange(max_codes_per_phone, 1, 1000, "max_codes_per_phone"));
  HQ_RETURN_IF_ERROR(CheckRange(max_codes_per_address, 1, 1000000, "max_codes_per_address"));
  HQ_RETURN_IF_ERROR(CheckRange(session_cache_ms, 0, 60000, "session_cache_ms"));
  return CheckRange(invitation_days, 1, 90, "invitation_days");
}

std::string_view DepartmentLevelCode(DepartmentLevel l) {
  switch (l) {
    case DepartmentLevel::kNational:
      return "national";
    case DepartmentLevel::kProvincial:
      return "provincial";
    case DepartmentLevel::kMunicipal:
      return "municipal";
    case DepartmentLevel::kCounty:
      return "county";
  }
  return "municipal";
}

std::string_view DepartmentLevelLabel(DepartmentLevel l) {
  switch (l) {
    case DepartmentLevel::kNational:
      return "国家级";
    case DepartmentLevel::kProvincial:
      return "省级";
    case DepartmentLevel::kMunicipal:
      return "市级";
    case DepartmentLevel::kCounty:
      return "县区级";
  }
  return "市级";
}

Result<DepartmentLevel> ParseDepartmentLevel(std::string_view code) {
  for (auto l : {DepartmentLevel::kNational, DepartmentLevel::kProvincial, DepartmentLevel::kMunicipal,
                 DepartmentLevel::kCounty}) {
    if (DepartmentLevelCode(l) == code) return l;
  }
  return core::InvalidArgument("level", "invalid_enum",
                               "层级应为 national、provincial、municipal、county 之一",
                               "level must be national, provincial, municipal or county");
}

AuthService::AuthService(store::Database& db, const core::Clock& clock, AuthDeps deps, AuthOptions options)
    : db_(db),
      clock_(clock),
      deps_(deps),
      options_(options),
      sessions_(std::make_unique<detail::SessionCache>(std::chrono::milliseconds(options.session_cache_ms))) {
}

AuthService::~AuthService() = default;

// ---- departments ----

Result<Department> AuthService::CreateDepartment(const Principal* actor, const Department& d) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "创建部门"));
  if (d.code.empty() || d.code.size() > 32) {
    return core::InvalidArgument("code", "required", "请填写部门代码（不超过 32 个字符）",
                                 "code is required");
  }
  if (d.name.empty() || d.name.size() > 200) {
    return core::InvalidArgument("name", "required", "请填写部门名称（不超过 200 个字符）",
                                 "name is required");
  }
  return db_.WriteValue<Department>([&](store::Session& s) -> Result<Department> {
    if (d.parent_id) {
      HQ_ASSIGN_OR_RETURN(auto parent, s.QueryOptional(kDepartmentById, {*d.parent_id}));
      if (!parent)
        return core::InvalidArgument("parent_id", "not_found", "上级部门不存在",
                                     "parent department not found");
    }
    Department out = d;
    out.created_at = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(kInsertDepartment,
                          {d.code, d.name, std::string(DepartmentLevelCode(d.level)),
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

Result<User> AuthService::Insert(const Principal* actor, const NewUser& u, const Binding* binding) {
  HQ_RETURN_IF_ERROR(ValidateNewUser(u));
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(u.password));  // slow: outside the transaction
  auto [sealed_phone, phone_hash] = SealPhone(deps_.keys, u.phone);
  bool self = binding != nullptr && binding->phone_code_id != 0;
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
    // The enterprise role follows from the binding: whoever binds the USCC is its admin.
    bool bind_now = false;
    if (binding && binding->mode == Binding::Mode::kByAdmin) {
      HQ_ASSIGN_OR_RETURN(auto bound, s.QueryOptional(kBindingOf, {u.uscc}));
      bind_now = !bound;
      if (out.roles.empty()) out.roles = {bind_now ? Role::kEnterpriseAdmin : Role::kEnterprisePreparer};
    } else if (binding && binding->mode == Binding::Mode::kBind) {
      bind_now = true;
      out.roles = {Role::kEnterpriseAdmin};
    } else if (binding && binding->mode == Binding::Mode::kJoin) {
      out.roles = {binding->role};
    }
    out.created_at = core::FormatTimestamp(clock_.Now());
    auto row = s.QueryOne(
        kInsertUser,
        {u.login, u.display_name, std::string(UserKindCode(u.kind)), store::OptionalInt(out.department_id),
         JoinRoles(out.roles), store::OptionalText(out.uscc), sealed_phone,
         phone_hash.empty() ? store::Null() : store::Value{phone_hash}, hash, out.created_at, out.created_at},
        "", "");
    if (!row.ok()) return NameDuplicate(row.error(), "login", "登录名“" + u.login + "”已被使用，请换一个");
    out.id = row->Int("id");
    if (bind_now) {
      std::string by = binding->mode == Binding::Mode::kByAdmin ? (actor ? "platform_admin" : "cli")
                                                                : binding->verified_by;
      auto st = s.Exec(kInsertBinding,
                       {u.uscc, out.id, by, binding->reference, binding->legal_person, out.created_at});
      if (!st.ok()) {
        if (st.error().code != "duplicate") return st.error();
        return core::MakeError(
            core::ErrorKind::kConflict, "uscc_bound",
            "该企业已有管理员账号，请联系贵企业的管理员在“企业成员”中邀请您加入",
            "the enterprise is already bound to an account; ask its admin for an invitation", "uscc");
      }
    }
    if (binding && binding->phone_code_id != 0) {
      HQ_ASSIGN_OR_RETURN(int64_t used, s.Exec(kUseCode, {binding->phone_code_id}));
      if (used != 1)
        return core::InvalidArgument("phone_code", "phone_code", "短信验证码已使用，请重新获取", "code used");
    }
    if (binding && binding->mode == Binding::Mode::kJoin) {
      HQ_ASSIGN_OR_RETURN(int64_t used,
                          s.Exec(kUseInvitation, {out.id, out.created_at, binding->invitation_id}));
      if (used != 1) {
        return core::MakeError(core::ErrorKind::kConflict, "invitation_used", "该邀请码已被使用或已撤销",
                               "the invitation was used or revoked meanwhile", "invite_code");
      }
    }
    json after = AuditJson(out);
    if (binding && binding->mode != Binding::Mode::kNone) {
      after["binding"] = {{"mode", bind_now ? "bind" : "join"},
                          {"verified_by", bind_now ? binding->verified_by : ""},
                          {"invitation_id", binding->invitation_id}};
    }
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, self ? audit::Actor{out.id, u.login} : ActorOf(actor),
                                     self ? "user.register" : "user.create", "user", std::to_string(out.id),
                                     nullptr, after));
    return out;
  });
}

Result<User> AuthService::CreateUser(const Principal* actor, const NewUser& u) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "分配账号"));
  if (u.kind == UserKind::kEnterprise) {
    Binding b;
    b.mode = Binding::Mode::kByAdmin;
    NewUser n = u;
    HQ_ASSIGN_OR_RETURN(n.uscc, core::NormalizeUscc(u.uscc, "uscc"));
    return Insert(actor, n, &b);
  }
  return Insert(actor, u, nullptr);
}

Result<User> AuthService::Register(const Registration& r) {
  const NewUser& u = r.user;
  // 江阴办法 第十三条: the platform's own users are individuals and enterprises; department
  // accounts are allocated (第十五条), never self-registered.
  if (u.kind != UserKind::kEnterprise && u.kind != UserKind::kIndividual) {
    return core::InvalidArgument("kind", "not_self_service",
                                 "只能自行注册企业用户或个人用户，部门账号由平台统一分配",
                                 "only enterprise and individual users may register themselves");
  }
  if (!u.roles.empty()) {
    return core::InvalidArgument("roles", "not_applicable", "注册时不能自选角色",
                                 "roles are not chosen at registration");
  }
  HQ_RETURN_IF_ERROR(ValidateNewUser(u, /*need_uscc=*/false));
  HQ_RETURN_IF_ERROR(ValidatePhone(u.phone, /*required=*/true));
  if (u.kind == UserKind::kEnterprise && r.identity_ticket.empty() && r.invite_code.empty()) {
    return core::InvalidArgument(
        "identity_ticket", "identity_required",
        "企业注册须先通过江苏政务服务网法人身份认证，或填写本企业管理员发出的邀请码",
        "an enterprise registers through the identity provider or with an invitation");
  }
  // Each registration costs an Argon2 hash: limited per address and platform-wide.
  HQ_RETURN_IF_ERROR(CountEvent("register:" + AddressKey(r.remote_addr),
                                options_.max_registrations_per_address, 3600, "注册"));
  HQ_RETURN_IF_ERROR(CountEvent("register:*", options_.max_registrations_per_minute, 60, "注册"));
  HQ_ASSIGN_OR_RETURN(int64_t code_id, CheckPhoneCode(u.phone, r.phone_code));
  NewUser n = u;
  Binding b;
  if (u.kind == UserKind::kEnterprise) {
    HQ_ASSIGN_OR_RETURN(b, BindingFor(r));
    n.uscc = b.uscc;
  } else if (!u.uscc.empty()) {
    return core::InvalidArgument("uscc", "not_applicable", "只有企业用户关联统一社会信用代码",
                                 "only enterprise users have a USCC");
  }
  b.phone_code_id = code_id;
  return Insert(nullptr, n, &b);
}

Result<User> AuthService::GetUser(int64_t id) {
  return db_.ReadValue<User>([&](store::Session& s) { return LoadUser(s, id, deps_.keys); });
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
    for (const auto& r : rows) out.items.push_back(UserOf(r, deps_.keys));
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
  if (changes.phone) HQ_RETURN_IF_ERROR(ValidatePhone(*changes.phone, false));
  detail::ForgetUserAfter forget(*sessions_, user_id);  // cached principals carry the old name
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    HQ_ASSIGN_OR_RETURN(User before, LoadUser(s, user_id, deps_.keys));
    User after = before;
    if (changes.display_name) after.display_name = *changes.display_name;
    if (changes.phone) after.phone = *changes.phone;
    if (after.display_name == before.display_name && after.phone == before.phone) return after;
    auto [sealed, hash] = SealPhone(deps_.keys, after.phone);
    HQ_RETURN_IF_ERROR(
        s.Exec(kUpdateContact, {after.display_name, sealed, hash.empty() ? store::Null() : store::Value{hash},
                                core::FormatTimestamp(clock_.Now()), user_id}));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "user.update", "user",
                                     std::to_string(user_id), AuditJson(before), AuditJson(after)));
    return after;
  });
}

Result<User> AuthService::SetActive(const Principal* actor, int64_t user_id, bool active) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "停用或启用账号"));
  if (actor && actor->user_id == user_id && !active) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "self_disable", "不能停用自己的账号",
                           "an admin cannot disable their own account", "active");
  }
  detail::ForgetUserAfter forget(*sessions_, user_id);  // its sessions end on this node at once
  return db_.WriteValue<User>([&](store::Session& s) -> Result<User> {
    HQ_ASSIGN_OR_RETURN(User before, LoadUser(s, user_id, deps_.keys));
    if (before.active == active) return before;
    User after = before;
    after.active = active;
    HQ_RETURN_IF_ERROR(s.Exec(kSetActive, {int64_t{active}, core::FormatTimestamp(clock_.Now()), user_id}));
    if (!active) HQ_RETURN_IF_ERROR(s.Exec(kRevokeUserSessions, {user_id, int64_t{0}}));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), active ? "user.enable" : "user.disable",
                                     "user", std::to_string(user_id), AuditJson(before), AuditJson(after)));
    return after;
  });
}

Status AuthService::ResetPassword(const Principal* actor, int64_t user_id, std::string_view new_password) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor, "重置密码"));
  HQ_ASSIGN_OR_RETURN(User target, GetUser(user_id));
  HQ_RETURN_IF_ERROR(CheckPasswordPolicy(new_password, target.login));
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  detail::ForgetUserAfter forget(*sessions_, user_id);  // its sessions end on this node at once
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(User user, LoadUser(s, user_id, deps_.keys));
    HQ_RETURN_IF_ERROR(s.Exec(kSetPassword, {hash, core::FormatTimestamp(clock_.Now()), user_id}));
    HQ_ASSIGN_OR_RETURN(int64_t ended, s.Exec(kRevokeUserSessions, {user_id, int64_t{0}}));
    return audit::Record(s, clock_, ActorOf(actor), "user.password_reset", "user", std::to_string(user_id),
                         {{"login", user.login}}, {{"login", user.login}, {"sessions_ended", ended}});
  });
}

}  // namespace huiqi::auth
