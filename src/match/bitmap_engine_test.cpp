#include "match/bitmap_engine.h"

#include <gtest/gtest.h>

#include <random>

#include "match/random_rules.h"

namespace huiqi::match {
namespace {

using rules::Truth;

const core::Date kToday = core::Date::FromYmd(2026, 11, 22);

RuleCounts RowCounts(const rules::Node& rule, const std::vector<rules::Facts>& facts) {
  RuleCounts c;
  for (const auto& f : facts) {
    Truth t = rules::EvaluateRule(rule, f, kToday);
    c.eligible += t == Truth::kTrue;
    c.unknown += t == Truth::kUnknown;
  }
  c.total = facts.size();
  return c;
}

class BitmapEngineTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(11);
    for (uint32_t i = 0; i < 2000; ++i) {
      facts_.push_back(RandomFacts(rng, kToday));
      engine_.Upsert(i, facts_.back());
    }
    if (GetParam()) engine_.RebuildBins();
  }
  void ExpectAgrees(const std::string& text) {
    rules::Node rule = rules::Parse(text, schema_).value();
    RuleCounts want = RowCounts(rule, facts_);
    RuleCounts got = engine_.Count(rule, kToday);
    EXPECT_EQ(got.eligible, want.eligible) << text;
    EXPECT_EQ(got.unknown, want.unknown) << text;
    EXPECT_EQ(got.total, want.total) << text;
    for (uint32_t id = 0; id < facts_.size(); id += 97) {
      EXPECT_EQ(engine_.VerdictOf(rule, kToday, id), rules::EvaluateRule(rule, facts_[id], kToday)) << text;
    }
  }

  const rules::Schema& schema_ = rules::BuiltinSchemaRef();
  std::vector<rules::Facts> facts_;
  BitmapEngine engine_{schema_};
};

// A what-if sweep moves one condition of a long conjunction: after the first values the
// conjunction of the others comes from the cache, and every count must still be exact —
// whichever condition moves, twice over, and with the data changing in between.
TEST_P(BitmapEngineTest, SweepOverOneConditionCountsExactly) {
  const std::vector<std::string> fixed = {R"(region under "3204")", "not dishonest", R"(has "高新技术企业")",
                                          "age >= 2", R"(tax_credit_grade in ["A", "B", "M"])"};
  for (size_t moving = 0; moving <= fixed.size(); ++moving) {
    for (int pass = 0; pass < 2; ++pass) {
      for (int k = 0; k <= 300; k += 25) {
        std::string text;
        for (size_t i = 0; i <= fixed.size(); ++i) {
          if (!text.empty()) text += " and ";
          text +=
              i == moving ? "employees >= " + std::to_string(k) : (i < fixed.size() ? fixed[i] : fixed[0]);
        }
        ExpectAgrees(text);
      }
    }
    facts_[moving] = facts_[moving + 1];  // a profile changes: caches must not go stale
    engine_.Upsert(static_cast<uint32_t>(moving), facts_[moving]);
  }
}

TEST_P(BitmapEngineTest, NestedConjunctionsDisjunctionsAndNegations) {
  ExpectAgrees(
      R"(not (employees >= 50 and revenue >= 1000万 and has "瞪羚企业") or (scale = "小型" and not has "高新技术企业"))");
  ExpectAgrees(
      R"((employees >= 50 or rd_ratio > 3%) and (region under "3202" or industry under "C") and not dishonest)");
  ExpectAgrees(R"(employees between 10 and 200 and has "科技型中小企业" within 3 years and age < 8)");
  ExpectAgrees(R"(employees between 10 and 200 and has "科技型中小企业" within 2 years and age < 8)");
}

INSTANTIATE_TEST_SUITE_P(Bins, BitmapEngineTest, ::testing::Bool());

}  // namespace
}  // namespace huiqi::match
