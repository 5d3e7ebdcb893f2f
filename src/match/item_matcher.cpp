#include "match/item_matcher.h"

#include <algorithm>
#include <map>

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

EnterpriseMatch MatchEnterprise(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                                const rules::Facts& facts, core::Date today, const rules::CodeNamer& namer) {
  EnterpriseMatch out;
  for (const auto& item : items) {
    if (!item.rule) {
      ++out.without_rule;
      continue;
    }
    ItemVerdict v = SelfTest(item, schema, facts, today, namer);
    switch (v.evaluation.verdict) {
      case rules::Truth::kTrue:
        out.eligible.push_back(std::move(v));
        break;
      case rules::Truth::kUnknown:
        out.unknown.push_back(std::move(v));
        break;
      case rules::Truth::kFalse:
        if (v.evaluation.failed <= kNearMissLimit) {
          out.near_misses.push_back(std::move(v));
        } else {
          ++out.not_eligible;
        }
        break;
    }
  }
  auto fen = [](const ItemVerdict& v) { return v.estimate.fen.value_or(-1); };
  std::stable_sort(out.eligible.begin(), out.eligible.end(),
                   [&](const ItemVerdict& a, const ItemVerdict& b) { return fen(a) > fen(b); });
  std::stable_sort(out.near_misses.begin(), out.near_misses.end(), [](const ItemVerdict& a, const ItemVerdict& b) {
    return a.evaluation.failed < b.evaluation.failed;
  });
  std::stable_sort(out.unknown.begin(), out.unknown.end(), [](const ItemVerdict& a, const ItemVerdict& b) {
    return a.evaluation.unknown < b.evaluation.unknown;
  });

  // Exclusivity: eligible items sharing a group cannot be combined; recommend the largest.
  std::map<std::string, std::vector<const ItemVerdict*>> groups;
  for (const auto& v : out.eligible) {
    if (!v.item->exclusive_group.empty()) groups[v.item->exclusive_group].push_back(&v);
  }
  std::map<std::string, const CatalogueItem*> chosen;
  for (const auto& [group, list] : groups) {
    if (list.size() < 2) continue;
    ExclusivityAdvice advice;
    advice.group = group;
    for (const auto* v : list) advice.items.push_back(v->item);  // already best first
    advice.recommended = list.front()->item;
    chosen[group] = advice.recommended;
    out.exclusivity.push_back(std::move(advice));
  }
  for (const auto& v : out.eligible) {
    auto it = chosen.find(v.item->exclusive_group);
    if (it != chosen.end() && it->second != v.item) continue;
    out.eligible_total_fen += std::max<int64_t>(0, v.estimate.fen.value_or(0));
  }
  return out;
}

}  // namespace huiqi::match
