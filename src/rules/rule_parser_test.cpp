#include <gtest/gtest.h>

#include "rules/rule.h"

namespace huiqi::rules {
namespace {

class RuleParserTest : public ::testing::Test {
 protected:
  Schema schema_ = BuiltinSchema();
  Node MustParse(std::string_view text) {
    auto r = Parse(text, schema_);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : Node{};
  }
};

TEST_F(RuleParserTest, ParsesTheEnglishFormAndPrintsItCanonically) {
  Node n = MustParse(
      R"(region under "320400" and industry under "C" and employees >= 10 and revenue >= 2000万 and has "高新技术企业" within 3 years and not dishonest)");
  ASSERT_EQ(n.kind, NodeKind::kAnd);
  ASSERT_EQ(n.children.size(), 6u);
  EXPECT_EQ(n.children[0].text, "3204");            // region normalised to its prefix
  EXPECT_EQ(n.children[3].number, 2000'0000'00LL);  // 2000万元 in fen
  EXPECT_EQ(n.children[4].within_years, 3);
  EXPECT_EQ(n.children[5].kind, NodeKind::kNot);
  EXPECT_EQ(
      Print(n, schema_),
      R"(region under "3204" and industry under "C" and employees >= 10 and revenue >= 2000万 and has "高新技术企业" within 3 years and not dishonest)");
}

TEST_F(RuleParserTest, ChineseLabelsAndConnectivesMeanTheSame) {
  Node zh = MustParse(R"(营业收入 >= 2000万 且 拥有 "高新技术企业")");
  Node en = MustParse(R"(revenue >= 2000万 and has "高新技术企业")");
  EXPECT_EQ(zh, en);
  // Without spaces, with Chinese comparators, quotes and brackets.
  Node compact = MustParse(R"(营业收入不低于2000万且拥有“高新技术企业”且非失信被执行人)");
  EXPECT_EQ(Print(compact, schema_), R"(revenue >= 2000万 and has "高新技术企业" and not dishonest)");
  Node within = MustParse(R"(拥有"专精特新中小企业"3年内 或 研发费用占比≥3.5%)");
  EXPECT_EQ(Print(within, schema_), R"(has "专精特新中小企业" within 3 years or rd_ratio >= 3.5%)");
}

// Issue 10 finding 3: each of these ended the server on a stack overflow.
TEST_F(RuleParserTest, NestingBeyondTheLimitIsAnErrorNamingThePosition) {
  std::string deep = std::string(2000, '(') + "employees >= 1" + std::string(2000, ')');
  auto r = Parse(deep, schema_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_too_deep");
  EXPECT_EQ(r.error().field, "rule");
  EXPECT_EQ(r.error().position, kMaxRuleDepth);  // the first parenthesis past the limit
  EXPECT_NE(r.error().message.find(std::to_string(kMaxRuleDepth)), std::string::npos);
  EXPECT_EQ(Parse(std::string(2000, '('), schema_).error().code, "rule_too_deep");
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_EQ(Parse(nots + "dishonest", schema_).error().code, "rule_too_deep");
  std::string chinese;
  for (int i = 0; i < 5000; ++i) chinese += "非";
  EXPECT_EQ(Parse(chinese + "失信被执行人", schema_).error().code, "rule_too_deep");
  // The limit itself still parses: a person's rule is never near it.
  MustParse(std::string(kMaxRuleDepth, '(') + "employees >= 1" + std::string(kMaxRuleDepth, ')'));
}

TEST_F(RuleParserTest, CanonicalFormRoundTrips) {
  for (const char* text : {
           R"((region under "3204" or region under "3202") and not (scale = "大型" or dishonest))",
           R"(tax_credit_grade in ["A", "B"] and age <= 5 and employees between 10 and 300)",
           R"(established_on >= "2020-01-01" and rd_expense > 12345.67元 and revenue_growth >= 10%)",
           R"(registered_capital >= 1.5亿 and export_value >= 500万 and total_assets < 3000万)",
           "has “专精特新\"小巨人\"” within 3 years",  // a tag holding ASCII quotes
       }) {
    Node n = MustParse(text);
    std::string printed = Print(n, schema_);
    Node again = MustParse(printed);
    EXPECT_EQ(n, again) << text << " → " << printed;
    EXPECT_EQ(Print(again, schema_), printed);
  }
}

TEST_F(RuleParserTest, UnknownAttributeSuggestsTheMeantOneAndPointsAtIt) {
  auto r = Parse("employees >= 10 and revenu >= 2000万", schema_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_unknown_attribute");
  EXPECT_EQ(r.error().field, "rule");
  EXPECT_EQ(r.error().position, 20);
  EXPECT_NE(r.error().message.find("revenue"), std::string::npos) << r.error().message;
  auto zh = Parse("营业收 >= 2000万", schema_);
  ASSERT_FALSE(zh.ok());
  EXPECT_NE(zh.error().message.find("营业收入"), std::string::npos) << zh.error().message;
}

TEST_F(RuleParserTest, SyntaxAndTypeErrorsSayWhere) {
  struct {
    const char* text;
    const char* code;
    int position;
  } cases[] = {
      {"employees >= 10 and", "rule_syntax", 19},
      {"employees >= ", "rule_value", 13},
      {"revenue >= 5%", "rule_value", 11},
      {"scale = \"巨型\"", "rule_value", 8},
      {"region >= 3204", "rule_type", 7},
      {"(employees >= 10", "rule_syntax", 16},
      {"has 高新技术企业", "rule_syntax", 4},
      {"tags = 1", "rule_type", 0},
      {"employees >= 10 employees", "rule_syntax", 16},
      {"region under \"32A\"", "rule_value", 13},
  };
  for (const auto& c : cases) {
    auto r = Parse(c.text, schema_);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message;
    EXPECT_EQ(r.error().position, c.position) << c.text << ": " << r.error().message;
  }
}

TEST_F(RuleParserTest, DescribesEachConditionInPlainChinese) {
  Node n = MustParse(
      R"(region under "320400" and revenue >= 2000万 and employees >= 10 and has "高新技术企业" within 3 years and not dishonest and rd_ratio >= 3.5%)");
  auto namer = [](std::string_view table, std::string_view code) -> std::string {
    return table == "region" && code == "3204" ? "常州市" : "";
  };
  auto leaves = Leaves(n);
  ASSERT_EQ(leaves.size(), 6u);
  EXPECT_EQ(Describe(*leaves[0], schema_, namer), "注册地位于常州市（3204）");
  EXPECT_EQ(Describe(*leaves[1], schema_), "营业收入不低于2,000万元");
  EXPECT_EQ(Describe(*leaves[2], schema_), "从业人数不低于10人");
  EXPECT_EQ(Describe(*leaves[3], schema_), "具有“高新技术企业”（近3年内取得）");
  EXPECT_EQ(Describe(*leaves[4], schema_), "不是失信被执行人");
  EXPECT_EQ(Describe(*leaves[5], schema_), "研发费用占比不低于3.5%");
}

TEST(Schema, BuiltinAttributesHaveUniqueNamesAndAdminsCanAdd) {
  Schema s = BuiltinSchema();
  EXPECT_NE(s.Find("营业收入"), nullptr);
  EXPECT_EQ(s.Find("营收")->key, "revenue");
  auto dup = s.Add({"turnover", "营业收入", AttrType::kMoney});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, core::ErrorKind::kConflict);
  EXPECT_FALSE(s.Add({"9lives", "九条命", AttrType::kInt}).ok());
  ASSERT_TRUE(s.Add({"patents", "发明专利数", AttrType::kInt, "件"}).ok());
  Node n = Parse("发明专利数 >= 5", s).value();
  EXPECT_EQ(Print(n, s), "patents >= 5");
}

}  // namespace
}  // namespace huiqi::rules
