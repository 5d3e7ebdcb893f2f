#pragma once
// Storage of one enterprise's profile: loading it with its tags and registered attributes, and
// writing a record over it with history and audit rows. Both run inside the caller's transaction
// so the service, the CSV import and accepted corrections compose them into one transaction.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/date.h"
#include "core/error.h"
#include "enterprise/archive.h"
#include "enterprise/profile.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::enterprise::detail {

//! The profile with this USCC, or nullopt; registered attributes unknown to `custom_schema` are
//! skipped.
core::Result<std::optional<Profile>> Load(store::Session& s, std::string_view uscc,
                                          const rules::Schema& custom_schema);

//! Writes `record` over the stored profile inside `s` (see ProfileService::Upsert). New tags are
//! recorded as received today from `department_id`, or else from the owner of `source`.
core::Result<UpsertResult> UpsertIn(store::Session& s, const core::Clock& clock, const rules::Schema& schema,
                                    const audit::Actor& actor, const EnterpriseRecord& record,
                                    const std::vector<std::string>& touched, const std::string& source,
                                    std::optional<int64_t> department_id = std::nullopt);

}  // namespace huiqi::enterprise::detail
