#pragma once
// Advice an enterprise can act on (issue 12 item 3): for a failing condition, the figure to
// reach and the department that records it; nothing for a condition on a fact it cannot change
// (AttributeDef::fact: region, ownership type, founding date, industry).

#include <string>

#include "core/date.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::rules {

//! True when `leaf` (a leaf or not(leaf)) cannot be changed by the enterprise: an attribute
//! marked fact, or `not has "X"` (a qualification held is not given up for a subsidy).
bool OnFact(const Node& leaf, const Schema& schema);

//! The department that records the attribute, for advice: "税务部门"; "" when it is computed or
//! comes from several departments.
std::string RecordedBy(const AttributeDef& attr);

//! What would make the failing condition `leaf` hold, naming the figure to reach and where the
//! data comes from:
//! "营业收入需达到2,000万元（当前1500万元，还差500万元）；该数据由税务部门提供，如有误可申请更正".
//! "" for a condition on a fact.
std::string ActionFor(const Node& leaf, const Schema& schema, const Facts& facts, core::Date today,
                      const CodeNamer& namer = {});

//! What to provide for the attribute `key`: "请补充“营业收入”（由税务部门提供）".
std::string ProvideAdvice(const Schema& schema, const std::string& key);

}  // namespace huiqi::rules
