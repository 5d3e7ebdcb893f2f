#pragma once
// One enterprise against every active item (常州办法 第二十条 申报自测; 江阴办法 第二条 精准匹配):
// the row evaluator's verdict per item with a trace per condition, the estimated amount, near
// misses (items failing one or two conditions, with what would change the verdict), items that
// need more data ("provide X"), and advice where eligible items exclude each other.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "rules/amount.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::match {

//! An item as the matcher needs it; built from the catalogue by the caller.
struct CatalogueItem {
  int64_t id = 0;
  int64_t policy_id = 0;
  std::string name, policy_title, department, exclusive_group, subsidy_standard;
  std::string period_type, window_start, window_end;  // codes and dates as text, for display
  bool no_application = false;
  //! A grant to a person (an item of target 个人): never the enterprise's own, never in its
  //! total; shown apart as something its staff may apply for.
  bool for_individuals = false;
  std::optional<rules::Node> rule;      // nullopt: no machine rule (needs a person to judge)
  std::optional<rules::Amount> amount;  // nullopt: not money, or not computable
};

//! Where an item stands for one enterprise, beyond the rule's three-valued verdict.
enum class Standing : uint8_t {
  kEligible,       // every condition holds on data (符合)
  kPendingReview,  // every data-decidable condition holds; a department-reviewed one is open (待审核)
  kUnknown,        // may qualify once missing data is provided (待补充)
  kNearMiss,       // fails at most kNearMissLimit conditions, all of which the enterprise can change
  kNotEligible,    // fails more, or fails on facts it cannot change (region, ownership, founding, industry)
  kForStaff,       // a grant to a person whose rule does not exclude this enterprise's staff
};
std::string_view StandingCode(Standing s);  // eligible, pending_review, unknown, near_miss, …
std::string_view StandingLabel(Standing s);  // 符合, 待审核, 待补充, 不满足, 不符合, 面向员工个人

struct ItemVerdict {
  const CatalogueItem* item = nullptr;
  rules::Evaluation evaluation;
  rules::Estimate estimate;  // only for verdicts that are not False
  Standing standing = Standing::kUnknown;
  bool in_total = false;  // counted in eligible_total_fen
};

//! True when the rule says nothing beyond where the enterprise is registered (and 非失信): the
//! real conditions are the department's to judge unless the rule says `universal` (普惠).
bool RegionOnly(const rules::Node& rule);

//! The standing from the verdicts of the rule as it is, with its department-reviewed conditions
//! taken as held (`if_reviewed`), and with every failing condition on a changeable attribute
//! taken as held (`if_changed`).
Standing StandingOf(const CatalogueItem& item, rules::Truth verdict, rules::Truth if_reviewed,
                    rules::Truth if_changed, int failed);

struct ExclusivityAdvice {
  std::string group;
  std::vector<const CatalogueItem*> items;  // eligible items of the group, best first
  const CatalogueItem* recommended = nullptr;
};

//! 预计可享受 (eligible_total_fen) is the sum of the estimates of the eligible items marked
//! in_total: eligible on every condition (none left to a department's review), of the enterprise
//! (not a grant to a person), with an amount above zero, and only the recommended one of each
//! exclusivity group. Eligible items without an amount are counted in eligible_without_amount
//! (另有 N 项按实际核定); an exclusivity group's other members are in neither.
struct EnterpriseMatch {
  std::vector<ItemVerdict> eligible;        // by estimated amount, highest first; unknown amounts last
  std::vector<ItemVerdict> pending_review;  // 待审核: data conditions hold, a department decides the rest
  std::vector<ItemVerdict> unknown;         // may qualify once the missing data is provided
  std::vector<ItemVerdict> near_misses;     // failing at most kNearMissLimit changeable conditions
  std::vector<ItemVerdict> for_staff;       // grants to persons the enterprise's staff may apply for
  std::vector<ExclusivityAdvice> exclusivity;
  int not_eligible = 0;             // failing more conditions, or on facts (not listed)
  int without_rule = 0;             // items with no machine rule
  int64_t eligible_total_fen = 0;   // the sum of the in_total estimates
  int eligible_without_amount = 0;  // eligible, counted, but no amount: 按实际核定
};

constexpr int kNearMissLimit = 2;

//! Compiles `items` for this one call (compiled_catalogue.h) and matches. A caller matching many
//! enterprises against the same items keeps a CompiledCatalogue and calls its overload instead:
//! compiling 10,000 items costs ~10 ms, matching one enterprise against them ~0.5 ms.
EnterpriseMatch MatchEnterprise(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                                const rules::Facts& facts, core::Date today,
                                const rules::CodeNamer& namer = {});

//! One item's verdict with its trace (the 自测 button).
ItemVerdict SelfTest(const CatalogueItem& item, const rules::Schema& schema, const rules::Facts& facts,
                     core::Date today, const rules::CodeNamer& namer = {});

}  // namespace huiqi::match
