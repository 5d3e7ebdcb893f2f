#include "match/compiled_catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "match/random_rules.h"
#include "rules/trace.h"

namespace huiqi::match {
namespace {

const core::Date kToday = core::Date::FromYmd(2026, 11, 23);

// The reference: every item through rules::Explain and rules::EstimateAmount, then the same
// classification, ordering and exclusivity as item_matcher.h describes.
EnterpriseMatch ReferenceMatch(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                               const rules::Facts& facts, const rules::CodeNamer& namer) {
  EnterpriseMatch out;
  for (const auto& item : items) {
    if (!item.rule) {
      ++out.without_rule;
      continue;
    }
    ItemVerdict v = SelfTest(item, schema, facts, kToday, namer);
    switch (v.standing) {
      case Standing::kEligible:
        out.eligible.push_back(std::move(v));
        break;
      case Standing::kPendingReview:
        out.pending_review.push_back(std::move(v));
        break;
      case Standing::kUnknown:
        out.unknown.push_back(std::move(v));
        break;
      case Standing::kNearMiss:
        out.near_misses.push_back(std::move(v));
        break;
      case Standing::kForStaff:
        out.for_staff.push_back(std::move(v));
        break;
      case Standing::kNotEligible:
        ++out.not_eligible;
        break;
    }
  }
  auto fen = [](const ItemVerdict& v) { return v.estimate.fen.value_or(-1); };
  for (auto* list : {&out.eligible, &out.pending_review, &out.for_staff})
    std::stable_sort(list->begin(), list->end(), [&](auto& a, auto& b) { return fen(a) > fen(b); });
  std::stable_sort(out.near_misses.begin(), out.near_misses.end(),
                   [](auto& a, auto& b) { return a.evaluation.failed < b.evaluation.failed; });
  std::stable_sort(out.unknown.begin(), out.unknown.end(),
                   [](auto& a, auto& b) { return a.evaluation.unknown < b.evaluation.unknown; });
  std::map<std::string, std::vector<const CatalogueItem*>> groups;
  for (const auto& v : out.eligible) {
    if (!v.item->exclusive_group.empty()) groups[v.item->exclusive_group].push_back(v.item);
  }
  std::map<std::string, const CatalogueItem*> chosen;
  for (const auto& [group, list] : groups) {
    if (list.size() < 2) continue;
    out.exclusivity.push_back({group, list, list.front()});
    chosen[group] = list.front();
  }
  for (auto& v : out.eligible) {
    auto it = chosen.find(v.item->exclusive_group);
    if (it != chosen.end() && it->second != v.item) continue;
    if (v.estimate.fen.value_or(0) > 0) {
      v.in_total = true;
      out.eligible_total_fen += *v.estimate.fen;
    } else {
      ++out.eligible_without_amount;
    }
  }
  return out;
}

void ExpectSameVerdicts(const std::vector<ItemVerdict>& got, const std::vector<ItemVerdict>& want,
                        const char* list) {
  ASSERT_EQ(got.size(), want.size()) << list;
  for (size_t i = 0; i < got.size(); ++i) {
    const auto &g = got[i], &w = want[i];
    ASSERT_EQ(g.item, w.item) << list << " #" << i;
    EXPECT_EQ(g.evaluation.verdict, w.evaluation.verdict);
    EXPECT_EQ(g.evaluation.failed, w.evaluation.failed);
    EXPECT_EQ(g.evaluation.unknown, w.evaluation.unknown);
    EXPECT_EQ(g.estimate.fen, w.estimate.fen);
    EXPECT_EQ(g.estimate.text, w.estimate.text);
    EXPECT_EQ(g.estimate.missing, w.estimate.missing);
    EXPECT_EQ(g.estimate.basis, w.estimate.basis);
    EXPECT_EQ(g.standing, w.standing);
    EXPECT_EQ(g.in_total, w.in_total);
    ASSERT_EQ(g.evaluation.conditions.size(), w.evaluation.conditions.size());
    for (size_t j = 0; j < g.evaluation.conditions.size(); ++j) {
      const auto &gc = g.evaluation.conditions[j], &wc = w.evaluation.conditions[j];
      EXPECT_EQ(gc.node, wc.node);
      EXPECT_EQ(gc.outcome, wc.outcome) << wc.canonical;
      EXPECT_EQ(gc.description, wc.description);
      EXPECT_EQ(gc.canonical, wc.canonical);
      EXPECT_EQ(gc.actual, wc.actual);
      EXPECT_EQ(gc.attr, wc.attr);
    }
  }
}

std::optional<rules::Amount> RandomAmount(std::mt19937_64& rng, const rules::Schema& schema) {
  static const std::vector<const char*> kFormulas = {
      R"({"kind":"fixed","value":"30万元"})",
      R"({"kind":"fixed","value":"50万元"})",
      R"({"kind":"rate","base":"rd_expense","percent":10,"cap":"100万元"})",
      R"({"kind":"rate","base":"revenue","percent":1})",
      R"({"kind":"tiers","tiers":[{"when":"revenue >= 1亿","value":"100万元"},{"when":"employees >= 50","value":"20万元"}]})",
  };
  size_t k = std::uniform_int_distribution<size_t>(0, kFormulas.size())(rng);
  if (k == kFormulas.size()) return std::nullopt;
  return rules::ParseAmount(nlohmann::json::parse(kFormulas[k]), schema).value();
}

// Thousands of random rules (shared conditions, nested and/or/not, missing data) against
// random enterprises: the compiled catalogue gives exactly what rules::Explain gives per item.
TEST(CompiledCatalogue, AgreesWithExplainOnRandomRulesAndEnterprises) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  rules::CodeNamer namer = [](std::string_view table, std::string_view code) -> std::string {
    return code.size() % 2 ? "" : std::string(table) + ":" + std::string(code);
  };
  std::mt19937_64 rng(42);
  std::vector<CatalogueItem> items(3000);
  const char* groups[] = {"", "", "", "g1", "g2"};
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].id = static_cast<int64_t>(i + 1);
    if (i % 97 != 0) items[i].rule = rules::Parse(RandomRuleText(rng, 1 + i % 3), schema).value();
    items[i].amount = RandomAmount(rng, schema);
    items[i].exclusive_group = groups[i % 5];
    items[i].for_individuals = i % 11 == 0;
  }
  CompiledCatalogue catalogue(items, schema, namer);
  EXPECT_LT(catalogue.distinct_conditions(), 3 * items.size());
  for (int e = 0; e < 60; ++e) {
    rules::Facts facts = RandomFacts(rng, kToday);
    if (e % 3 == 0) facts.numbers["rd_expense"] = 123456789;
    EnterpriseMatch got = MatchEnterprise(catalogue, facts, kToday);
    EnterpriseMatch want = ReferenceMatch(items, schema, facts, namer);
    ExpectSameVerdicts(got.eligible, want.eligible, "eligible");
    ExpectSameVerdicts(got.unknown, want.unknown, "unknown");
    ExpectSameVerdicts(got.near_misses, want.near_misses, "near_misses");
    ExpectSameVerdicts(got.pending_review, want.pending_review, "pending_review");
    ExpectSameVerdicts(got.for_staff, want.for_staff, "for_staff");
    EXPECT_EQ(got.not_eligible, want.not_eligible);
    EXPECT_EQ(got.without_rule, want.without_rule);
    EXPECT_EQ(got.eligible_total_fen, want.eligible_total_fen);
    EXPECT_EQ(got.eligible_without_amount, want.eligible_without_amount);
    ASSERT_EQ(got.exclusivity.size(), want.exclusivity.size());
    for (size_t i = 0; i < got.exclusivity.size(); ++i) {
      EXPECT_EQ(got.exclusivity[i].group, want.exclusivity[i].group);
      EXPECT_EQ(got.exclusivity[i].items, want.exclusivity[i].items);
      EXPECT_EQ(got.exclusivity[i].recommended, want.exclusivity[i].recommended);
    }
    if (HasFailure()) FAIL() << "enterprise #" << e;
  }
}

