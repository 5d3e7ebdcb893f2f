#pragma once
// The enterprise archive and matching over HTTP (常州办法 第二十、二十一条; 江阴办法 第二、十四条).
//   Enterprise users: their archive, its history, corrections; "为您匹配" (every item, with a
//   trace per condition, near misses, amounts, exclusivity) and the per-item 自测.
//   Staff: an enterprise's archive; reviewers resolve corrections; an item's eligible count.
//   Platform admin: CSV import of archives.
// The matcher's item list is cached on this node and reloaded when the change log moves, so an
// item published through any node is matched at once.

#include "audit/change_follower.h"
#include "core/date.h"
#include "core/reference_data.h"
#include "enterprise/profile.h"
#include "http/router.h"
#include "match/match_service.h"
#include "policy/policy_service.h"

namespace huiqi::http {

struct EnterpriseApiDeps {
  store::Database& db;
  policy::PolicyService& policies;
  enterprise::ProfileService& profiles;
  match::MatchService& matches;
  const core::ReferenceData& reference;
  const core::Clock& clock;
  //! The live schema: a registered attribute is added to it at once (rules may use it); the
  //! serving node's change-log follower rebuilds the index. Null: rules see it after a restart.
  rules::Schema* live_schema = nullptr;
  //! The server's change-log follower: the published-items catalogue subscribes to policy and
  //! item changes (any node) and rebuilds on the next request after one. Null (tests): the
  //! catalogue catches up with a follower of its own on every request, so a change is seen at once.
  audit::ChangeFollower* follower = nullptr;
};

void RegisterEnterpriseApi(Router& router, const EnterpriseApiDeps& deps);

}  // namespace huiqi::http
