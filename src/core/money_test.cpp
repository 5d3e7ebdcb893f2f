#include "core/money.h"

#include <gtest/gtest.h>

namespace huiqi::core {
namespace {

TEST(Money, ParsesPolicyStyleAmounts) {
  struct {
    const char* text;
    Fen fen;
  } cases[] = {
      {"30万元", 30'0000'00LL},    {"1.5亿", 1'5000'0000'00LL},
      {"2,000元", 2000'00LL},      {"500", 500'00LL},
      {"12.34元", 1234LL},         {"¥1,234,567.89", 123456789LL},
      {"0.5万", 5000'00LL},        {"3亿元", 3'0000'0000'00LL},
      {" 20 万元 ", 20'0000'00LL}, {"0.01", 1LL},
      {"1.23456万", 12345'60LL},
  };
  for (const auto& c : cases) {
    auto r = ParseMoney(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.error().ToString();
    EXPECT_EQ(*r, c.fen) << c.text;
  }
}

TEST(Money, RejectsMalformedAmountsNamingTheField) {
  for (const char* bad :
       {"", "-5", "1.234", "abc", "1,00", "12,3456", "1..2", "万元", "1.", "99999999999999999999"}) {
    auto r = ParseMoney(bad, "subsidy_cap");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "subsidy_cap") << bad;
    EXPECT_EQ(r.error().code, "invalid_money") << bad;
  }
}

TEST(Money, FormatsCompactlyAndExactly) {
  EXPECT_EQ(FormatMoneyCompact(30'0000'00LL), "30万元");
  EXPECT_EQ(FormatMoneyCompact(1'5000'0000'00LL), "1.5亿元");
  EXPECT_EQ(FormatMoneyCompact(2000'00LL), "2,000元");
  EXPECT_EQ(FormatMoneyCompact(1234LL), "12.34元");
  EXPECT_EQ(FormatMoneyCompact(12'3400'00LL), "12.34万元");
  EXPECT_EQ(FormatYuan(123456789LL), "1,234,567.89元");
  EXPECT_EQ(FormatYuan(5LL), "0.05元");
}

}  // namespace
}  // namespace huiqi::core
