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
  std::optional<rules::Node> rule;      // nullopt: no machine rule (needs a person to judge)
  std::optional<rules::Amount> amount;  // nullopt: not money, or not computable
};

struct ItemVerdict {
  const CatalogueItem* item = nullptr;
  rules::Evaluation evaluation;
  rules::Estimate estimate;  // only for eligible and unknown verdicts
};

struct ExclusivityAdvice {
  std::string group;
  std::vector<const CatalogueItem*> items;  // eligible items of the group, best first
  const CatalogueItem* recommended = nullptr;
};

struct EnterpriseMatch {
  std::vector<ItemVerdict> eligible;     // by estimated amount, highest first; unknown amounts last
  std::vector<ItemVerdict> unknown;      // may qualify once the missing data is provided
  std::vector<ItemVerdict> near_misses;  // not eligible, failing at most kNearMissLimit conditions
  std::vector<ExclusivityAdvice> exclusivity;
  int not_eligible = 0;            // failing more conditions (not listed)
  int without_rule = 0;            // items with no machine rule
  int64_t eligible_total_fen = 0;  // sum over eligible items, one per exclusivity group
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
