#pragma once
// Who is calling: the authenticated principal and the reusable authorization checks.
// Role checks are declared per route (http::Access) and enforced by the http middleware;
// ownership checks (this department's policy, this enterprise's archive) are made by services
// with the functions below, so every module asks the same question the same way.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::auth {

//! The five kinds of user (ARCHITECTURE.md "role" table; seed 澄 art. 13, 15).
enum class UserKind { kPlatformAdmin, kDepartmentStaff, kFinance, kEnterprise, kIndividual };
//! Roles of department staff, and of an enterprise's accounts (as Singapore's Corppass: the
//! enterprise admin — the legal representative or whom they appoint — manages the accounts
//! and accepts offers; preparers fill in applications).
enum class Role {
  kPolicyOfficer,
  kReviewer,
  kDepartmentAdmin,
  kEnterpriseAdmin,
  kEnterprisePreparer,
  kCounterStaff,  // 一窗服务: submits applications at the service hall on an enterprise's behalf
};

std::string_view UserKindCode(
    UserKind k);  // "platform_admin", "department_staff", "finance", "enterprise", "individual"
std::string_view UserKindLabel(UserKind k);  // 平台管理员, 部门工作人员, 财政人员, 企业用户, 个人用户
core::Result<UserKind> ParseUserKind(std::string_view code, std::string_view field = "kind");
std::string_view RoleCode(
    Role r);  // policy_officer, reviewer, department_admin, enterprise_admin, enterprise_preparer
std::string_view RoleLabel(Role r);  // 政策专员, 审核人员, 部门管理员, 企业管理员, 企业经办人, 窗口工作人员
bool IsDepartmentRole(Role r);
bool IsEnterpriseRole(Role r);
core::Result<Role> ParseRole(std::string_view code, std::string_view field = "roles");

struct Principal {
  int64_t user_id = 0;
  std::string login;
  std::string display_name;
  UserKind kind = UserKind::kIndividual;
  std::optional<int64_t> department_id;  // department staff only
  std::vector<Role> roles;               // department staff only
  std::optional<std::string> uscc;       // enterprise users only: the one enterprise they act for
  int64_t session_id = 0;
  std::string csrf_token;

  bool Is(UserKind k) const { return kind == k; }
  bool HasRole(Role r) const;
};

//! Ownership: staff of `department_id` (or a platform admin) may act on the department's data.
core::Status RequireDepartment(const Principal& p, int64_t department_id);
//! Ownership: only the enterprise's own users (or a platform admin) may see its data.
core::Status RequireEnterprise(const Principal& p, std::string_view uscc);

//! Resolves a session token (the cookie value) to its principal. Implemented by auth's
//! SessionService; http's middleware depends only on this interface.
class SessionResolver {
 public:
  virtual ~SessionResolver() = default;
  //! nullopt when the token is unknown, expired or revoked; an error only when storage fails.
  virtual core::Result<std::optional<Principal>> Resolve(std::string_view token) = 0;
};

}  // namespace huiqi::auth
