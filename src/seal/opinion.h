#pragma once
// What a reviewer's seal protects: the canonical bytes of a review opinion (江阴办法 第二十一条:
// 各环节审批人员及时完成审核，填写审核意见并加盖电子印章). The workflow stores the opinion and its
// detached signature; anyone can rebuild these bytes from the stored opinion and verify.

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"

namespace huiqi::seal {

struct ReviewOpinion {
  int64_t application_id = 0;
  std::string stage;     // the workflow stage, e.g. "department_review"
  std::string decision;  // e.g. "approve", "reject", "return"
  std::string text;      // the opinion as written (UTF-8)
  std::string reviewer;  // the reviewer's login
  core::TimePoint reviewed_at;
  std::vector<std::string> material_hashes;  // "sm3:<hex>" / "sha256:<hex>" of each material seen
};

//! Length-prefixed fields ("<n>:<bytes>;") after a version tag, so no two different opinions
//! serialise alike. Material hashes are a set: sorted and de-duplicated, so the order in which
//! the workflow lists them does not matter. The time is written by core::FormatTimestamp (whole
//! seconds, +08:00).
std::string CanonicalOpinion(const ReviewOpinion& opinion);

//! TBS_Sign.propertyInfo for an opinion (IA5, ASCII only): the scheme, the application and the
//! stage (percent-encoded), e.g. "huiqi-opinion-v1;application=42;stage=department_review".
std::string OpinionPropertyInfo(const ReviewOpinion& opinion);

}  // namespace huiqi::seal
