#pragma once
// The attribute schema registry: the built-in attributes (rules/schema.h) plus the ones a platform
// admin adds (key, Chinese label, type, unit, enum values, aliases, data source, as-of date). A
// process reads the registry when it starts (LoadSchema); a running server adds an attribute
// registered through its API to its live schema at once, and one registered elsewhere (another
// node, the CLI) when its change-log follower sees it, rebuilding its matching index then.

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/date.h"
#include "core/error.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::enterprise {

struct CustomAttribute {
  rules::AttributeDef def;
  std::optional<core::Date> as_of;  // the date the source's figures refer to
  std::string created_at;
};

core::Result<std::vector<CustomAttribute>> ListCustomAttributes(store::Database& db);

//! The built-in schema plus every registered attribute.
core::Result<rules::Schema> LoadSchema(store::Database& db);

//! Platform admin only. Types: int, decimal, money, percent, date, enum (needs enum_values), bool.
//! Errors name the field: key (not an identifier, or taken), label (taken), type, enum_values.
core::Result<CustomAttribute> AddAttribute(store::Database& db, const core::Clock& clock,
                                           const auth::Principal& actor, const rules::AttributeDef& def,
                                           std::optional<core::Date> as_of);

}  // namespace huiqi::enterprise
