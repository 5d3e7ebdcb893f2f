#include "match/item_matcher.h"

#include "match/compiled_catalogue.h"

namespace huiqi::match {

ItemVerdict SelfTest(const CatalogueItem& item, const rules::Schema& schema, const rules::Facts& facts,
                     core::Date today, const rules::CodeNamer& namer) {
  ItemVerdict v;
  v.item = &item;
  if (!item.rule) {
    v.evaluation.verdict = rules::Truth::kUnknown;
    return v;
  }
  v.evaluation = rules::Explain(*item.rule, schema, facts, today, namer);
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