// 预计可享受 (issue 12 item 2), as a property over random catalogues and enterprises: the headline
// is the sum of the amounts of the listed items it claims (in_total); each of them is eligible on
// every condition (none left to a department's review), not a grant to a person, has an amount,
// and is the only one of its exclusivity group; every other eligible item is either another
// member of a group or counted in 另有 N 项按实际核定.
TEST(CompiledCatalogue, HeadlineEqualsTheSumOfTheListedAmountsItClaims) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  std::mt19937_64 rng(12);
  std::vector<CatalogueItem> items(1500);
  const char* groups[] = {"", "", "g1", "g2", "g3"};
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].id = static_cast<int64_t>(i + 1);
    items[i].rule = rules::Parse(RandomRuleText(rng, 1 + i % 3), schema).value();
    items[i].amount = RandomAmount(rng, schema);
    items[i].exclusive_group = groups[i % 5];
    items[i].for_individuals = i % 7 == 0;
  }
  CompiledCatalogue catalogue(items, schema);
  int with_total = 0;
  for (int e = 0; e < 300; ++e) {
    rules::Facts facts = RandomFacts(rng, kToday);
    if (e % 2 == 0) facts.numbers["rd_expense"] = 1000'0000 + e;
    EnterpriseMatch m = MatchEnterprise(catalogue, facts, kToday);
    int64_t sum = 0;
    int without_amount = 0;
    std::map<std::string, int> per_group;
    for (const auto& v : m.eligible) {
      EXPECT_EQ(v.standing, Standing::kEligible);
      EXPECT_FALSE(v.item->for_individuals);
      EXPECT_EQ(v.evaluation.verdict, rules::Truth::kTrue);
      // No department-reviewed condition is open: the verdict holds whichever way a review goes.
      std::vector<rules::Truth> refused;
      for (const auto& c : v.evaluation.conditions) {
        bool reviewed =
            c.node->kind == rules::NodeKind::kReviewed ||
            (c.node->kind == rules::NodeKind::kNot && c.node->children[0].kind == rules::NodeKind::kReviewed);
        refused.push_back(reviewed ? rules::Truth::kFalse : c.outcome);
      }
      EXPECT_EQ(rules::ValueOf(*v.item->rule, refused), rules::Truth::kTrue)
          << "an open review in an eligible item";
      if (!v.in_total) {
        bool other_member = false;
        for (const auto& x : m.exclusivity)
          other_member = other_member || (x.group == v.item->exclusive_group && x.recommended != v.item);
        if (!other_member) ++without_amount;
        continue;
      }
      ASSERT_TRUE(v.estimate.fen.has_value());
      EXPECT_GT(*v.estimate.fen, 0);
      EXPECT_FALSE(v.estimate.basis.empty());
      sum += *v.estimate.fen;
      if (!v.item->exclusive_group.empty()) {
        EXPECT_EQ(++per_group[v.item->exclusive_group], 1);
      }
    }
    for (const auto* list : {&m.pending_review, &m.unknown, &m.near_misses, &m.for_staff}) {
      for (const auto& v : *list) EXPECT_FALSE(v.in_total) << v.item->id;
    }
    for (const auto& v : m.for_staff) EXPECT_TRUE(v.item->for_individuals);
    for (const auto& v : m.pending_review) EXPECT_NE(v.evaluation.verdict, rules::Truth::kFalse);
    EXPECT_EQ(m.eligible_total_fen, sum);
    EXPECT_EQ(m.eligible_without_amount, without_amount);
    with_total += sum > 0;
    if (HasFailure()) FAIL() << "enterprise #" << e;
  }
  EXPECT_GT(with_total, 30);  // the property was exercised, not vacuous
}

