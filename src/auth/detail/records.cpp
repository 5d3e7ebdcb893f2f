#include "auth/detail/records.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

#include "auth/passwords.h"
#include "core/uscc.h"

namespace huiqi::auth::detail {

using nlohmann::json;

std::string JoinRoles(const std::vector<Role>& roles) {
  std::string s;
  for (Role r : roles) s += (s.empty() ? "" : ",") + std::string(RoleCode(r));
  return s;
}

std::vector<Role> SplitRoles(std::string_view text) {
  std::vector<Role> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    auto r = ParseRole(text.substr(0, comma));
    if (r.ok()) out.push_back(*r);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Department DepartmentOf(const store::Row& r) {
  // The CHECK constraint on departments.level guarantees a known code.
  return {r.Int("id"),           r.Text("code"),
          r.Text("name"),        ParseDepartmentLevel(r.Text("level")).value(),
          r.OptInt("parent_id"), r.Text("phone"),
          r.Text("created_at")};
}

User UserOf(const store::Row& r, const secrets::KeyRing& keys) {
  User u;
  u.id = r.Int("id");
  u.login = r.Text("login");
  u.display_name = r.Text("display_name");
  u.kind = ParseUserKind(r.Text("kind")).value();  // guaranteed by the CHECK constraint
  u.department_id = r.OptInt("department_id");
  u.roles = SplitRoles(r.Text("roles"));
  u.uscc = r.OptText("uscc");
  std::string phone = r.Text("phone");
  if (secrets::KeyRing::IsSealed(phone)) {
    auto open = keys.Open(phone, "phone");
    phone = open.ok() ? *open : "";
  }
  u.phone = phone;
  u.active = r.Bool("active");
  u.created_at = r.Text("created_at");
  return u;
}

Principal PrincipalOf(const User& u, int64_t session_id, std::string csrf_token) {
  return Principal{u.id,   u.login,    u.display_name,       u.kind, u.department_id, u.roles,
                   u.uscc, session_id, std::move(csrf_token)};
}

json AuditJson(const User& u) {
  return {{"login", u.login},
          {"display_name", u.display_name},
          {"kind", UserKindCode(u.kind)},
          {"department_id", u.department_id ? json(*u.department_id) : json()},
          {"roles", JoinRoles(u.roles)},
          {"uscc", u.uscc ? json(*u.uscc) : json()},
          {"phone", secrets::MaskPhone(u.phone)},
          {"active", u.active}};
}

json AuditJson(const Department& d) {
  return {{"code", d.code},
          {"name", d.name},
          {"level", DepartmentLevelCode(d.level)},
          {"parent_id", d.parent_id ? json(*d.parent_id) : json()},
          {"phone", d.phone}};
}

std::string AddressKey(std::string_view remote_addr) {
  std::string text(remote_addr);
  unsigned char v6[16];
  if (inet_pton(AF_INET6, text.c_str(), v6) != 1) return text;  // IPv4, or whatever the server gave
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char buf[64];
  if (std::equal(kMapped, kMapped + 12, v6)) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v6[12], v6[13], v6[14], v6[15]);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6[0], v6[1], v6[2], v6[3],
                v6[4], v6[5], v6[6], v6[7]);
  return buf;
}

audit::Actor ActorOf(const Principal* p) {
  return p ? audit::Actor{p->user_id, p->login} : audit::Actor{std::nullopt, "cli"};
}

core::Status RequireAdmin(const Principal* actor, std::string_view what_zh) {
  // 江阴办法 第十五条: department accounts are allocated by the platform office alone.
  if (actor && !actor->Is(UserKind::kPlatformAdmin)) {
    return core::PermissionDenied("只有平台管理员可以" + std::string(what_zh),
                                  "only a platform admin may do this");
  }
  return core::Ok();
}

