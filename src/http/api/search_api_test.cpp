// The search API through the real router, search index and policy store, on both backends.
#include "http/api/search_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "search/search_test_support.h"

namespace huiqi::http {
namespace {

using nlohmann::json;

class SearchApiTest : public search::testing_support::SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    LoadDemo();
    OpenSearch();
    RegisterSearchApi(router_, *search_);
  }

  std::pair<int, json> Get(const std::string& path, std::map<std::string, std::string> query) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    r.remote_addr = "10.0.0.1";
    Response resp = router_.Dispatch(r);
    return {resp.status, json::parse(resp.body)};
  }

  Router router_{nullptr};
};

TEST_P(SearchApiTest, RankedHitsWithSnippetsAndFacets) {
  auto [status, body] = Get("/api/v1/search", {{"q", "高企认定奖励"}});
  ASSERT_EQ(status, 200) << body.dump();
  ASSERT_FALSE(body["items"].empty());
  const json& top = body["items"][0];
  for (const char* field : {"kind", "id", "policy_id", "title", "snippet", "score", "level", "level_label",
                            "department", "published_on"}) {
    EXPECT_TRUE(top.contains(field)) << field;
  }
  EXPECT_NE(top["title"].get<std::string>().find("高新技术企业"), std::string::npos) << top.dump();
  EXPECT_GT(body["total"].get<int>(), 0);
  EXPECT_EQ(body["page"], 1);
  EXPECT_EQ(body["page_size"], 20);
  EXPECT_FALSE(body["facets"]["level"].empty());
  EXPECT_TRUE(body["facets"]["level"][0].contains("label"));
}

TEST_P(SearchApiTest, FiltersEmptyAndNonsense) {
  auto [s1, national] = Get("/api/v1/search", {{"q", "研发费用"}, {"level", "national"}});
  ASSERT_EQ(s1, 200);
  for (const auto& h : national["items"]) EXPECT_EQ(h["level"], "national");
  auto [s2, newest] = Get("/api/v1/search", {{"q", ""}, {"page_size", "5"}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(newest["items"].size(), 5u);
  auto [s3, none] = Get("/api/v1/search", {{"q", "qwertyuiop 啊啊啊啊"}});
  ASSERT_EQ(s3, 200);
  EXPECT_EQ(none["total"], 0);
  EXPECT_TRUE(none["items"].empty());
  auto [s4, syntax] = Get("/api/v1/search", {{"q", "AND OR \"( NEAR"}});
  EXPECT_EQ(s4, 200) << syntax.dump();
  auto [s5, bad] = Get("/api/v1/search", {{"q", "x"}, {"level", "galactic"}});
  EXPECT_EQ(s5, 400);
  EXPECT_EQ(bad["error"]["field"], "level");
  auto [s6, page] = Get("/api/v1/search", {{"page_size", "1000"}});
  EXPECT_EQ(s6, 400);
}

TEST_P(SearchApiTest, SortAndHitFacts) {
  auto [s1, by_amount] = Get("/api/v1/search", {{"q", "奖励"}, {"sort", "amount"}, {"kind", "item"}});
  ASSERT_EQ(s1, 200) << by_amount.dump();
  ASSERT_GT(by_amount["items"].size(), 2u);
  const json& top = by_amount["items"][0];
  ASSERT_TRUE(top["amount"].is_object()) << top.dump();
  EXPECT_GT(top["amount"]["max_fen"].get<int64_t>(), 0);
  EXPECT_FALSE(top["amount"]["text"].get<std::string>().empty());
  ASSERT_TRUE(top["window"].is_object()) << top.dump();
  EXPECT_TRUE(top["window"].contains("period_type"));
  EXPECT_EQ(top["status"], "published");
  int64_t prev = top["amount"]["max_fen"].get<int64_t>();
  for (const auto& h : by_amount["items"]) {
    if (!h["amount"].is_object() || h["amount"]["max_fen"].is_null()) continue;
    EXPECT_LE(h["amount"]["max_fen"].get<int64_t>(), prev) << h.dump();
    prev = h["amount"]["max_fen"].get<int64_t>();
  }
  for (const char* sort : {"relevance", "date", "deadline", ""}) {
    auto [s, body] = Get("/api/v1/search", {{"q", "补贴"}, {"sort", sort}});
    EXPECT_EQ(s, 200) << sort << body.dump();
  }
  auto [s2, bad] = Get("/api/v1/search", {{"q", "奖励"}, {"sort", "price"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(bad["error"]["field"], "sort");
}

TEST_P(SearchApiTest, Suggestions) {
  auto [status, body] = Get("/api/v1/search/suggest", {{"q", "专精"}});
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(body["suggestions"].empty());
  EXPECT_LE(body["suggestions"].size(), 10u);
  for (const auto& s : body["suggestions"])
    EXPECT_NE(s.get<std::string>().find("专精"), std::string::npos) << s;
}

INSTANTIATE_TEST_SUITE_P(All, SearchApiTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend());

}  // namespace
}  // namespace huiqi::http
