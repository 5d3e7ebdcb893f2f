#include "enterprise/units.h"

#include <gtest/gtest.h>

#include "rules/schema.h"

namespace huiqi::enterprise {
namespace {

const rules::AttributeDef& Attr(const char* key) { return *rules::BuiltinSchemaRef().Find(key); }

TEST(UnitsTest, MoneyIsTypedInWanYuanByDefaultAndParsedInTheChosenUnit) {
  EXPECT_EQ(DefaultUnit(Attr("total_assets")), "万元");
  EXPECT_EQ(UnitsFor(Attr("total_assets")), (std::vector<std::string>{"万元", "元", "亿元"}));
  // 18000 万元 = 1.8 亿元 = 18,000,000,000 fen; the same number in 元 is 10,000 times less.
  EXPECT_EQ(ParseInUnit(Attr("total_assets"), "18000", "万元", "value").value(), 18'000'000'000);
  EXPECT_EQ(ParseInUnit(Attr("total_assets"), "18,000", "元", "value").value(), 1'800'000);
  EXPECT_EQ(ParseInUnit(Attr("total_assets"), "1.8", "亿元", "value").value(), 18'000'000'000);
  EXPECT_EQ(ParseInUnit(Attr("total_assets"), "18000万元", "万元", "value").value(), 18'000'000'000);
  EXPECT_EQ(ParseInUnit(Attr("total_assets"), "0.000001", "万元", "value").value(), 1);
}

TEST(UnitsTest, RejectsWhatIsNotAPlainNumberInTheUnitNamingTheField) {
  auto words = ParseInUnit(Attr("total_assets"), "很多", "万元", "value");
  ASSERT_FALSE(words.ok());
  EXPECT_EQ(words.error().field, "value");
  EXPECT_FALSE(ParseInUnit(Attr("total_assets"), "-5", "万元", "value").ok());
  EXPECT_FALSE(ParseInUnit(Attr("total_assets"), "1.2.3", "万元", "value").ok());
  EXPECT_FALSE(ParseInUnit(Attr("total_assets"), "1.005", "元", "value").ok());        // below one fen
  EXPECT_FALSE(ParseInUnit(Attr("total_assets"), "123456789", "亿元", "value").ok());  // overflow guard
  auto unit = ParseInUnit(Attr("employees"), "12", "万元", "value");
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.error().field, "unit");
}

TEST(UnitsTest, PeopleAndPercentagesKeepTheirOwnUnit) {
  EXPECT_EQ(DefaultUnit(Attr("employees")), "人");
  EXPECT_EQ(ParseInUnit(Attr("employees"), "210", "人", "value").value(), 210);
  EXPECT_FALSE(ParseInUnit(Attr("employees"), "2.5", "人", "value").ok());
  EXPECT_EQ(DefaultUnit(Attr("rd_ratio")), "%");
  EXPECT_EQ(ParseInUnit(Attr("rd_ratio"), "12.5", "%", "value").value(), 1250);
  EXPECT_EQ(DefaultUnit(Attr("region")), "");
}

TEST(UnitsTest, FormatsAStoredValueBackInTheUnit) {
  EXPECT_EQ(FormatInUnit(Attr("total_assets"), 18'000'000'000, "万元").value(), "18,000");
  EXPECT_EQ(FormatInUnit(Attr("total_assets"), 1'800'000, "万元").value(), "1.8");
  EXPECT_EQ(FormatInUnit(Attr("total_assets"), 1'800'000, "元").value(), "18,000");
  EXPECT_EQ(FormatInUnit(Attr("total_assets"), 1, "万元").value(), "0.000001");
  EXPECT_EQ(FormatInUnit(Attr("rd_ratio"), 1250, "%").value(), "12.5");
  EXPECT_EQ(FormatInUnit(Attr("employees"), 1234567, "人").value(), "1,234,567");
  EXPECT_FALSE(FormatInUnit(Attr("employees"), 1, "万元").has_value());
}

}  // namespace
}  // namespace huiqi::enterprise