namespace {

core::Status ValidateLoginName(std::string_view login) {
  if (login.size() < 3 || login.size() > 64 ||
      login.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") !=
          std::string_view::npos) {
    return core::InvalidArgument("login", "invalid_login", "登录名须为 3–64 位字母、数字或 _ . - @",
                                 "login must be 3-64 of letters, digits, _ . - @");
  }
  return core::Ok();
}

core::Status ValidateDepartmentFields(const NewUser& u) {
  if (u.kind == UserKind::kDepartmentStaff) {
    if (u.department_code.empty()) {
      return core::InvalidArgument("department", "required", "部门工作人员须指定所属部门",
                                   "department is required");
    }
    if (u.roles.empty()) {
      return core::InvalidArgument("roles", "required", "部门工作人员须至少有一个角色",
                                   "at least one role is required");
    }
    for (Role r : u.roles) {
      if (!IsDepartmentRole(r)) {
        return core::InvalidArgument("roles", "invalid_enum",
                                     "部门工作人员的角色应为政策专员、审核人员或部门管理员",
                                     "department staff roles are policy_officer, reviewer, department_admin");
      }
    }
  } else if (u.kind == UserKind::kEnterprise) {
    if (!u.department_code.empty()) {
      return core::InvalidArgument("department", "not_applicable", "企业用户不属于部门",
                                   "enterprise users have no department");
    }
    for (Role r : u.roles) {
      if (!IsEnterpriseRole(r)) {
        return core::InvalidArgument("roles", "invalid_enum", "企业用户的角色应为企业管理员或企业经办人",
                                     "enterprise roles are enterprise_admin, enterprise_preparer");
      }
    }
  } else if (!u.department_code.empty() || !u.roles.empty()) {
    return core::InvalidArgument(u.department_code.empty() ? "roles" : "department", "not_applicable",
                                 "只有部门工作人员可以指定部门和角色",
                                 "only department staff have a department and roles");
  }
  return core::Ok();
}

}  // namespace

core::Status ValidatePhone(std::string_view phone, bool required) {
  if (phone.empty()) {
    if (!required) return core::Ok();
    return core::InvalidArgument("phone", "required", "请填写手机号码（用于接收短信通知）",
                                 "phone is required");
  }
  bool mobile = phone.size() == 11 && phone[0] == '1' &&
                phone.find_first_not_of("0123456789") == std::string_view::npos;
  bool landline = phone.size() >= 7 && phone.size() <= 20 &&
                  phone.find_first_not_of("0123456789-") == std::string_view::npos;
  if (!mobile && !(landline && !required)) {
    return core::InvalidArgument("phone", "invalid_phone",
                                 required ? "手机号码应为 11 位数字，以 1 开头" : "联系电话格式不正确",
                                 "phone must be a mobile number (11 digits starting with 1)");
  }
  return core::Ok();
}

std::pair<std::string, std::string> SealPhone(const secrets::KeyRing& keys, std::string_view phone) {
  if (phone.empty()) return {"", ""};
  return {keys.Seal(phone, "phone"), keys.LookupHash(phone, "phone")};
}

core::Status ValidateNewUser(const NewUser& u, bool need_uscc) {
  HQ_RETURN_IF_ERROR(ValidateLoginName(u.login));
  if (u.display_name.empty() || u.display_name.size() > 200) {
    return core::InvalidArgument("display_name", "required", "请填写名称（不超过 200 个字符）",
                                 "display_name is required (at most 200 characters)");
  }
  HQ_RETURN_IF_ERROR(ValidatePhone(u.phone, false));
  HQ_RETURN_IF_ERROR(CheckPasswordPolicy(u.password, u.login));
  HQ_RETURN_IF_ERROR(ValidateDepartmentFields(u));
  if (u.kind == UserKind::kEnterprise) {
    if (need_uscc || !u.uscc.empty()) HQ_RETURN_IF_ERROR(core::ValidateUscc(u.uscc, "uscc"));
  } else if (!u.uscc.empty()) {
    return core::InvalidArgument("uscc", "not_applicable", "只有企业用户关联统一社会信用代码",
                                 "only enterprise users have a USCC");
  }
  return core::Ok();
}

core::Result<User> LoadUser(store::Session& s, int64_t user_id, const secrets::KeyRing& keys) {
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kUserById, {user_id}, "用户", "user"));
  return UserOf(row, keys);
}

}  // namespace huiqi::auth::detail