// A near miss is one the enterprise can act on: failing only on facts (region, ownership,
// founding date, industry) is not a near miss, whatever the count.
TEST(CompiledCatalogue, NearMissesNeverFailOnlyOnFacts) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  std::vector<CatalogueItem> items(4);
  const char* rules_text[] = {"region under \"320411\" and revenue >= 1万",
                              "registration_type = \"外商投资企业\" and not dishonest",
                              "age <= 10 and revenue >= 5000万", "revenue >= 5000万 and not dishonest"};
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].id = static_cast<int64_t>(i + 1);
    items[i].rule = rules::Parse(rules_text[i], schema).value();
  }
  rules::Facts f;
  f.texts["region"] = "320412";
  f.texts["registration_type"] = "有限责任公司";
  f.numbers["established_on"] = core::Date::FromYmd(2001, 5, 1).days();
  f.numbers["revenue"] = 1000'0000'00;
  f.numbers["dishonest"] = 0;
  EnterpriseMatch m = MatchEnterprise(CompiledCatalogue(items, schema), f, kToday);
  ASSERT_EQ(m.near_misses.size(), 1u);
  EXPECT_EQ(m.near_misses[0].item->id, 4);  // revenue can grow; region, ownership and age cannot change
  EXPECT_EQ(m.not_eligible, 3);
}

// Every distinct condition is evaluated against the reference leaf evaluator, including the
// verdicts of items the match does not list (failing more than two conditions).
TEST(CompiledCatalogue, VerdictsEqualEvaluateRuleForEveryItem) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  std::mt19937_64 rng(7);
  std::vector<CatalogueItem> items(2000);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].id = static_cast<int64_t>(i + 1);
    items[i].rule = rules::Parse(RandomRuleText(rng, 3), schema).value();
  }
  CompiledCatalogue catalogue(items, schema);
  for (int e = 0; e < 200; ++e) {
    rules::Facts facts = RandomFacts(rng, kToday);
    CompiledMatch m = catalogue.Match(facts, kToday);
    std::map<int64_t, const ItemRef*> listed;
    for (const auto* list : {&m.eligible, &m.pending_review, &m.unknown, &m.near_misses, &m.for_staff}) {
      for (const auto& ref : *list) listed[ref.item->id] = &ref;
    }
    int not_listed = 0;
    for (const auto& item : items) {
      rules::Truth want = rules::EvaluateRule(*item.rule, facts, kToday);
      auto it = listed.find(item.id);
      if (it == listed.end()) {
        ++not_listed;
        EXPECT_EQ(want, rules::Truth::kFalse) << rules::Print(*item.rule, schema);
        continue;
      }
      const ItemRef& ref = *it->second;
      EXPECT_EQ(ref.verdict, want) << rules::Print(*item.rule, schema);
      auto leaves = rules::Leaves(*item.rule);
      ASSERT_EQ(m.TraceSize(ref), leaves.size());
      for (size_t j = 0; j < leaves.size(); ++j) {
        EXPECT_EQ(m.TraceAt(ref, j).outcome, rules::EvaluateLeaf(*leaves[j], facts, kToday));
      }
    }
    EXPECT_EQ(not_listed, m.not_eligible);
    if (HasFailure()) FAIL() << "enterprise #" << e;
  }
}

