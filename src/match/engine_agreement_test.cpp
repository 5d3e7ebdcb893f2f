// Property test: the bitmap engine and the row evaluator give identical three-valued verdicts
// on random schema-valid rules over random enterprises with missing values (fixed seeds).

#include <gtest/gtest.h>

#include <random>

#include "match/bitmap_engine.h"
#include "match/random_rules.h"

namespace huiqi::match {
namespace {

using rules::Truth;

class EngineAgreement : public ::testing::TestWithParam<uint32_t> {};

TEST_P(EngineAgreement, BitmapMatchesRowEvaluatorOnRandomRules) {
  rules::Schema schema = rules::BuiltinSchema();
  std::mt19937_64 rng(GetParam());
  core::Date today = core::Date::FromYmd(2026, 11, 22);
  constexpr uint32_t kEnterprises = 1500;
  std::vector<rules::Facts> facts;
  BitmapEngine engine(schema);
  for (uint32_t i = 0; i < kEnterprises; ++i) {
    facts.push_back(RandomFacts(rng, today));
    engine.Upsert(i, facts.back());
  }
  if (GetParam() % 2 == 0) engine.RebuildBins();  // half the seeds use quantile bins
  // Change some profiles after indexing: the index must follow without a rebuild.
  for (uint32_t i = 0; i < kEnterprises; i += 7) {
    facts[i] = RandomFacts(rng, today);
    engine.Upsert(i, facts[i]);
  }
  int compared = 0, rules_with_true = 0, rules_with_unknown = 0;
  for (int r = 0; r < 300; ++r) {
    std::string text = RandomRuleText(rng, 3);
    auto rule = rules::Parse(text, schema);
    ASSERT_TRUE(rule.ok()) << text << ": " << rule.error().message;
    uint64_t expected_true = 0, expected_unknown = 0;
    for (uint32_t i = 0; i < kEnterprises; ++i) {
      Truth row = rules::EvaluateRule(*rule, facts[i], today);
      expected_true += row == Truth::kTrue;
      expected_unknown += row == Truth::kUnknown;
      if (i % 50 == 0) {
        ASSERT_EQ(engine.VerdictOf(*rule, today, i), row) << text << " enterprise " << i;
        ++compared;
      }
    }
    RuleCounts counts = engine.Count(*rule, today);
    ASSERT_EQ(counts.eligible, expected_true) << text;
    ASSERT_EQ(counts.unknown, expected_unknown) << text;
    rules_with_true += counts.eligible > 0 && counts.eligible < kEnterprises;
    rules_with_unknown += counts.unknown > 0;
  }
  // The generator must exercise all three outcomes, or agreement would prove little.
  EXPECT_GT(compared, 0);
  EXPECT_GT(rules_with_true, 100);
  EXPECT_GT(rules_with_unknown, 100);
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineAgreement, ::testing::Values(1u, 2u, 3u, 4u));

TEST(BitmapEngine, PagesAndBreaksDownTheEligible) {
  rules::Schema schema = rules::BuiltinSchema();
  BitmapEngine engine(schema);
  core::Date today = core::Date::FromYmd(2026, 11, 22);
  for (uint32_t i = 0; i < 10; ++i) {
    rules::Facts f;
    f.texts["region"] = i < 6 ? "320412" : "320205";
    f.texts["industry"] = i % 2 ? "C3911" : "I6510";
    f.texts["scale"] = "小型";
    f.numbers["employees"] = 10 * i;
    engine.Upsert(i, f);
  }
  auto rule = rules::Parse("employees >= 30", schema).value();
  EXPECT_EQ(engine.Count(rule, today).eligible, 7u);
  EXPECT_EQ(engine.Page(rule, today, 0, 3), (std::vector<uint32_t>{3, 4, 5}));
  EXPECT_EQ(engine.Page(rule, today, 5, 10), (std::vector<uint32_t>{8, 9}));
  Breakdown b = engine.BreakdownOf(rule, today);
  ASSERT_EQ(b.by_region.size(), 2u);
  EXPECT_EQ(b.by_region[0], (std::pair<std::string, uint64_t>{"3202", 4}));
  EXPECT_EQ(b.by_region[1], (std::pair<std::string, uint64_t>{"3204", 3}));
  ASSERT_EQ(b.by_industry.size(), 2u);
  EXPECT_EQ(b.by_scale.front().second, 7u);
  auto unknown = rules::Parse("rd_ratio >= 3%", schema).value();
  EXPECT_EQ(engine.Count(unknown, today).unknown, 10u);
}

}  // namespace
}  // namespace huiqi::match
