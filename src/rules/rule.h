#pragma once
// The rule language: a small, readable language for item eligibility, written by policy
// officers in English keywords or Chinese labels and connectives:
//   region under "3204" and industry under "C" and employees >= 10 and revenue >= 2000万
//     and has "高新技术企业" within 3 years and not dishonest
//   营业收入 不低于 2000万 且 拥有 "高新技术企业" 且 非 失信被执行人
// Parse() checks the text against the Schema (types, units, enum values) and returns the AST;
// Print() gives the canonical form (Parse(Print(x)) == x); Describe() renders one condition in
// plain Chinese for the guide. Values are stored at the schema's exact integer scales.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/reference_data.h"
#include "rules/schema.h"

namespace huiqi::rules {

enum class NodeKind {
  kAnd,      // children: all must hold
  kOr,       // children: one must hold
  kNot,      // children[0]
  kCompare,  // attr cmp number (numeric, date, bool) or attr =/!= text (enum, code)
  kUnder,    // attr under text: a code at or below a region / industry code
  kIn,       // attr in [texts] or [numbers]
  kBetween,  // number <= attr <= number2
  kHas,      // has tag text [within within_years years]
  // Conditions no archive attribute can decide (an award decision, a recognised product, an
  // on-site check): reviewed "text" [evidence "what to submit"]. Unknown for every enterprise in
  // all three engines, so an item needing one is never 符合 from data alone; the matcher shows it
  // as 待审核 once every other condition holds.
  kReviewed,
  // universal (普惠): the department declares that the rule's data conditions are the whole of
  // its conditions (every enterprise meeting them qualifies). True everywhere; without it an
  // item whose rule says nothing beyond the region (and 非失信) is left to the department.
  kUniversal,
};

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CmpSymbol(CmpOp op);  // ">=", …

// Every member has a default ({} for the containers and strings too), so `Node{NodeKind::kOr}`
// names only what it sets.
struct Node {
  NodeKind kind = NodeKind::kAnd;
  std::vector<Node> children{};
  std::string attr{};  // attribute key
  CmpOp cmp = CmpOp::kEq;
  bool is_text = false;              // kCompare / kIn on text values
  int64_t number = 0;                // kCompare, kBetween low
  int64_t number2 = 0;               // kBetween high
  std::string text{};                // kCompare text, kUnder code, kHas tag, kReviewed condition
  std::string evidence{};            // kReviewed: what the enterprise submits for the review
  std::vector<std::string> texts{};  // kIn
  std::vector<int64_t> numbers{};    // kIn
  int within_years = 0;              // kHas: 0 = acquired at any time
  int position = 0;                  // byte offset in the source, for messages

  bool IsLeaf() const { return kind != NodeKind::kAnd && kind != NodeKind::kOr && kind != NodeKind::kNot; }
  bool operator==(const Node& o) const;
};

//! The deepest nesting of parentheses and 非/not a rule may have (error code rule_too_deep).
inline constexpr int kMaxRuleDepth = 32;

//! Parses and type-checks `text`. Errors: code rule_syntax / rule_unknown_attribute / rule_type
//! / rule_value, field "rule", `position` the byte offset, and a Chinese message that says where
//! ("第 N 个字符") and, for an unknown attribute, which ones were probably meant.
core::Result<Node> Parse(std::string_view text, const Schema& schema);

//! The canonical text: English keywords, attribute keys, fixed units.
std::string Print(const Node& node, const Schema& schema);

//! Names of codes for Describe: (code table "region"/"industry", code) → "常州市". May be empty.
using CodeNamer = std::function<std::string(std::string_view table, std::string_view code)>;

//! Names from the reference tables: regions by their (padded) GB/T 2260 code, industries by
//! section letter ("C" 制造业) or by division ("C34" / "34" 通用设备制造业). `ref` must outlive it.
CodeNamer ReferenceNamer(const core::ReferenceData& ref);

//! One condition (a leaf, or not(leaf)) in plain Chinese: "营业收入不低于2000万元". An "or" whose
//! alternatives are all code conditions on one attribute (IsCodeAlternatives) reads as one
//! condition: "行业属于通用设备制造业（C34）或集成电路制造（3973）".
std::string Describe(const Node& node, const Schema& schema, const CodeNamer& namer = {});

//! The whole rule as lines for a guide: one line per condition of the top-level "and"; an "or"
//! becomes one line joined by "或" (nested groups in parentheses), so nobody reads alternatives
//! as requirements.
std::vector<std::string> DescribeLines(const Node& rule, const Schema& schema, const CodeNamer& namer = {});

//! True for an "or" whose children are all `under` / `=` / `in` conditions on one code attribute
//! (industry under "3973" or industry under "342"): people read it as one condition.
bool IsCodeAlternatives(const Node& node, const Schema& schema);

//! The leaves of a rule, left to right (not(leaf) counts as its leaf).
std::vector<const Node*> Leaves(const Node& node);

//! Normalises a region or industry code for `under`: region "320400" → "3204", "320000" → "32";
//! industry sections stay letters, divisions stay digits.
std::string NormalizeCodePrefix(std::string_view table, std::string_view code);

//! Formats a stored value of `type` the way Print writes it ("2000万", "3.5%", "\"2020-01-01\"").
std::string FormatValue(AttrType type, int64_t v);
//! Formats a stored value for people ("2000万元", "3.5%", "2020-01-01", "10人").
std::string HumanValue(const AttributeDef& attr, int64_t v);

}  // namespace huiqi::rules
