#include "auth/principal.h"

#include <algorithm>

namespace huiqi::auth {

std::string_view UserKindCode(UserKind k) {
  switch (k) {
    case UserKind::kPlatformAdmin:
      return "platform_admin";
    case UserKind::kDepartmentStaff:
      return "department_staff";
    case UserKind::kFinance:
      return "finance";
    case UserKind::kEnterprise:
      return "enterprise";
    case UserKind::kIndividual:
      return "individual";
  }
  return "individual";
}

std::string_view UserKindLabel(UserKind k) {
  switch (k) {
    case UserKind::kPlatformAdmin:
      return "平台管理员";
    case UserKind::kDepartmentStaff:
      return "部门工作人员";
    case UserKind::kFinance:
      return "财政人员";
    case UserKind::kEnterprise:
      return "企业用户";
    case UserKind::kIndividual:
      return "个人用户";
  }
  return "个人用户";
}

core::Result<UserKind> ParseUserKind(std::string_view code, std::string_view field) {
  for (UserKind k : {UserKind::kPlatformAdmin, UserKind::kDepartmentStaff, UserKind::kFinance,
                     UserKind::kEnterprise, UserKind::kIndividual}) {
    if (UserKindCode(k) == code) return k;
  }
  return core::InvalidArgument(
      std::string(field), "invalid_enum",
      "用户类型应为 platform_admin、department_staff、finance、enterprise、individual 之一",
      "kind must be platform_admin, department_staff, finance, enterprise or individual");
}

std::string_view RoleCode(Role r) {
  switch (r) {
    case Role::kPolicyOfficer:
      return "policy_officer";
    case Role::kReviewer:
      return "reviewer";
    case Role::kDepartmentAdmin:
      return "department_admin";
    case Role::kEnterpriseAdmin:
      return "enterprise_admin";
    case Role::kEnterprisePreparer:
      return "enterprise_preparer";
    case Role::kCounterStaff:
      return "counter_staff";
  }
  return "policy_officer";
}

std::string_view RoleLabel(Role r) {
  switch (r) {
    case Role::kPolicyOfficer:
      return "政策专员";
    case Role::kReviewer:
      return "审核人员";
    case Role::kDepartmentAdmin:
      return "部门管理员";
    case Role::kEnterpriseAdmin:
      return "企业管理员";
    case Role::kEnterprisePreparer:
      return "企业经办人";
    case Role::kCounterStaff:
      return "窗口工作人员";
  }
  return "政策专员";
}

core::Result<Role> ParseRole(std::string_view code, std::string_view field) {
  for (Role r : {Role::kPolicyOfficer, Role::kReviewer, Role::kDepartmentAdmin, Role::kEnterpriseAdmin,
                 Role::kEnterprisePreparer, Role::kCounterStaff}) {
    if (RoleCode(r) == code) return r;
  }
  return core::InvalidArgument(std::string(field), "invalid_enum",
                               "角色应为 policy_officer、reviewer、department_admin、enterprise_admin、"
                               "enterprise_preparer 之一：" +
                                   std::string(code),
                               "unknown role");
}

bool IsDepartmentRole(Role r) {
  return r == Role::kPolicyOfficer || r == Role::kReviewer || r == Role::kDepartmentAdmin ||
         r == Role::kCounterStaff;
}

bool IsEnterpriseRole(Role r) { return r == Role::kEnterpriseAdmin || r == Role::kEnterprisePreparer; }

bool Principal::HasRole(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

core::Status RequireDepartment(const Principal& p, int64_t department_id) {
  if (p.Is(UserKind::kPlatformAdmin)) return core::Ok();
  if (p.Is(UserKind::kDepartmentStaff) && p.department_id && *p.department_id == department_id)
    return core::Ok();
  return core::PermissionDenied("只能处理本部门的数据", "only staff of the owning department may do this");
}

core::Status RequireEnterprise(const Principal& p, std::string_view uscc) {
  if (p.Is(UserKind::kPlatformAdmin)) return core::Ok();
  if (p.Is(UserKind::kEnterprise) && p.uscc && *p.uscc == uscc) return core::Ok();
  return core::PermissionDenied("只能查看本企业的数据", "only the enterprise's own users may see this");
}

}  // namespace huiqi::auth
