#pragma once
// Who may read any enterprise's archive (the rest see only their own).

#include "auth/principal.h"

namespace huiqi::enterprise::detail {

//! Platform admins and department staff read every archive; enterprise users only their own.
inline bool IsStaffOrAdmin(const auth::Principal& p) {
  return p.Is(auth::UserKind::kPlatformAdmin) || p.Is(auth::UserKind::kDepartmentStaff);
}

}  // namespace huiqi::enterprise::detail
