#include "rules/rule_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace huiqi::rules {
namespace {

TEST(RuleJsonTest, EveryNodeKindRoundTrips) {
  const Schema& schema = BuiltinSchemaRef();
  for (const char* text : {
           R"((region under "3204" or region under "3202") and not (scale = "大型" or dishonest))",
           R"(tax_credit_grade in ["A", "B"] and age <= 5 and employees between 10 and 300)",
           R"(has "专精特新中小企业" within 3 years or rd_ratio >= 3.5% and revenue > 2000万)",
           R"(employees in [1, 2, 3] and established_on >= "2020-01-01")",
       }) {
    Node n = Parse(text, schema).value();
    nlohmann::json j = RuleToJson(n);
    auto back = RuleFromJson(nlohmann::json::parse(j.dump()), schema);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, n) << text << " → " << j.dump();
  }
}

TEST(DescribeLinesTest, AlternativesStayOnOneLine) {
  const Schema& schema = BuiltinSchemaRef();
  Node rule =
      Parse(R"(region under "3204" and (industry under "C" or industry under "I") and not dishonest)", schema)
          .value();
  auto lines = DescribeLines(rule, schema);
  ASSERT_EQ(lines.size(), 3u);
  // Alternatives over codes of one attribute read as one condition (issue 12 item 4).
  EXPECT_EQ(lines[1], "行业属于“C”或“I”");
  Node mixed = Parse(R"(industry under "C" or employees >= 10)", schema).value();
  EXPECT_NE(DescribeLines(mixed, schema)[0].find("，或"), std::string::npos)
      << DescribeLines(mixed, schema)[0];
  EXPECT_EQ(lines[0], Describe(rule.children[0], schema));
  Node single = Parse(R"(employees >= 10)", schema).value();
  EXPECT_EQ(DescribeLines(single, schema), std::vector<std::string>{Describe(single, schema)});
}

TEST(RuleJsonTest, BadShapesNameThePath) {
  const Schema& schema = BuiltinSchemaRef();
  auto unknown = RuleFromJson(
      nlohmann::json::parse(
          R"({"op":"and","args":[{"op":">=","attr":"revenu","value":1},{"op":"has","tag":"x"}]})"),
      schema);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "rule.args[0].attr");
  auto bad_value =
      RuleFromJson(nlohmann::json::parse(R"({"op":">=","attr":"revenue","value":"many"})"), schema);
  ASSERT_FALSE(bad_value.ok());
  EXPECT_EQ(bad_value.error().field, "rule.value");
  EXPECT_FALSE(RuleFromJson(nlohmann::json::parse(R"({"op":"~","attr":"revenue","value":1})"), schema).ok());
}

TEST(RuleJsonTest, StoredAstsAreHeldToTheNestingLimit) {
  nlohmann::json leaf = {{"op", ">="}, {"attr", "employees"}, {"value", 1}};
  nlohmann::json deep = leaf;
  for (int i = 0; i < 1000; ++i) deep = nlohmann::json{{"op", "not"}, {"arg", std::move(deep)}};
  auto r = RuleFromJson(deep, BuiltinSchemaRef());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("嵌套过深"), std::string::npos) << r.error().message;
  nlohmann::json ok = leaf;
  for (int i = 0; i < kMaxRuleDepth; ++i) ok = nlohmann::json{{"op", "not"}, {"arg", std::move(ok)}};
  EXPECT_TRUE(RuleFromJson(ok, BuiltinSchemaRef()).ok());
}

}  // namespace
}  // namespace huiqi::rules
