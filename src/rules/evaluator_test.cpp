#include "rules/evaluator.h"

#include <gtest/gtest.h>

namespace huiqi::rules {
namespace {

using core::Date;

class EvaluatorTest : public ::testing::Test {
 protected:
  Schema schema_ = BuiltinSchema();
  Date today_ = Date::FromYmd(2026, 11, 22);
  Node R(std::string_view text) { return Parse(text, schema_).value(); }
  Facts Company() {
    Facts f;
    f.texts["region"] = "320412";
    f.texts["industry"] = "C3911";
    f.numbers["employees"] = 120;
    f.numbers["revenue"] = 1800'0000'00LL;  // 1800万元
    f.numbers["dishonest"] = 0;
    f.tags_known = true;
    f.tags["高新技术企业"] = Date::FromYmd(2024, 12, 1).days();
    return f;
  }
};

TEST_F(EvaluatorTest, ThreeValuedLogicTreatsMissingDataAsUnknown) {
  Facts f = Company();
  EXPECT_EQ(EvaluateRule(R("employees >= 100"), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("revenue >= 2000万"), f, today_), Truth::kFalse);
  EXPECT_EQ(EvaluateRule(R("rd_ratio >= 3%"), f, today_), Truth::kUnknown);
  EXPECT_EQ(EvaluateRule(R("rd_ratio >= 3% and revenue >= 2000万"), f, today_), Truth::kFalse);
  EXPECT_EQ(EvaluateRule(R("rd_ratio >= 3% and employees >= 100"), f, today_), Truth::kUnknown);
  EXPECT_EQ(EvaluateRule(R("rd_ratio >= 3% or employees >= 100"), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("not rd_ratio >= 3%"), f, today_), Truth::kUnknown);
  EXPECT_EQ(EvaluateRule(R("not dishonest"), f, today_), Truth::kTrue);
  f.tags_known = false;
  EXPECT_EQ(EvaluateRule(R("has \"高新技术企业\""), f, today_), Truth::kUnknown);
}

TEST_F(EvaluatorTest, CodesMatchByTreeAndTagsByDate) {
  Facts f = Company();
  EXPECT_EQ(EvaluateRule(R("region under \"320400\""), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("region under \"3202\""), f, today_), Truth::kFalse);
  EXPECT_EQ(EvaluateRule(R("industry under \"C\""), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("industry under \"39\""), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("industry under \"I\""), f, today_), Truth::kFalse);
  EXPECT_EQ(EvaluateRule(R("has \"高新技术企业\" within 2 years"), f, today_), Truth::kTrue);
  EXPECT_EQ(EvaluateRule(R("has \"高新技术企业\" within 1 years"), f, today_), Truth::kFalse);
  EXPECT_EQ(EvaluateRule(R("has \"瞪羚企业\""), f, today_), Truth::kFalse);
}

TEST_F(EvaluatorTest, ExplainsEachConditionWithTheEnterprisesOwnValue) {
  Facts f = Company();
  Evaluation ev =
      Explain(R("region under \"3204\" and revenue >= 2000万 and rd_ratio >= 3% and not dishonest"), schema_,
              f, today_);
  EXPECT_EQ(ev.verdict, Truth::kFalse);
  ASSERT_EQ(ev.conditions.size(), 4u);
  EXPECT_EQ(ev.failed, 1);
  EXPECT_EQ(ev.unknown, 1);
  EXPECT_EQ(ev.conditions[1].outcome, Truth::kFalse);
  EXPECT_EQ(ev.conditions[1].description, "营业收入不低于2,000万元");
  EXPECT_EQ(ev.conditions[1].actual, "1,800万元");
  EXPECT_EQ(ev.conditions[2].outcome, Truth::kUnknown);
  EXPECT_EQ(ev.conditions[2].actual, "未提供");
  EXPECT_EQ(ev.conditions[2].attr, "rd_ratio");
  EXPECT_EQ(ev.conditions[3].outcome, Truth::kTrue);
}

}  // namespace
}  // namespace huiqi::rules