// Publishing, revising and withdrawing items one at a time gives what compiling the final
// catalogue from scratch gives.
TEST(CompiledCatalogue, PublishingOneItemAtATimeEqualsCompilingAfresh) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  std::mt19937_64 rng(3);
  std::deque<CatalogueItem> published;  // stable addresses, as the catalogue requires
  auto make = [&](int64_t id) {
    CatalogueItem it;
    it.id = id;
    it.rule = rules::Parse(RandomRuleText(rng, 2), schema).value();
    it.amount = RandomAmount(rng, schema);
    it.exclusive_group = id % 4 == 0 ? "g" + std::to_string(id % 3) : "";
    return it;
  };
  std::vector<CatalogueItem> first;
  for (int64_t id = 1; id <= 300; ++id) first.push_back(make(id));
  CompiledCatalogue catalogue(first, schema);
  std::map<int64_t, const CatalogueItem*> current;
  for (const auto& it : first) current[it.id] = &it;
  std::vector<int64_t> order;
  for (const auto& it : first) order.push_back(it.id);
  for (int64_t id = 301; id <= 400; ++id) {  // new items
    catalogue.Upsert(published.emplace_back(make(id)));
    current[id] = &published.back();
    order.push_back(id);
  }
  for (int64_t id = 5; id <= 400; id += 9) {  // new versions
    catalogue.Upsert(published.emplace_back(make(id)));
    current[id] = &published.back();
  }
  for (int64_t id = 7; id <= 400; id += 13) {  // withdrawn
    EXPECT_TRUE(catalogue.Remove(id));
    current.erase(id);
  }
  EXPECT_FALSE(catalogue.Remove(7));
  std::vector<CatalogueItem> final_items;
  for (int64_t id : order) {
    if (current.count(id)) final_items.push_back(*current[id]);
  }
  EXPECT_EQ(catalogue.items(), final_items.size());
  CompiledCatalogue fresh(final_items, schema);
  for (int e = 0; e < 30; ++e) {
    rules::Facts facts = RandomFacts(rng, kToday);
    EnterpriseMatch got = MatchEnterprise(catalogue, facts, kToday);
    EnterpriseMatch want = MatchEnterprise(fresh, facts, kToday);
    auto ids = [](const std::vector<ItemVerdict>& vs) {
      std::vector<std::pair<int64_t, int>> out;
      for (const auto& v : vs) out.emplace_back(v.item->id, v.evaluation.failed * 100 + v.evaluation.unknown);
      return out;
    };
    EXPECT_EQ(ids(got.eligible), ids(want.eligible));
    EXPECT_EQ(ids(got.unknown), ids(want.unknown));
    EXPECT_EQ(ids(got.near_misses), ids(want.near_misses));
    EXPECT_EQ(got.not_eligible, want.not_eligible);
    EXPECT_EQ(got.eligible_total_fen, want.eligible_total_fen);
    ASSERT_EQ(got.exclusivity.size(), want.exclusivity.size());
    for (size_t i = 0; i < got.exclusivity.size(); ++i) {
      EXPECT_EQ(got.exclusivity[i].group, want.exclusivity[i].group);
      EXPECT_EQ(got.exclusivity[i].recommended->id, want.exclusivity[i].recommended->id);
    }
    for (size_t i = 0; i < got.eligible.size() && i < want.eligible.size(); ++i) {
      ASSERT_EQ(got.eligible[i].evaluation.conditions.size(), want.eligible[i].evaluation.conditions.size());
      for (size_t j = 0; j < got.eligible[i].evaluation.conditions.size(); ++j) {
        EXPECT_EQ(got.eligible[i].evaluation.conditions[j].description,
                  want.eligible[i].evaluation.conditions[j].description);
        EXPECT_EQ(got.eligible[i].evaluation.conditions[j].actual,
                  want.eligible[i].evaluation.conditions[j].actual);
      }
    }
  }
}

}  // namespace
}  // namespace huiqi::match
