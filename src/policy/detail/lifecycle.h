#pragma once
// The state changes of the policy library, each running inside the caller's transaction and
// writing its own audit row. PolicyService wraps each in one Database::Write; the demo loader
// composes several into one transaction per policy.

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "core/calendar.h"
#include "policy/policy.h"
#include "policy/policy_service.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::policy::detail {

struct Ctx {
  const core::Clock& clock;
  const core::WorkCalendar& calendar;
  const rules::Schema& schema;  // items' rules and amount formulas are checked against it
  core::Date Today() const { return core::ShanghaiDate(clock.Now()); }
  std::string Now() const { return core::FormatTimestamp(clock.Now()); }
};

// Role checks (a platform admin passes every one).
core::Status RequireEditor(const auth::Principal& p);    // policy officer or department admin
core::Status RequireApprover(const auth::Principal& p);  // reviewer or department admin
core::Status RequireAdmin(const auth::Principal& p, std::string_view what_zh);
bool CanManage(const auth::Principal* p, const std::vector<DepartmentRef>& departments);

//! 常州办法 第十条: the basis date and the deadline of a publication.
PublishRecord ComputePublishRecord(const Policy& p, core::Date published_on, const core::WorkCalendar& cal);

core::Result<int64_t> CreatePolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor,
                                     const PolicyInput& in, const std::string& key);
core::Status UpdatePolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                            const PolicyInput& in);
core::Status SubmitPolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id);
core::Status RejectPolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                            const std::string& reason);
core::Status PublishPolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                             const PublishOptions& options);
core::Result<int64_t> RevisePolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor,
                                     int64_t id);
core::Status RepealPolicyTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                            core::Date on, const std::string& reason);

core::Result<std::vector<CatalogueEntry>> FindSimilarNames(store::Session& s, const std::string& name);
core::Result<int64_t> CreateItemTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor,
                                   int64_t policy_id, const ItemInput& in, const std::string& key);
core::Status UpdateItemTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                          const ItemInput& in);
core::Status PublishItemTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                           const PublishOptions& options);
core::Status WithdrawItemTx(store::Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id);

}  // namespace huiqi::policy::detail
