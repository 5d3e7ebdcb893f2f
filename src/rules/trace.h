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

}  // namespace huiqi::rules
