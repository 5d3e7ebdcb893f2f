#include "search/search_service.h"

#include <gtest/gtest.h>

#include "search/search_test_support.h"

namespace huiqi::search {
namespace {

using core::Date;

class SearchServiceTest : public testing_support::SearchFixture {};

TEST_P(SearchServiceTest, PublishingMakesAPolicyFindableAtOnce) {
  OpenSearch();
  EXPECT_EQ(Find("瞪羚企业").total, 0);
  auto in = Input("常州市瞪羚企业成长奖励办法", Date::FromYmd(2026, 11, 18));
  in.highlights = {"瞪羚企业最高奖励100万元"};
  policy::Policy p = Publish(in, kjj_officer_, kjj_reviewer_);
  SearchResult r = Find("瞪羚企业");  // no reindex: the search follows the change log
  ASSERT_EQ(r.total, 1);
  EXPECT_EQ(r.items[0].kind, "policy");
  EXPECT_EQ(r.items[0].id, p.id);
  EXPECT_EQ(r.items[0].level, "municipal");
  EXPECT_EQ(r.items[0].level_label, "市级");
  EXPECT_NE(r.items[0].snippet.find("<mark>瞪羚企业</mark>"), std::string::npos) << r.items[0].snippet;
  ASSERT_EQ(r.level.size(), 1u);
  EXPECT_EQ(r.level[0].code, "municipal");
  EXPECT_EQ(r.level[0].count, 1);
}

TEST_P(SearchServiceTest, DraftsAreNotFound) {
  OpenSearch();
  auto p = svc_->CreatePolicy(kjj_officer_, Input("常州市独角兽企业培育办法", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Find("独角兽").total, 0);
}

TEST_P(SearchServiceTest, RepealingRemovesFromDefaultResults) {
  OpenSearch();
  policy::Policy p = Publish(Input("常州市首台套重大装备保险补偿办法", Date::FromYmd(2026, 11, 18)),
                             kjj_officer_, kjj_reviewer_);
  auto item = svc_->CreateItem(kjj_officer_, p.id, Guide("首台套保险补偿"));
  ASSERT_TRUE(item.ok()) << item.error().ToString();
  ASSERT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
  SearchResult before = Find("首台套");
  EXPECT_TRUE(Contains(before, "policy", p.id));
  EXPECT_TRUE(Contains(before, "item", item->id));
  ASSERT_TRUE(svc_->RepealPolicy(kjj_reviewer_, p.id, Date::FromYmd(2026, 11, 22), "被新政策替代").ok());
  SearchResult after = Find("首台套");
  EXPECT_FALSE(Contains(after, "policy", p.id));
  EXPECT_FALSE(Contains(after, "item", item->id));
  SearchResult all = Find("首台套", true);
  ASSERT_TRUE(Contains(all, "policy", p.id));
  EXPECT_EQ(all.items[0].status, "repealed");
}

TEST_P(SearchServiceTest, RevisionReplacesThePublishedVersion) {
  OpenSearch();
  policy::Policy v1 =
      Publish(Input("常州市稳岗返还实施办法", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  auto draft = svc_->RevisePolicy(kjj_officer_, v1.id);
  ASSERT_TRUE(draft.ok()) << draft.error().ToString();
  EXPECT_TRUE(Contains(Find("稳岗返还"), "policy", v1.id));
  auto in = Input("常州市稳岗返还实施办法（修订）", Date::FromYmd(2026, 11, 19));
  ASSERT_TRUE(svc_->UpdatePolicy(kjj_officer_, draft->id, in).ok());
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, draft->id).ok());
  ASSERT_TRUE(svc_->PublishPolicy(kjj_reviewer_, draft->id).ok());
  SearchResult r = Find("稳岗返还");
  EXPECT_TRUE(Contains(r, "policy", draft->id));
  EXPECT_FALSE(Contains(r, "policy", v1.id));
  EXPECT_TRUE(Contains(Find("稳岗返还", true), "policy", v1.id));
}

TEST_P(SearchServiceTest, TraditionalAndFullWidthQueriesFindSimplifiedText) {
  OpenSearch();
  auto in = Input("常州市高新技术企业认定奖励办法", Date::FromYmd(2026, 11, 18));
  in.full_text = "第一条 对首次认定的高新技术企业给予奖励。第二条 IC设计企业另行支持。";
  policy::Policy p = Publish(in, kjj_officer_, kjj_reviewer_);
  EXPECT_TRUE(Contains(Find("高新技術企業"), "policy", p.id));
  EXPECT_TRUE(Contains(Find("ＩＣ设计"), "policy", p.id));
  EXPECT_TRUE(Contains(Find("高企"), "policy", p.id));  // synonym
}

TEST_P(SearchServiceTest, ReindexFromScratchGivesTheSameResults) {
  OpenSearch();
  Publish(Input("常州市专精特新企业培育办法", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  Publish(Input("常州市小巨人企业奖励办法", Date::FromYmd(2026, 11, 19)), kjj_officer_, kjj_reviewer_);
  Publish(Input("常州市科技型中小企业研发补助", Date::FromYmd(2026, 11, 19)), kjj_officer_, kjj_reviewer_);
  auto ids = [](const SearchResult& r) {
    std::vector<std::pair<int64_t, double>> out;
    for (const auto& h : r.items) out.emplace_back(h.id, h.score);
    return out;
  };
  auto before = ids(Find("专精特新 小巨人"));
  auto count = search_->DocumentCount();
  auto report = search_->Reindex();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->policies, 3);
  EXPECT_EQ(search_->DocumentCount(), count);
  EXPECT_EQ(ids(Find("专精特新 小巨人")), before);
  OpenSearch();  // reopening an up-to-date index does not rebuild it, and answers alike
  EXPECT_EQ(ids(Find("专精特新 小巨人")), before);
}

TEST_P(SearchServiceTest, EmptyNonsenseAndFilteredQueries) {
  OpenSearch();
  Publish(Input("常州市技术改造补贴办法", Date::FromYmd(2026, 11, 16)), kjj_officer_, kjj_reviewer_);
  auto newer = Input("江苏省技术改造专项资金管理办法", Date::FromYmd(2026, 11, 18));
  newer.level = policy::Level::kProvincial;
  newer.upstream_released_on = Date::FromYmd(2026, 11, 18);
  policy::Policy p2 = Publish(newer, kjj_officer_, kjj_reviewer_);
  SearchResult empty = Find("");
  ASSERT_EQ(empty.total, 2);
  EXPECT_EQ(empty.items[0].id, p2.id);  // newest first
  EXPECT_EQ(Find("zzqqxx").total, 0);
  EXPECT_EQ(Find("，。！").total, 0);
  SearchQuery q;
  q.q = "技术改造";
  q.level = "provincial";
  auto r = search_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->total, 1);
  EXPECT_EQ(r->items[0].id, p2.id);
  q.level = "galactic";
  auto bad = search_->Search(q);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "level");
  q.level = "";
  q.page_size = 0;
  EXPECT_FALSE(search_->Search(q).ok());
}

TEST_P(SearchServiceTest, SuggestionsByPrefix) {
  OpenSearch();
  Publish(Input("高新技术企业认定奖励办法", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  auto s = search_->Suggest("高新");
  ASSERT_TRUE(s.ok());
  EXPECT_LE(s->size(), 10u);
  EXPECT_NE(std::find(s->begin(), s->end(), "高新技术企业"), s->end());
  EXPECT_NE(std::find(s->begin(), s->end(), "高新技术企业认定奖励办法"), s->end());
  auto none = search_->Suggest("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

INSTANTIATE_TEST_SUITE_P(All, SearchServiceTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend());

}  // namespace
}  // namespace huiqi::search
