#include <gtest/gtest.h>

#include "policy/policy_json.h"
#include "policy/policy_service.h"
#include "policy/policy_test_support.h"

namespace huiqi::policy {
namespace {

using core::Date;

class SupervisionTest : public testing_support::PolicyFixture {
 protected:
  int Count(const SupervisionReport& r, const std::string& dept, const std::string& kind) {
    for (const auto& d : r.departments) {
      if (d.department.code != dept) continue;
      for (const auto& [k, n] : d.counts) {
        if (k == kind) return n;
      }
    }
    return 0;
  }
};

TEST_P(SupervisionTest, ListsLatenessAndGapsPerDepartment) {
  // 科技局: published 10/12, deadline 10/10 → late by 1 working day.
  SetToday(2026, 10, 12);
  Policy late = Publish(Input("迟发政策", Date::FromYmd(2026, 9, 30)), kjj_officer_, kjj_reviewer_);
  // 科技局: an item whose guide went out after its deadline, and one without materials or process.
  ItemInput windowed = Guide("科技奖励");
  windowed.period_type = PeriodType::kFixed;
  windowed.window_start = Date::FromYmd(2026, 10, 14);
  windowed.window_end = Date::FromYmd(2026, 10, 31);
  auto w = svc_->CreateItem(kjj_officer_, late.id, windowed);
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  ASSERT_TRUE(svc_->PublishItem(kjj_officer_, w->id).ok());
  ItemInput bare = Guide("研发补助");
  bare.materials.clear();
  bare.process.clear();
  ASSERT_TRUE(svc_->CreateItem(kjj_officer_, late.id, bare).ok());
  // 工信局: a draft signed 11/2 that nobody published (deadline 11/5), without interpretation.
  PolicyInput overdue = Input("逾期未发布政策", Date::FromYmd(2026, 11, 2));
  overdue.departments = {"CZ-GXJ"};
  overdue.interpretation_text.clear();
  ASSERT_TRUE(svc_->CreatePolicy(gxj_officer_, overdue).ok());
  // 工信局: on time, complete — no finding.
  SetToday(2026, 11, 20);
  PolicyInput fine = Input("按时政策", Date::FromYmd(2026, 11, 18));
  fine.departments = {"CZ-GXJ"};
  Publish(fine, gxj_officer_, gxj_reviewer_);

  EXPECT_EQ(svc_->Supervise(kjj_officer_).error().kind, core::ErrorKind::kPermissionDenied);
  auto r = svc_->Supervise(admin_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->as_of, Date::FromYmd(2026, 11, 20));
  EXPECT_EQ(Count(*r, "CZ-KJJ", "policy_published_late"), 1);
  EXPECT_EQ(Count(*r, "CZ-KJJ", "item_guide_late"), 1);
  EXPECT_EQ(Count(*r, "CZ-KJJ", "item_incomplete"), 1);
  EXPECT_EQ(Count(*r, "CZ-KJJ", "policy_overdue"), 0);
  EXPECT_EQ(Count(*r, "CZ-GXJ", "policy_overdue"), 1);
  EXPECT_EQ(Count(*r, "CZ-GXJ", "policy_no_interpretation"), 1);
  EXPECT_EQ(Count(*r, "CZ-GXJ", "policy_published_late"), 0);
  ASSERT_EQ(r->departments.size(), 2u);
  EXPECT_EQ(r->findings.size(), 5u);
  for (const auto& f : r->findings) {
    if (f.kind == "policy_published_late") {
      EXPECT_EQ(f.due_on, Date::FromYmd(2026, 10, 10));
      EXPECT_EQ(f.working_days_late, 1);
      EXPECT_NE(f.detail.find("2026-10-10"), std::string::npos);
    }
    if (f.kind == "policy_overdue") {
      EXPECT_EQ(f.due_on, Date::FromYmd(2026, 11, 5));
      EXPECT_EQ(f.working_days_late, 11);  // 11/6 … 11/20
    }
    if (f.kind == "item_guide_late") {
      EXPECT_EQ(f.due_on, Date::FromYmd(2026, 10, 8));  // 5 before 10/14 (10/10 调休)
    }
  }
  auto counts = SupervisionCountsJson(*r);
  EXPECT_EQ(counts["departments"][0]["department"]["code"], "CZ-GXJ");
  EXPECT_EQ(counts["departments"][0]["counts"]["policy_overdue"], 1);
  EXPECT_EQ(counts["departments"][1]["total"], 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, SupervisionTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::policy
