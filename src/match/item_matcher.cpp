#include "match/item_matcher.h"

#include "match/compiled_catalogue.h"
#include "rules/advice.h"
#include "rules/trace.h"

namespace huiqi::match {

std::string_view StandingCode(Standing s) {
  switch (s) {
    case Standing::kEligible:
      return "eligible";
    case Standing::kPendingReview:
      return "pending_review";
    case Standing::kUnknown:
      return "unknown";
    case Standing::kNearMiss:
      return "near_miss";
    case Standing::kNotEligible:
      return "not_eligible";
    case Standing::kForStaff:
      return "for_staff";
  }
  return "unknown";
}

std::string_view StandingLabel(Standing s) {
  switch (s) {
    case Standing::kEligible:
      return "符合";
    case Standing::kPendingReview:
      return "待审核";
    case Standing::kUnknown:
      return "待补充";
    case Standing::kNearMiss:
      return "不满足";
    case Standing::kNotEligible:
      return "不符合";
    case Standing::kForStaff:
      return "面向员工个人";
  }
  return "待补充";
}

bool RegionOnly(const rules::Node& rule) {
  for (const rules::Node* leaf : rules::Leaves(rule)) {
    const rules::Node& n = leaf->kind == rules::NodeKind::kNot ? leaf->children[0] : *leaf;
    bool not_dishonest = leaf->kind == rules::NodeKind::kNot && n.kind == rules::NodeKind::kCompare &&
                         n.attr == "dishonest" && n.cmp == rules::CmpOp::kEq && n.number == 1;
    if (n.attr != "region" && !not_dishonest) return false;  // reviewed and universal have no attr
  }
  return true;
}

Standing StandingOf(const CatalogueItem& item, rules::Truth verdict, rules::Truth if_reviewed,
                    rules::Truth if_changed, int failed) {
  if (item.for_individuals)
    return verdict == rules::Truth::kFalse ? Standing::kNotEligible : Standing::kForStaff;
  switch (verdict) {
    case rules::Truth::kTrue:
      return item.rule && RegionOnly(*item.rule) ? Standing::kPendingReview : Standing::kEligible;
    case rules::Truth::kUnknown:
      return if_reviewed == rules::Truth::kTrue ? Standing::kPendingReview : Standing::kUnknown;
    case rules::Truth::kFalse:
      break;
  }
  return failed <= kNearMissLimit && if_changed != rules::Truth::kFalse ? Standing::kNearMiss
                                                                        : Standing::kNotEligible;
}

ItemVerdict SelfTest(const CatalogueItem& item, const rules::Schema& schema, const rules::Facts& facts,
                     core::Date today, const rules::CodeNamer& namer) {
  ItemVerdict v;
  v.item = &item;
  if (!item.rule) {
    v.evaluation.verdict = rules::Truth::kUnknown;
    return v;
  }
  v.evaluation = rules::Explain(*item.rule, schema, facts, today, namer);
  std::vector<rules::Truth> reviewed, changed;
  for (const auto& c : v.evaluation.conditions) {
    const rules::Node& n = c.node->kind == rules::NodeKind::kNot ? c.node->children[0] : *c.node;
    reviewed.push_back(n.kind == rules::NodeKind::kReviewed ? rules::Truth::kTrue : c.outcome);
    bool can_change = c.outcome == rules::Truth::kFalse && !rules::OnFact(*c.node, schema);
    changed.push_back(can_change ? rules::Truth::kTrue : c.outcome);
  }
  v.standing = StandingOf(item, v.evaluation.verdict, rules::ValueOf(*item.rule, reviewed),
                          rules::ValueOf(*item.rule, changed), v.evaluation.failed);
  if (v.evaluation.verdict != rules::Truth::kFalse && item.amount) {
    v.estimate = rules::EstimateAmount(*item.amount, schema, facts, today);
  }
  return v;
}

// Compiles the items for this one call; callers matching many enterprises against the same
// items keep a CompiledCatalogue instead (compiled_catalogue.h).
EnterpriseMatch MatchEnterprise(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                                const rules::Facts& facts, core::Date today, const rules::CodeNamer& namer) {
  CompiledCatalogue catalogue(items, schema, namer);
  return catalogue.Match(facts, today).ToEnterpriseMatch();
}

}  // namespace huiqi::match
