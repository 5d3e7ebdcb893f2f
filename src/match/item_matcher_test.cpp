#include "match/item_matcher.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace huiqi::match {
namespace {

class ItemMatcherTest : public ::testing::Test {
 protected:
  const rules::Schema& schema_ = rules::BuiltinSchemaRef();
  core::Date today_ = core::Date::FromYmd(2026, 11, 23);

  CatalogueItem Item(int64_t id, const char* rule, const char* amount = nullptr, const char* group = "") {
    CatalogueItem it;
    it.id = id;
    it.name = "事项" + std::to_string(id);
    if (rule) it.rule = rules::Parse(rule, schema_).value();
    if (amount) it.amount = rules::ParseAmount(nlohmann::json::parse(amount), schema_).value();
    it.exclusive_group = group;
    return it;
  }
  rules::Facts Company() {
    rules::Facts f;
    f.texts["region"] = "320412";
    f.texts["industry"] = "C3411";
    f.numbers["employees"] = 186;
    f.numbers["revenue"] = 2'3000'0000'00LL;
    f.numbers["rd_ratio"] = 290;  // 2.9%
    f.numbers["rd_expense"] = 667'0000'00LL;
    f.numbers["dishonest"] = 0;
    f.tags_known = true;
    f.tags["高新技术企业"] = core::Date::FromYmd(2024, 11, 20).days();
    return f;
  }
};

TEST_F(ItemMatcherTest, SortsEligibleByAmountAndExplainsNearMissesAndUnknowns) {
  std::vector<CatalogueItem> items = {
      Item(1, R"(region under "3204" and has "高新技术企业")", R"({"kind":"fixed","value":"30万元"})"),
      Item(2, R"(rd_ratio >= 3% and revenue >= 1亿)", R"({"kind":"fixed","value":"50万元"})"),
      Item(3, R"(employees >= 10 and not dishonest)",
           R"({"kind":"rate","base":"rd_expense","percent":10,"cap":"100万元"})"),
      Item(4, R"(tax_credit_grade in ["A", "B"] and employees >= 10)"),
      Item(5, R"(employees >= 1000 and revenue >= 10亿 and has "瞪羚企业")"),
      Item(6, nullptr),
  };
  EnterpriseMatch m = MatchEnterprise(items, schema_, Company(), today_);
  ASSERT_EQ(m.eligible.size(), 2u);
  EXPECT_EQ(m.eligible[0].item->id, 3);  // 66.7万元 before 30万元
  EXPECT_EQ(*m.eligible[0].estimate.fen, 66'7000'00);
  EXPECT_EQ(m.eligible[1].item->id, 1);
  ASSERT_EQ(m.near_misses.size(), 1u);
  EXPECT_EQ(m.near_misses[0].item->id, 2);
  EXPECT_EQ(m.near_misses[0].evaluation.failed, 1);
  const auto& trace = m.near_misses[0].evaluation.conditions;
  auto failing = std::find_if(trace.begin(), trace.end(), [](const rules::ConditionTrace& t) {
    return t.outcome == rules::Truth::kFalse;
  });
  ASSERT_NE(failing, trace.end());
  EXPECT_EQ(failing->attr, "rd_ratio");
  EXPECT_EQ(failing->actual, "2.9%");
  ASSERT_EQ(m.unknown.size(), 1u);
  EXPECT_EQ(m.unknown[0].item->id, 4);
  EXPECT_EQ(m.not_eligible, 1);  // item 5 fails three conditions
  EXPECT_EQ(m.without_rule, 1);
  EXPECT_EQ(m.eligible_total_fen, 96'7000'00);
}

TEST_F(ItemMatcherTest, ExclusiveItemsAreAdvisedAndCountedOnce) {
  std::vector<CatalogueItem> items = {
      Item(1, R"(employees >= 10)", R"({"kind":"fixed","value":"20万元"})", "rd-reward"),
      Item(2, R"(employees >= 100)", R"({"kind":"fixed","value":"50万元"})", "rd-reward"),
      Item(3, R"(employees >= 100)", R"({"kind":"fixed","value":"5万元"})"),
  };
  EnterpriseMatch m = MatchEnterprise(items, schema_, Company(), today_);
  ASSERT_EQ(m.exclusivity.size(), 1u);
  EXPECT_EQ(m.exclusivity[0].recommended->id, 2);
  EXPECT_EQ(m.exclusivity[0].items.size(), 2u);
  EXPECT_EQ(m.eligible_total_fen, 55'0000'00);  // 50万 + 5万, not the 20万 alternative
}

TEST_F(ItemMatcherTest, MissingDataNeverCountsAsFailure) {
  rules::Facts empty;
  CatalogueItem it =
      Item(1, R"(revenue >= 2000万 and employees >= 10)", R"({"kind":"fixed","value":"1万元"})");
  ItemVerdict v = SelfTest(it, schema_, empty, today_);
  EXPECT_EQ(v.evaluation.verdict, rules::Truth::kUnknown);
  EXPECT_EQ(v.evaluation.unknown, 2);
  EXPECT_EQ(v.evaluation.failed, 0);
}

}  // namespace
}  // namespace huiqi::match
