#pragma once
// Engine (c) of the rules issue: a rule compiled to a parameterised SQL condition over the
// archive tables (enterprises e, enterprise_tags), for SQLite and PostgreSQL alike. SQL's NULL
// logic is the same Kleene three-valued logic as the row evaluator's: a missing value makes a
// comparison NULL (Unknown), AND/OR/NOT combine NULLs exactly as Truth does. So
//   WHERE (cond)          selects the eligible,
//   WHERE (cond) IS NULL  selects the "may qualify — provide data" ones.
// Derived attributes are expanded first (rules::ExpandDerived), user values are bound
// parameters only.

#include <string>

#include "core/date.h"
#include "rules/rule.h"
#include "store/database.h"

namespace huiqi::match {

struct CompiledSql {
  std::string condition;  // refers to the enterprises table as `e`
  store::Params params;
};

//! Errors: kInvalidArgument (field "rule") when the rule uses an attribute that has no column.
core::Result<CompiledSql> CompileSql(const rules::Node& rule, const rules::Schema& schema, core::Date today);

}  // namespace huiqi::match
