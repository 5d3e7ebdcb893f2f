// Property test: rules compiled to SQL give the same three-valued verdicts as the row
// evaluator, on SQLite and on PostgreSQL, over random enterprises with missing values.

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "match/random_rules.h"
#include "match/sql_compiler.h"
#include "support/test_db.h"

namespace huiqi::match {
namespace {

using rules::Truth;

constexpr store::Statement kInsert{"test.insert_enterprise",
                                   "INSERT INTO enterprises (id, uscc, name, region, industry, "
                                   "registration_type, established_on, registered_capital, "
                                   "employees, revenue, revenue_growth, total_assets, rd_expense, rd_ratio, "
                                   "tax_paid, export_value, tax_credit_grade, "
                                   "dishonest, scale, tags_known, created_at, updated_at) VALUES (?, ?, ?, "
                                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                   "?, ?, '2026-11-22T00:00:00+08:00', '2026-11-22T00:00:00+08:00')"};
constexpr store::Statement kInsertTag{
    "test.insert_tag", "INSERT INTO enterprise_tags (enterprise_id, tag, acquired_on) VALUES (?, ?, ?)"};

store::Value Num(const rules::Facts& f, const char* key) {
  auto it = f.numbers.find(key);
  return it == f.numbers.end() ? store::Null() : store::Value(it->second);
}
store::Value Text(const rules::Facts& f, const char* key) {
  auto it = f.texts.find(key);
  return it == f.texts.end() ? store::Null() : store::Value(it->second);
}
store::Value DateOf(const rules::Facts& f, const char* key) {
  auto it = f.numbers.find(key);
  if (it == f.numbers.end()) return store::Null();
  return core::Date::FromDays(static_cast<int32_t>(it->second)).ToString();
}

core::Status Insert(store::Session& s, int64_t id, const rules::Facts& f) {
  HQ_RETURN_IF_ERROR(s.Exec(kInsert, {id,
                                      "U" + std::to_string(id),
                                      "企业" + std::to_string(id),
                                      Text(f, "region"),
                                      Text(f, "industry"),
                                      Text(f, "registration_type"),
                                      DateOf(f, "established_on"),
                                      Num(f, "registered_capital"),
                                      Num(f, "employees"),
                                      Num(f, "revenue"),
                                      Num(f, "revenue_growth"),
                                      Num(f, "total_assets"),
                                      Num(f, "rd_expense"),
                                      Num(f, "rd_ratio"),
                                      Num(f, "tax_paid"),
                                      Num(f, "export_value"),
                                      Text(f, "tax_credit_grade"),
                                      Num(f, "dishonest"),
                                      Text(f, "scale"),
                                      int64_t{f.tags_known ? 1 : 0}}));
  for (const auto& [tag, date] : f.tags) {
    HQ_RETURN_IF_ERROR(s.Exec(
        kInsertTag, {id, tag, date ? store::Value(core::Date::FromDays(*date).ToString()) : store::Null()}));
  }
  return core::Ok();
}

std::set<int64_t> Ids(store::Database& db, const std::string& sql, const store::Params& params) {
  std::set<int64_t> out;
  store::Statement st{"test.rule", sql};
  auto rows = db.ReadValue<store::Rows>([&](store::Session& s) { return s.Query(st, params); });
  EXPECT_TRUE(rows.ok()) << sql << ": " << (rows.ok() ? "" : rows.error().ToString());
  if (rows.ok()) {
    for (const auto& r : *rows) out.insert(r.Int("id"));
  }
  return out;
}

class SqlAgreement : public ::testing::TestWithParam<store::Kind> {};

TEST_P(SqlAgreement, SqlMatchesRowEvaluatorOnRandomRules) {
  auto db = testing::FreshDatabase(GetParam());
  rules::Schema schema = rules::BuiltinSchema();
  core::Date today = core::Date::FromYmd(2026, 11, 22);
  std::mt19937_64 rng(20261122);
  constexpr int kEnterprises = 400;
  std::vector<rules::Facts> facts;
  ASSERT_TRUE(db->Write([&](store::Session& s) -> core::Status {
                  for (int i = 1; i <= kEnterprises; ++i) {
                    facts.push_back(RandomFacts(rng, today));
                    HQ_RETURN_IF_ERROR(Insert(s, i, facts.back()));
                  }
                  return core::Ok();
                }).ok());
  int rules_with_unknown = 0;
  for (int r = 0; r < 150; ++r) {
    std::string text = RandomRuleText(rng, 3);
    auto rule = rules::Parse(text, schema);
    ASSERT_TRUE(rule.ok()) << text;
    auto sql = CompileSql(*rule, schema, today);
    ASSERT_TRUE(sql.ok()) << text << ": " << sql.error().ToString();
    std::set<int64_t> expected_true, expected_unknown;
    for (int i = 1; i <= kEnterprises; ++i) {
      Truth t = rules::EvaluateRule(*rule, facts[i - 1], today);
      if (t == Truth::kTrue) expected_true.insert(i);
      if (t == Truth::kUnknown) expected_unknown.insert(i);
    }
    auto eligible = Ids(*db, "SELECT e.id FROM enterprises e WHERE " + sql->condition, sql->params);
    ASSERT_EQ(eligible, expected_true) << text << "\n" << sql->condition;
    auto unknown =
        Ids(*db, "SELECT e.id FROM enterprises e WHERE (" + sql->condition + ") IS NULL", sql->params);
    ASSERT_EQ(unknown, expected_unknown) << text << "\n" << sql->condition;
    rules_with_unknown += !expected_unknown.empty();
  }
  EXPECT_GT(rules_with_unknown, 50);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlAgreement, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

TEST(SqlCompiler, BindsValuesAndNeverSplicesThem) {
  rules::Schema schema = rules::BuiltinSchema();
  auto rule = rules::Parse(R"(scale = "小型" and revenue >= 2000万 and has "高新技术企业")", schema).value();
  auto sql = CompileSql(rule, schema, core::Date::FromYmd(2026, 11, 22)).value();
  EXPECT_EQ(sql.condition.find("小型"), std::string::npos);
  EXPECT_EQ(sql.condition.find("2000"), std::string::npos);
  ASSERT_EQ(sql.params.size(), 3u);
  EXPECT_EQ(std::get<std::string>(sql.params[0]), "小型");
  EXPECT_EQ(std::get<int64_t>(sql.params[1]), 2000'0000'00LL);
}

}  // namespace
}  // namespace huiqi::match
