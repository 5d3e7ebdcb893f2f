#pragma once
// The reference semantics of rules: one enterprise's facts against one rule, in three-valued
// logic. Missing data is Unknown, never False, so the enterprise is told "may qualify — provide
// X" rather than a wrong "no" (ARCHITECTURE.md "Rules and matching"). The bitmap and SQL
// engines must give exactly these verdicts.
//   and: False if any child is False, else Unknown if any is Unknown, else True
//   or:  True if any child is True, else Unknown if any is Unknown, else False
//   not: swaps True and False, keeps Unknown

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "rules/rule.h"

namespace huiqi::rules {

enum class Truth : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };
std::string_view TruthCode(Truth t);   // "fail", "pass", "unknown"
std::string_view TruthLabel(Truth t);  // 不满足, 满足, 待补充

//! What a trace shows as the enterprise's side of a department-reviewed condition.
inline constexpr std::string_view kReviewPending = "待主管部门审核";

//! What is known about one enterprise, at the schema's scales. Codes are full codes
//! (region "320412"; industry as section letter + digits, "C3911"). Absent = unknown.
struct Facts {
  std::map<std::string, int64_t, std::less<>> numbers;    // int, money, percent, decimal, date, bool
  std::map<std::string, std::string, std::less<>> texts;  // code, enum
  std::map<std::string, std::optional<int32_t>, std::less<>>
      tags;                 // tag → day acquired (nullopt: date unknown)
  bool tags_known = false;  // false: the tag list itself was never collected
};

//! The verdict of one condition, with what it asked and what the enterprise has.
struct ConditionTrace {
  const Node* node = nullptr;
  std::string description;  // plain Chinese: "营业收入不低于2,000万元"
  std::string canonical;    // rule text of the condition
  std::string actual;       // the enterprise's value in words, or "未提供"
  std::string attr;         // the attribute it needs (for "provide X")
  Truth outcome = Truth::kUnknown;
};

struct Evaluation {
  Truth verdict = Truth::kUnknown;
  std::vector<ConditionTrace> conditions;  // one per leaf, left to right
  int failed = 0;                          // leaves that are False
  int unknown = 0;                         // leaves that are Unknown
};

//! Whether one leaf (or not(leaf)) holds. `today` anchors "within N years".
Truth EvaluateLeaf(const Node& leaf, const Facts& facts, core::Date today);
//! The whole rule, without traces.
Truth EvaluateRule(const Node& rule, const Facts& facts, core::Date today);
//! The whole rule with a trace per condition.
Evaluation Explain(const Node& rule, const Schema& schema, const Facts& facts, core::Date today,
                   const CodeNamer& namer = {});

//! Full years from `established` to `today` (the derived attribute `age`).
int AgeInYears(core::Date established, core::Date today);

//! Rewrites conditions on derived, time-dependent attributes into conditions on stored ones,
//! exactly: `age >= N` becomes `established_on <= YearsBefore(today, N)`, and so on. The set
//! engines (bitmap, SQL) evaluate the result, so a stored index never goes stale at midnight.
Node ExpandDerived(const Node& rule, core::Date today);

//! The same calendar day `years` earlier (29 Feb → 28 Feb): the cut-off of "within N years".
core::Date YearsBefore(core::Date today, int years);

//! True when `code` (a full region code or "C3911"-style industry code) lies under `prefix`
//! (as normalised by NormalizeCodePrefix).
bool CodeUnder(std::string_view table, std::string_view code, std::string_view prefix);

}  // namespace huiqi::rules
