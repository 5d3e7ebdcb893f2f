#include "enterprise/scale.h"

#include <gtest/gtest.h>

namespace huiqi::enterprise {
namespace {

constexpr int64_t kWan = 10000 * 100;

struct Case {
  const char* industry;
  std::optional<int64_t> employees, revenue_wan, assets_wan;
  std::optional<Scale> expected;
  const char* why;
};

std::optional<int64_t> Wan(std::optional<int64_t> v) {
  return v ? std::optional<int64_t>(*v * kWan) : std::nullopt;
}

TEST(Scale, ClassifiesByTheIndustrysOwnStandard) {
  const Case cases[] = {
      {"C3911", 1200, 50000, {}, Scale::kLarge, "工业: ≥1000人 且 ≥4亿"},
      {"C3911", 1200, 30000, {}, Scale::kMedium, "工业: 人数够大型而收入不够，降为中型"},
      {"C3911", 300, 2000, {}, Scale::kMedium, "工业 中型下限"},
      {"C3911", 299, 2000, {}, Scale::kSmall, "工业: 人数差一人即降档"},
      {"C3911", 20, 300, {}, Scale::kSmall, "工业 小型下限"},
      {"C3911", 19, 5000, {}, Scale::kMicro, "工业: <20人即微型"},
      {"F5191", 25, 6000, {}, Scale::kMedium, "批发业 中型: ≥20人 且 ≥5000万"},
      {"F5211", 60, 600, {}, Scale::kMedium, "零售业 中型: ≥50人 且 ≥500万"},
      {"I6510", 150, 1200, {}, Scale::kMedium, "软件业 中型: ≥100人 且 ≥1000万"},
      {"I6510", 12, 60, {}, Scale::kSmall, "软件业 小型: ≥10人 且 ≥50万"},
      {"E4710", {}, 7000, 6000, Scale::kMedium, "建筑业: 收入与资产"},
      {"K7010", {}, 1500, 6000, Scale::kMedium, "房地产开发经营"},
      {"K7020", 120, 600, {}, Scale::kSmall, "物业管理 小型: ≥100人 且 ≥500万"},
      {"L7212", 150, {}, 9000, Scale::kMedium, "租赁和商务服务业: 人数与资产"},
      {"A0111", {}, 600, {}, Scale::kMedium, "农业: 只看收入"},
      {"M7320", 150, {}, {}, Scale::kMedium, "其他未列明行业: 只看人数"},
      {"C3911", {}, 5000, {}, std::nullopt, "工业缺人数，无法判断"},
      {"C3911", 8, {}, {}, Scale::kMicro, "缺收入但人数已低于小型下限"},
  };
  for (const auto& c : cases) {
    auto got = ClassifyScale({c.industry, c.employees, Wan(c.revenue_wan), Wan(c.assets_wan)});
    EXPECT_EQ(got, c.expected) << c.why << " got " << (got ? ScaleLabel(*got) : "unknown");
  }
  EXPECT_EQ(ScaleIndustryGroup("G5990"), "仓储业");
  EXPECT_EQ(ScaleIndustryGroup("C"), "工业");
}

}  // namespace
}  // namespace huiqi::enterprise
