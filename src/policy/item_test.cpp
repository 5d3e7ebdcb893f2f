#include <gtest/gtest.h>

#include "policy/policy_service.h"
#include "policy/policy_test_support.h"

namespace huiqi::policy {
namespace {

using core::Date;
using core::ErrorKind;

class ItemTest : public testing_support::PolicyFixture {
 protected:
  Policy KjjPolicy() {
    return Publish(Input("科技政策", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  }
  Policy GxjPolicy() {
    PolicyInput in = Input("工信政策", Date::FromYmd(2026, 11, 18));
    in.departments = {"CZ-GXJ"};
    in.types = {"industry"};
    return Publish(in, gxj_officer_, gxj_reviewer_);
  }
};

// 常州办法 第十三条: one name per item city-wide.
TEST_P(ItemTest, NearDuplicateNamesAcrossDepartmentsAskToReuseTheCatalogueEntry) {
  Policy kjj = KjjPolicy();
  Policy gxj = GxjPolicy();
  auto first = svc_->CreateItem(kjj_officer_, kjj.id, Guide("高新技术企业认定奖励"));
  ASSERT_TRUE(first.ok()) << first.error().ToString();

  auto similar = svc_->CreateItem(gxj_officer_, gxj.id, Guide("高新技术企业认定奖补"));
  ASSERT_FALSE(similar.ok());
  EXPECT_EQ(similar.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(similar.error().code, "similar_item_name");
  EXPECT_EQ(similar.error().field, "name");
  EXPECT_NE(similar.error().message.find("高新技术企业认定奖励"), std::string::npos)
      << similar.error().message;
  auto listed = svc_->SimilarItemNames("高新技术企业认定奖补");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, first->catalogue_id);
  EXPECT_EQ((*listed)[0].department.code, "CZ-KJJ");

  ItemInput reuse = Guide("");
  reuse.catalogue_id = first->catalogue_id;
  auto reused = svc_->CreateItem(gxj_officer_, gxj.id, reuse);
  ASSERT_TRUE(reused.ok()) << reused.error().ToString();
  EXPECT_EQ(reused->name, "高新技术企业认定奖励");
  EXPECT_EQ(reused->department.code, "CZ-GXJ");

  ItemInput confirmed = Guide("高新技术企业认定奖补");
  confirmed.confirm_new_name = true;
  EXPECT_TRUE(svc_->CreateItem(gxj_officer_, gxj.id, confirmed).ok());
  // The very same name cannot be filed twice, even when confirmed.
  ItemInput same = Guide("高新技术企业认定奖励");
  same.confirm_new_name = true;
  EXPECT_EQ(svc_->CreateItem(gxj_officer_, gxj.id, same).error().code, "similar_item_name");
  // Unrelated names pass.
  EXPECT_TRUE(svc_->CreateItem(gxj_officer_, gxj.id, Guide("工业企业技术改造设备投资补助")).ok());
  EXPECT_TRUE(svc_->CreateItem(kjj_officer_, kjj.id, Guide("科技型中小企业研发费用补助")).ok());
}

TEST_P(ItemTest, ItemsBelongToTheirDepartment) {
  Policy kjj = KjjPolicy();
  EXPECT_EQ(svc_->CreateItem(gxj_officer_, kjj.id, Guide("科技奖励")).error().kind,
            ErrorKind::kPermissionDenied);
  ItemInput other = Guide("科技奖励");
  other.department = "CZ-GXJ";  // not an issuing department of this policy
  EXPECT_EQ(svc_->CreateItem(admin_, kjj.id, other).error().field, "department");
  auto item = svc_->CreateItem(kjj_officer_, kjj.id, Guide("科技奖励"));
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(svc_->UpdateItem(gxj_officer_, item->id, Guide("科技奖励")).error().kind,
            ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->PublishItem(gxj_officer_, item->id).error().kind, ErrorKind::kPermissionDenied);
  EXPECT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
}

TEST_P(ItemTest, PublishingAnIncompleteGuideListsEverythingMissing) {
  auto draft_policy = svc_->CreatePolicy(kjj_officer_, Input("草稿政策", Date::FromYmd(2026, 11, 18)));
  ItemInput bare;
  bare.name = "科技奖励";
  auto item = svc_->CreateItem(kjj_officer_, draft_policy->id, bare);
  ASSERT_TRUE(item.ok()) << item.error().ToString();
  auto refused = svc_->PublishItem(kjj_officer_, item->id);
  ASSERT_FALSE(refused.ok());
  // The policy is the cause named first (not "the guide is incomplete"); the gaps follow.
  EXPECT_EQ(refused.error().code, "policy_not_published");
  EXPECT_EQ(refused.error().field, "policy");
  for (const char* gap :
       {"所属政策《草稿政策》尚未发布", "请先发布政策", "申报条件", "申报材料", "办理流程"}) {
    EXPECT_NE(refused.error().message.find(gap), std::string::npos)
        << gap << " in " << refused.error().message;
  }
  // 免申即享 items need no materials.
  Policy published = KjjPolicy();
  ItemInput offer = Guide("免申即享科技奖励");
  offer.no_application = true;
  offer.materials.clear();
  auto o = svc_->CreateItem(kjj_officer_, published.id, offer);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(svc_->PublishItem(kjj_officer_, o->id).ok());
  EXPECT_EQ(svc_->PublishItem(kjj_officer_, o->id).error().code, "illegal_transition");
}

// 常州办法 第十一条: the guide at the latest 5 working days before the window opens.
TEST_P(ItemTest, GuideDeadlineIsFiveWorkingDaysBeforeTheWindowAcrossAHoliday) {
  SetToday(2026, 9, 28);
  Policy p = KjjPolicy();
  ItemInput in = Guide("科技奖励");
  in.period_type = PeriodType::kFixed;
  in.window_start = Date::FromYmd(2026, 10, 12);
  in.window_end = Date::FromYmd(2026, 11, 30);
  auto item = svc_->CreateItem(kjj_officer_, p.id, in);
  ASSERT_TRUE(item.ok()) << item.error().ToString();
  // 10/10 (调休 Saturday), 10/9, 10/8, 9/30, 9/29
  EXPECT_EQ(item->timing.latest_publication, Date::FromYmd(2026, 9, 29));
  SetToday(2026, 9, 30);
  auto late = svc_->PublishItem(kjj_officer_, item->id);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->timing.late);
  EXPECT_EQ(late->timing.published_on, Date::FromYmd(2026, 9, 30));

  ItemInput fixed_without_window = Guide("另一项奖励事项");
  fixed_without_window.period_type = PeriodType::kFixed;
  EXPECT_EQ(svc_->CreateItem(kjj_officer_, p.id, fixed_without_window).error().field, "window_start");
}

// 江阴办法 第十一条: a 期限待定 item that gets its window goes live within 3 working days.
TEST_P(ItemTest, PendingItemThatGetsAWindowMustGoLiveWithinThreeWorkingDays) {
  SetToday(2026, 9, 29);
  Policy p = KjjPolicy();
  ItemInput in = Guide("科技奖励");
  in.period_type = PeriodType::kPending;
  auto item = svc_->CreateItem(kjj_officer_, p.id, in);
  ASSERT_TRUE(item.ok());
  EXPECT_FALSE(item->timing.golive_deadline.has_value());
  in.period_type = PeriodType::kFixed;
  in.window_start = Date::FromYmd(2026, 12, 1);
  in.window_end = Date::FromYmd(2026, 12, 31);
  auto windowed = svc_->UpdateItem(kjj_officer_, item->id, in);
  ASSERT_TRUE(windowed.ok()) << windowed.error().ToString();
  EXPECT_EQ(windowed->timing.window_set_on, Date::FromYmd(2026, 9, 29));
  EXPECT_EQ(windowed->timing.golive_deadline, Date::FromYmd(2026, 10, 9));  // 9/30, 10/8, 10/9
  SetToday(2026, 10, 12);
  auto published = svc_->PublishItem(kjj_officer_, item->id);
  ASSERT_TRUE(published.ok());
  EXPECT_TRUE(published->timing.golive_late);
  EXPECT_FALSE(published->timing.late);  // still well ahead of the December window
}

TEST_P(ItemTest, PublicItemListFiltersByPeriodDepartmentAndName) {
  SetToday(2026, 11, 20);
  Policy kjj = KjjPolicy();
  Policy gxj = GxjPolicy();
  auto add = [&](const auth::Principal& who, const Policy& p, const std::string& name, PeriodType type,
                 std::optional<Date> from, std::optional<Date> to) {
    ItemInput in = Guide(name);
    in.period_type = type;
    in.window_start = from;
    in.window_end = to;
    in.confirm_new_name = true;
    auto it = svc_->CreateItem(who, p.id, in);
    EXPECT_TRUE(it.ok()) << it.error().ToString();
    EXPECT_TRUE(svc_->PublishItem(who, it->id).ok());
    return it->id;
  };
  add(kjj_officer_, kjj, "常年科技奖励", PeriodType::kYearRound, std::nullopt, std::nullopt);
  add(kjj_officer_, kjj, "秋季研发补助", PeriodType::kFixed, Date::FromYmd(2026, 11, 1),
      Date::FromYmd(2026, 11, 30));
  add(gxj_officer_, gxj, "冬季技改补助", PeriodType::kFixed, Date::FromYmd(2026, 12, 10),
      Date::FromYmd(2026, 12, 31));
  add(gxj_officer_, gxj, "春季智改数转奖励", PeriodType::kFixed, Date::FromYmd(2026, 3, 1),
      Date::FromYmd(2026, 3, 31));
  add(gxj_officer_, gxj, "待定首台套奖励", PeriodType::kPending, std::nullopt, std::nullopt);
  auto unpublished = svc_->CreateItem(kjj_officer_, kjj.id, Guide("未发布的奖励事项"));
  ASSERT_TRUE(unpublished.ok());

  auto count = [&](ListFilter f) { return svc_->ListPublishedItems(f).value().total; };
  EXPECT_EQ(count({}), 5);
  EXPECT_EQ(count({.period = Period::kOpen}), 2);
  EXPECT_EQ(count({.period = Period::kUpcoming}), 2);
  EXPECT_EQ(count({.period = Period::kClosed}), 1);
  EXPECT_EQ(count({.department = "CZ-GXJ"}), 3);
  EXPECT_EQ(count({.type = "industry"}), 3);
  EXPECT_EQ(count({.q = "补助"}), 2);
  EXPECT_EQ(count({.region = "320000"}), 5);
  auto page = svc_->ListPublishedItems({.page = 2, .page_size = 2});
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->total, 5);
  EXPECT_EQ(svc_->GetItem(nullptr, unpublished->id).error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE(svc_->GetItem(&kjj_officer_, unpublished->id).ok());
  auto of_policy = svc_->ItemsOfPolicy(nullptr, kjj.id);
  EXPECT_EQ(of_policy->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ItemTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::policy
