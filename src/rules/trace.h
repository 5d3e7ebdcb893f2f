#pragma once
// Which conditions of a trace mattered. In `a or b`, once `a` holds, whether `b` holds does not
// change the verdict; showing `b` as "不满足" beside an eligible verdict confuses people, so such
// conditions are marked not needed.

#include <vector>

#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::rules {

//! For each leaf of `rule` (in Leaves() order), true when an enclosing `or` holds through another
//! branch. `outcomes` are the leaves' results in the same order (as in Evaluation::conditions).
std::vector<bool> NotNeeded(const Node& rule, const std::vector<Truth>& outcomes);

//! The rule's value from its leaves' outcomes (in Leaves() order), as EvaluateRule combines
//! them: used to ask "what if these conditions held" without the facts.
Truth ValueOf(const Node& rule, const std::vector<Truth>& outcomes);

//! One row of a trace as people read it: a condition, or an "or" over codes of one attribute
//! (IsCodeAlternatives) that reads as one condition with named alternatives.
struct TraceRow {
  const Node* node = nullptr;   // the leaf, or the "or"
  size_t first = 0, count = 1;  // its leaves in Leaves() order: [first, first + count)
};
std::vector<TraceRow> TraceRows(const Node& rule, const Schema& schema);

}  // namespace huiqi::rules
