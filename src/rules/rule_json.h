#pragma once
// The rule AST as JSON, the form an item's rule is stored in beside its text, one row per
// version with its effective period (so a decision can be explained by the rule in force then).
//   {"op": "and"|"or", "args": [...]}   {"op": "not", "arg": {...}}
//   {"op": ">=", "attr": "revenue", "value": 200000000}        (values at the schema's scale)
//   {"op": "=", "attr": "scale", "text": "小型"}   {"op": "under", "attr": "region", "code": "3204"}
//   {"op": "in", "attr": "tax_credit_grade", "texts": ["A","B"]}   {"op": "between", "attr", "low", "high"}
//   {"op": "has", "tag": "高新技术企业", "within_years": 3}

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"
#include "rules/rule.h"

namespace huiqi::rules {

nlohmann::json RuleToJson(const Node& node);
//! Checks the shape and the attributes against `schema`; errors name the JSON path.
core::Result<Node> RuleFromJson(const nlohmann::json& j, const Schema& schema);

}  // namespace huiqi::rules
