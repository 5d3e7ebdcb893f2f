// Issue 12 item 8 over the demo content: the minimum-match rule keeps a long query from
// returning nearly every document, sort orders, and hits carrying status, window and amount.
#include <gtest/gtest.h>

#include "search/search_test_support.h"

namespace huiqi::search {
namespace {

class RankingTest : public testing_support::SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    LoadDemo();
    OpenSearch();
  }

  SearchResult Sorted(const std::string& q, const std::string& sort, int page_size = 100) {
    SearchQuery sq;
    sq.q = q;
    sq.sort = sort;
    sq.page_size = page_size;
    auto r = search_->Search(sq);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : SearchResult{};
  }

  static int Rank(const SearchResult& r, const std::string& key) {
    for (size_t i = 0; i < r.items.size(); ++i) {
      if (r.items[i].key == key) return static_cast<int>(i) + 1;
    }
    return 0;
  }
};

TEST_P(RankingTest, ALongQueryNoLongerReturnsNearlyEveryDocument) {
  SearchResult all = Sorted("", "");
  ASSERT_GT(all.total, 80);  // the demo's published policies and items
  // One domain word: before the rule its bigrams (企业, 技术) matched 98 of ~106 documents.
  SearchResult gaoqi = Sorted("高新技术企业", "");
  EXPECT_LT(gaoqi.total * 2, all.total) << gaoqi.total << " of " << all.total;
  EXPECT_GE(Rank(gaoqi, "cz-2025-gaoqi-first"), 1);
  // A long question an enterprise would type: every document holds 企业 or 申请, none of that
  // is enough on its own any more.
  SearchResult longq = Sorted("我们是一家科技型中小企业想申请研发费用补助需要什么条件", "");
  EXPECT_LT(longq.total * 3, all.total) << longq.total << " of " << all.total;
  int rank = Rank(longq, "cz-2025-kjxzx-rd");
  EXPECT_GE(rank, 1);
  EXPECT_LE(rank, 3);
  // A short query still finds its target first.
  SearchResult shortq = Sorted("首台套保险补偿", "");
  ASSERT_FALSE(shortq.items.empty());
  EXPECT_EQ(shortq.items[0].key, "cz-2025-shoutao-insure");
  // A one-character typo still matches through the bigrams of the word.
  EXPECT_GE(Rank(Sorted("专精特心奖励", ""), "cz-2024-zjtx-tier"), 1);
  // Facet counts follow the rule: they add up to the matches, not the index.
  int64_t by_level = 0;
  for (const auto& f : gaoqi.level) by_level += f.count;
  EXPECT_EQ(by_level, gaoqi.total);
}

TEST_P(RankingTest, HitsCarryStatusWindowAndAmount) {
  SearchResult r = Sorted("首次认定高新技术企业奖励", "");
  int rank = Rank(r, "cz-2025-gaoqi-first");
  ASSERT_GE(rank, 1);
  const Hit& h = r.items[static_cast<size_t>(rank - 1)];
  EXPECT_EQ(h.kind, "item");
  EXPECT_EQ(h.status, "published");
  EXPECT_FALSE(h.period_type.empty());
  if (h.period_type == "fixed") {
    EXPECT_FALSE(h.window_start.empty());
    EXPECT_LE(h.window_start, h.window_end);
  }
  ASSERT_TRUE(h.amount_max_fen.has_value());
  EXPECT_GT(*h.amount_max_fen, 0);
  EXPECT_FALSE(h.amount_text.empty());
  for (const auto& p : r.items) {
    if (p.kind == "policy") {
      EXPECT_FALSE(p.amount_max_fen.has_value()) << p.title;
    }
  }
}

TEST_P(RankingTest, SortByDateAmountAndDeadline) {
  SearchResult by_date = Sorted("企业", "date");
  ASSERT_GT(by_date.items.size(), 5u);
  for (size_t i = 1; i < by_date.items.size(); ++i) {
    EXPECT_GE(by_date.items[i - 1].published_on, by_date.items[i].published_on) << i;
  }

  SearchResult by_amount = Sorted("奖励", "amount");
  ASSERT_GT(by_amount.items.size(), 5u);
  ASSERT_TRUE(by_amount.items[0].amount_max_fen.has_value());
  bool seen_none = false;
  for (size_t i = 0; i < by_amount.items.size(); ++i) {
    const auto& a = by_amount.items[i].amount_max_fen;
    if (!a) {
      seen_none = true;
      continue;
    }
    EXPECT_FALSE(seen_none) << "an amount after a hit without one: " << by_amount.items[i].title;
    if (i > 0 && by_amount.items[i - 1].amount_max_fen) {
      EXPECT_GE(*by_amount.items[i - 1].amount_max_fen, *a) << by_amount.items[i].title;
    }
  }
  // Relevance differs from amount order: the default is not silently the amount.
  SearchResult by_relevance = Sorted("奖励", "relevance");
  EXPECT_EQ(by_relevance.total, by_amount.total);

  // Deadline: fixed windows not yet closed, soonest end first; then no deadline; then closed.
  SearchResult by_deadline = Sorted("补助", "deadline");
  ASSERT_GT(by_deadline.items.size(), 3u);
  std::string today = svc_->Today().ToString();
  auto group = [&](const Hit& h) {
    if (h.window_end.empty() && h.period_type.empty()) return 4;  // a policy without items
    if (h.period_type == "fixed" && !h.window_end.empty()) return h.window_end < today ? 3 : 1;
    if (h.kind == "policy" && !h.window_end.empty()) return h.window_end < today ? 3 : 1;
    return 2;
  };
  std::vector<Hit> items;  // a policy's span is its items': the order is checked on items
  for (const auto& h : by_deadline.items) {
    if (h.kind == "item") items.push_back(h);
  }
  int groups_seen = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    const Hit &a = items[i - 1], &b = items[i];
    EXPECT_LE(group(a), group(b)) << a.title << " before " << b.title;
    if (group(a) == 1 && group(b) == 1) {
      EXPECT_LE(a.window_end, b.window_end) << a.title;
    }
    if (group(a) != group(b)) ++groups_seen;
  }
  EXPECT_GE(groups_seen, 2) << "补助 finds open, year-round and closed items in the demo";

  SearchQuery bad;
  bad.q = "奖励";
  bad.sort = "price";
  auto err = search_->Search(bad);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().field, "sort");
  // The empty query sorts too: amount over everything.
  SearchResult browse = Sorted("", "amount", 5);
  ASSERT_FALSE(browse.items.empty());
  EXPECT_TRUE(browse.items[0].amount_max_fen.has_value());
}

INSTANTIATE_TEST_SUITE_P(All, RankingTest, ::testing::ValuesIn(testing::Backends()), testing::PrintBackend());

}  // namespace
}  // namespace huiqi::search
