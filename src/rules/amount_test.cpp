#include "rules/amount.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace huiqi::rules {
namespace {

using nlohmann::json;

class AmountTest : public ::testing::Test {
 protected:
  Schema schema_ = BuiltinSchema();
  core::Date today_ = core::Date::FromYmd(2026, 11, 23);
  Amount A(const char* text) { return ParseAmount(json::parse(text), schema_).value(); }
};

TEST_F(AmountTest, FixedAmountIsExactFen) {
  Amount a = A(R"({"kind":"fixed","value":"30万元"})");
  Estimate e = EstimateAmount(a, schema_, Facts{}, today_);
  ASSERT_TRUE(e.fen.has_value());
  EXPECT_EQ(*e.fen, 30'0000'00);
  EXPECT_EQ(DescribeAmount(a, schema_), "定额 30万元");
  EXPECT_EQ(A(R"({"kind":"fixed","fen":30000000})").fen, 30'0000'00);  // the exact form
}

TEST_F(AmountTest, RateIsCappedAndNeedsItsBase) {
  Amount a = A(R"({"kind":"rate","base":"研发费用","percent":12.5,"cap":"100万元"})");
  EXPECT_EQ(a.base, "rd_expense");
  EXPECT_EQ(a.rate_ppm, 125000);
  Facts f;
  Estimate missing = EstimateAmount(a, schema_, f, today_);
  EXPECT_FALSE(missing.fen.has_value());
  EXPECT_EQ(missing.missing, "rd_expense");
  f.numbers["rd_expense"] = 400'0000'00;  // 400万元 × 12.5% = 50万元
  Estimate e = EstimateAmount(a, schema_, f, today_);
  EXPECT_EQ(*e.fen, 50'0000'00);
  EXPECT_FALSE(e.capped);
  f.numbers["rd_expense"] = 2000'0000'00;  // 250万元, capped at 100万元
  e = EstimateAmount(a, schema_, f, today_);
  EXPECT_EQ(*e.fen, 100'0000'00);
  EXPECT_TRUE(e.capped);
  f.numbers["rd_expense"] = 333;  // 41.625 fen rounds down
  EXPECT_EQ(*EstimateAmount(a, schema_, f, today_).fen, 41);
}

TEST_F(AmountTest, FirstHoldingTierWinsAndUnknownStopsTheSearch) {
  Amount a = A(R"({"kind":"tiers","tiers":[
      {"when":"revenue >= 1亿","value":"50万元"},
      {"when":"revenue >= 2000万","value":"20万元"}]})");
  Facts f;
  Estimate e = EstimateAmount(a, schema_, f, today_);
  EXPECT_FALSE(e.fen.has_value());
  EXPECT_EQ(e.missing, "revenue");
  f.numbers["revenue"] = 3000'0000'00;
  EXPECT_EQ(*EstimateAmount(a, schema_, f, today_).fen, 20'0000'00);
  f.numbers["revenue"] = 2'0000'0000'00;
  EXPECT_EQ(*EstimateAmount(a, schema_, f, today_).fen, 50'0000'00);
  f.numbers["revenue"] = 100;
  EXPECT_EQ(*EstimateAmount(a, schema_, f, today_).fen, 0);
}

TEST_F(AmountTest, ErrorsNameTheField) {
  auto bad_kind = ParseAmount(json::parse(R"({"kind":"bonus"})"), schema_);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.error().field, "amount.kind");
  auto bad_base = ParseAmount(json::parse(R"({"kind":"rate","base":"employees","percent":5})"), schema_);
  ASSERT_FALSE(bad_base.ok());
  EXPECT_EQ(bad_base.error().field, "amount.base");
  auto bad_pct = ParseAmount(json::parse(R"({"kind":"rate","base":"revenue","percent":150})"), schema_);
  ASSERT_FALSE(bad_pct.ok());
  EXPECT_EQ(bad_pct.error().field, "amount.percent");
  auto bad_tier = ParseAmount(
      json::parse(R"({"kind":"tiers","tiers":[{"when":"revenu >= 1","value":"1万元"}]})"), schema_);
  ASSERT_FALSE(bad_tier.ok());
  EXPECT_EQ(bad_tier.error().field, "amount.tiers[0].when");
  auto bad_money = ParseAmount(json::parse(R"({"kind":"fixed","value":"三十万"})"), schema_);
  ASSERT_FALSE(bad_money.ok());
  EXPECT_EQ(bad_money.error().field, "amount.value");
  EXPECT_FALSE(ParseAmountText("{", schema_).ok());
  EXPECT_FALSE(ParseAmountText("", schema_).value().has_value());
}

}  // namespace
}  // namespace huiqi::rules
