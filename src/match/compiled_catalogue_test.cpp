#include "match/compiled_catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "match/random_rules.h"

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
    if (v.evaluation.verdict == rules::Truth::kTrue) {
      out.eligible.push_back(std::move(v));
    } else if (v.evaluation.verdict == rules::Truth::kUnknown) {
      out.unknown.push_back(std::move(v));
    } else if (v.evaluation.failed <= kNearMissLimit) {
      out.near_misses.push_back(std::move(v));
    } else {
      ++out.not_eligible;
    }
  }
  auto fen = [](const ItemVerdict& v) { return v.estimate.fen.value_or(-1); };
  std::stable_sort(out.eligible.begin(), out.eligible.end(),
                   [&](auto& a, auto& b) { return fen(a) > fen(b); });
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
  for (const auto& v : out.eligible) {
    auto it = chosen.find(v.item->exclusive_group);
    if (it != chosen.end() && it->second != v.item) continue;
    out.eligible_total_fen += std::max<int64_t>(0, v.estimate.fen.value_or(0));
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
    EXPECT_EQ(got.not_eligible, want.not_eligible);
    EXPECT_EQ(got.without_rule, want.without_rule);
    EXPECT_EQ(got.eligible_total_fen, want.eligible_total_fen);
    ASSERT_EQ(got.exclusivity.size(), want.exclusivity.size());
    for (size_t i = 0; i < got.exclusivity.size(); ++i) {
      EXPECT_EQ(got.exclusivity[i].group, want.exclusivity[i].group);
      EXPECT_EQ(got.exclusivity[i].items, want.exclusivity[i].items);
      EXPECT_EQ(got.exclusivity[i].recommended, want.exclusivity[i].recommended);
    }
    if (HasFailure()) FAIL() << "enterprise #" << e;
  }
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
    for (const auto* list : {&m.eligible, &m.unknown, &m.near_misses}) {
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
