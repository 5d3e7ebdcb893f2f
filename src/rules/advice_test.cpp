#include "rules/advice.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rules/rule_json.h"
#include "rules/trace.h"

namespace huiqi::rules {
namespace {

using core::Date;

class AdviceTest : public ::testing::Test {
 protected:
  Schema schema_ = BuiltinSchema();
  Date today_ = Date::FromYmd(2026, 11, 22);
  Node R(std::string_view text) { return Parse(text, schema_).value(); }
  Facts Company() {
    Facts f;
    f.texts["region"] = "320412";
    f.texts["industry"] = "C3411";
    f.numbers["revenue"] = 1500'0000'00LL;  // 1500万元
    f.numbers["employees"] = 420;
    f.numbers["dishonest"] = 1;
    f.tags_known = true;
    return f;
  }
};

TEST_F(AdviceTest, NamesTheFigureToReachAndTheDepartmentThatRecordsIt) {
  EXPECT_EQ(
      ActionFor(R("revenue >= 2000万"), schema_, Company(), today_),
      "营业收入需达到2,000万元（当前1,500万元，还差500万元）；该数据由税务部门提供，如与实际不符可申请更正");
  EXPECT_EQ(ActionFor(R("employees <= 300"), schema_, Company(), today_),
            "从业人数需不超过300人（当前420人，需减少120人）；该数据由人社部门提供，如与实际不符可申请更正");
  // not (employees > 300) is employees <= 300
  EXPECT_EQ(ActionFor(R("not employees > 300"), schema_, Company(), today_)
                .rfind("从业人数需不超过300人（当前420人", 0),
            0u);
  EXPECT_EQ(ActionFor(R("not dishonest"), schema_, Company(), today_),
            "需不再是失信被执行人；该数据由法院部门提供，如与实际不符可申请更正");
  EXPECT_EQ(ActionFor(R("has \"高新技术企业\" within 1 years"), schema_, Company(), today_),
            "需取得“高新技术企业”（近1年内取得）；资质由认定部门登记后进入档案");
}

TEST_F(AdviceTest, NeverAsksToChangeAFact) {
  for (const char* rule :
       {"region under \"320411\"", "registration_type = \"外商投资企业\"", "age <= 10",
        "established_on >= \"2020-01-01\"", "industry under \"39\"", "not has \"高新技术企业\""}) {
    EXPECT_TRUE(OnFact(R(rule), schema_)) << rule;
    EXPECT_EQ(ActionFor(R(rule), schema_, Company(), today_), "") << rule;
  }
  EXPECT_FALSE(OnFact(R("revenue >= 1万"), schema_));
  EXPECT_FALSE(OnFact(R("has \"高新技术企业\""), schema_));
  EXPECT_FALSE(OnFact(R("scale in [\"小型\", \"微型\"]"), schema_));
}

TEST_F(AdviceTest, ProvideAdviceSaysWhoProvidesTheData) {
  EXPECT_EQ(ProvideAdvice(schema_, "rd_expense"), "请补充“研发费用”数据（由税务部门提供）");
  EXPECT_EQ(ProvideAdvice(schema_, "tags"), "请补充“资质标签”数据");
}

TEST(ReviewedConditions, AreUnknownForEveryoneAndRoundTrip) {
  Schema schema = BuiltinSchema();
  Date today = Date::FromYmd(2026, 11, 22);
  auto rule = Parse("region under \"3204\" and reviewed \"获评常州市市长质量奖\" evidence \"市政府表彰决定\"",
                    schema);
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  Facts f;
  f.texts["region"] = "320412";
  EXPECT_EQ(EvaluateRule(*rule, f, today), Truth::kUnknown);
  EXPECT_EQ(Print(*rule, schema),
            "region under \"3204\" and reviewed \"获评常州市市长质量奖\" evidence \"市政府表彰决定\"");
  EXPECT_EQ(Parse(Print(*rule, schema), schema).value(), *rule);
  EXPECT_EQ(RuleFromJson(RuleToJson(*rule), schema).value(), *rule);
  // The Chinese form reads the same.
  auto zh =
      Parse("注册地 属于 \"3204\" 且 经部门审核 \"获评常州市市长质量奖\" 凭 \"市政府表彰决定\"", schema);
  ASSERT_TRUE(zh.ok()) << zh.error().message;
  EXPECT_EQ(*zh, *rule);
  Evaluation e = Explain(*rule, schema, f, today);
  ASSERT_EQ(e.conditions.size(), 2u);
  EXPECT_EQ(e.conditions[1].description, "经主管部门审核：获评常州市市长质量奖（需提供市政府表彰决定）");
  EXPECT_EQ(e.conditions[1].actual, kReviewPending);
  EXPECT_EQ(e.conditions[1].outcome, Truth::kUnknown);
  // Taken as held, every other condition decides.
  EXPECT_EQ(ValueOf(*rule, {Truth::kTrue, Truth::kTrue}), Truth::kTrue);
  EXPECT_FALSE(Parse("reviewed", schema).ok());
  EXPECT_FALSE(Parse("reviewed \"x\" evidence", schema).ok());
}

TEST(ReviewedConditions, UniversalHoldsForEveryone) {
  Schema schema = BuiltinSchema();
  auto rule = Parse("region under \"3204\" and 普惠", schema);
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  EXPECT_EQ(Print(*rule, schema), "region under \"3204\" and universal");
  Facts f;
  f.texts["region"] = "320412";
  EXPECT_EQ(EvaluateRule(*rule, f, Date::FromYmd(2026, 1, 1)), Truth::kTrue);
  EXPECT_EQ(RuleFromJson(RuleToJson(*rule), schema).value(), *rule);
}

TEST(CodeAlternatives, ReadAsOneRowWithNamedAlternatives) {
  Schema schema = BuiltinSchema();
  CodeNamer namer = [](std::string_view, std::string_view code) -> std::string {
    return code == "342" ? "金属加工机械制造" : code == "3973" ? "集成电路制造" : "";
  };
  Node rule = Parse("(industry under \"3973\" or industry under \"342\") and rd_expense > 0", schema).value();
  auto rows = TraceRows(rule, schema);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, 0u);
  EXPECT_EQ(rows[0].count, 2u);
  EXPECT_EQ(rows[1].first, 2u);
  EXPECT_EQ(Describe(*rows[0].node, schema, namer), "行业属于集成电路制造（3973）或金属加工机械制造（342）");
  EXPECT_EQ(DescribeLines(rule, schema, namer)[0], "行业属于集成电路制造（3973）或金属加工机械制造（342）");
  // Alternatives over different attributes stay separate conditions.
  Node mixed = Parse("industry under \"C\" or revenue >= 1万", schema).value();
  EXPECT_EQ(TraceRows(mixed, schema).size(), 2u);
}

}  // namespace
}  // namespace huiqi::rules
