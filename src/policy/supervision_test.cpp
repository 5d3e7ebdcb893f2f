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

// 常州办法 第十八条: a qualification recorded more than 3 working days after its grant is a finding
// for the department that recorded it (the archive writes received_on and department_id).
TEST_P(SupervisionTest, TagsRecordedLateAreFindingsOfTheirDepartment) {
  SetToday(2026, 11, 30);
  constexpr store::Statement kEnterprise{
      "test.enterprise",
      "INSERT INTO enterprises (uscc, name, tags_known, created_at, updated_at) VALUES "
      "('913204127123456136', '常州星辰智能装备有限公司', 1, '2026-11-01T00:00:00Z', "
      "'2026-11-01T00:00:00Z') RETURNING id"};
  constexpr store::Statement kTag{
      "test.tag",
      "INSERT INTO enterprise_tags (enterprise_id, tag, acquired_on, received_on, source, department_id) "
      "SELECT ?, ?, ?, ?, '科技局', id FROM departments WHERE code = 'CZ-KJJ'"};
  ASSERT_TRUE(db_->Write([&](store::Session& s) -> core::Status {
                   HQ_ASSIGN_OR_RETURN(auto e, s.QueryOne(kEnterprise, {}, "", ""));
                   int64_t id = e.Int("id");
                   // Granted Friday 11/20: due Wednesday 11/25. Received 11/25 is on time, 11/26 late.
                   HQ_RETURN_IF_ERROR(s.Exec(kTag, {id, std::string("高新技术企业"),
                                                    std::string("2026-11-20"), std::string("2026-11-26")}));
                   HQ_RETURN_IF_ERROR(s.Exec(kTag, {id, std::string("专精特新中小企业"),
                                                    std::string("2026-11-20"), std::string("2026-11-25")}));
                   return core::Ok();
                 })
                  .ok());
  auto r = svc_->Supervise(admin_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(Count(*r, "CZ-KJJ", "tag_late"), 1);
  const Finding* late = nullptr;
  for (const auto& f : r->findings) {
    if (f.kind == "tag_late") late = &f;
  }
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->due_on, Date::FromYmd(2026, 11, 25));
  EXPECT_EQ(late->done_on, Date::FromYmd(2026, 11, 26));
  EXPECT_EQ(late->working_days_late, 1);
  EXPECT_EQ(late->entity, "enterprise");
  EXPECT_NE(late->title.find("高新技术企业"), std::string::npos) << late->title;
  // The department sees it among its own findings; another does not.
  auto own = svc_->SuperviseOwnDepartment(kjj_officer_);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(Count(*own, "CZ-KJJ", "tag_late"), 1);
  auto other = svc_->SuperviseOwnDepartment(gxj_officer_);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Count(*other, "CZ-KJJ", "tag_late"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SupervisionTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::policy
