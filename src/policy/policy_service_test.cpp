#include "policy/policy_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "audit/audit_log.h"
#include "policy/policy_test_support.h"

namespace huiqi::policy {
namespace {

using core::Date;
using core::ErrorKind;

class PolicyServiceTest : public testing_support::PolicyFixture {};

TEST_P(PolicyServiceTest, OfficerTakesAPolicyFromDraftToPublished) {
  auto created =
      svc_->CreatePolicy(kjj_officer_, Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_EQ(created->status, PolicyStatus::kDraft);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->root_id, created->id);
  EXPECT_EQ(created->lead().code, "CZ-KJJ");
  ASSERT_EQ(created->types.size(), 1u);
  EXPECT_EQ(created->types[0].label, "科技创新");

  auto submitted = svc_->SubmitPolicy(kjj_officer_, created->id);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_EQ(submitted->status, PolicyStatus::kInReview);
  // An officer may not approve; a reviewer of the department does.
  EXPECT_EQ(svc_->PublishPolicy(kjj_officer_, created->id).error().kind, ErrorKind::kPermissionDenied);
  auto published = svc_->PublishPolicy(kjj_reviewer_, created->id);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  EXPECT_EQ(published->status, PolicyStatus::kPublished);
  EXPECT_EQ(published->publish.published_on, Date::FromYmd(2026, 11, 22));
  EXPECT_EQ(AuditRows("policy"), 3);  // create, submit, publish: each with its audit row
}

TEST_P(PolicyServiceTest, IllegalTransitionsAreRefusedNamingStatusAndAction) {
  auto p = svc_->CreatePolicy(kjj_officer_, Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(p.ok());
  auto publish_draft = svc_->PublishPolicy(kjj_reviewer_, p->id);
  ASSERT_FALSE(publish_draft.ok());
  EXPECT_EQ(publish_draft.error().kind, ErrorKind::kFailedPrecondition);
  EXPECT_EQ(publish_draft.error().code, "illegal_transition");
  EXPECT_NE(publish_draft.error().message.find("草稿"), std::string::npos) << publish_draft.error().message;
  EXPECT_NE(publish_draft.error().message.find("审核发布"), std::string::npos);
  EXPECT_EQ(svc_->RepealPolicy(kjj_reviewer_, p->id, Date::FromYmd(2026, 11, 22), "x").error().code,
            "illegal_transition");
  EXPECT_EQ(svc_->RevisePolicy(kjj_officer_, p->id).error().code, "illegal_transition");
  EXPECT_EQ(svc_->RejectPolicy(kjj_reviewer_, p->id, "x").error().code, "illegal_transition");

  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  auto again = svc_->SubmitPolicy(kjj_officer_, p->id);
  EXPECT_EQ(again.error().code, "illegal_transition");
  EXPECT_NE(again.error().message.find("审核中"), std::string::npos);
  EXPECT_EQ(svc_->UpdatePolicy(kjj_officer_, p->id, Input("改", Date::FromYmd(2026, 11, 18))).error().code,
            "illegal_transition");

  ASSERT_TRUE(svc_->PublishPolicy(kjj_reviewer_, p->id).ok());
  auto published_again = svc_->PublishPolicy(kjj_reviewer_, p->id);
  EXPECT_NE(published_again.error().message.find("已发布"), std::string::npos);
  EXPECT_EQ(AuditRows("policy"), 3);  // refused moves leave no audit row
}

TEST_P(PolicyServiceTest, RejectionReturnsToDraftWithItsReason) {
  auto p = svc_->CreatePolicy(kjj_officer_, Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  EXPECT_EQ(svc_->RejectPolicy(kjj_reviewer_, p->id, "").error().field, "reason");
  auto rejected = svc_->RejectPolicy(kjj_reviewer_, p->id, "解读需补充申报条件说明");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->status, PolicyStatus::kDraft);
  EXPECT_EQ(rejected->reject_reason, "解读需补充申报条件说明");
  EXPECT_TRUE(svc_->UpdatePolicy(kjj_officer_, p->id,
                                 Input("常州市科技创新奖励办法（修改）", Date::FromYmd(2026, 11, 18)))
                  .ok());
}

// 常州办法 第八条: 原文、解读、干货 are approved and released in the same step.
TEST_P(PolicyServiceTest, PublishingWithoutInterpretationAndHighlightsIsRefused) {
  PolicyInput in = Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18));
  in.interpretation_text.clear();
  in.highlights.clear();
  auto p = svc_->CreatePolicy(kjj_officer_, in);
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  auto refused = svc_->PublishPolicy(kjj_reviewer_, p->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kFailedPrecondition);
  EXPECT_EQ(refused.error().code, "publish_incomplete");
  EXPECT_NE(refused.error().message.find("政策解读"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("政策干货"), std::string::npos);
  EXPECT_EQ(refused.error().field, "interpretation");
  EXPECT_EQ(svc_->GetPolicy(nullptr, p->id).error().kind, ErrorKind::kNotFound);  // still not public

  ASSERT_TRUE(svc_->RejectPolicy(kjj_reviewer_, p->id, "请同步起草解读和干货").ok());
  ASSERT_TRUE(
      svc_->UpdatePolicy(kjj_officer_, p->id, Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)))
          .ok());
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  auto published = svc_->PublishPolicy(kjj_reviewer_, p->id);
  ASSERT_TRUE(published.ok());
  EXPECT_FALSE(published->approved_at.empty());
}

// 常州办法 第十条: 3 working days; 2026 国庆 10/1–7 off, Saturday 10/10 a working day.
TEST_P(PolicyServiceTest, PublishDeadlineSpansTheNationalDayHoliday) {
  SetToday(2026, 10, 9);
  Policy on_time = Publish(Input("政策甲", Date::FromYmd(2026, 9, 29)), kjj_officer_, kjj_reviewer_);
  EXPECT_EQ(on_time.publish.basis_on, Date::FromYmd(2026, 9, 29));
  EXPECT_EQ(on_time.publish.deadline, Date::FromYmd(2026, 10, 9));  // 9/30, 10/8, 10/9
  EXPECT_FALSE(on_time.publish.late);

  SetToday(2026, 10, 12);
  Policy late = Publish(Input("政策乙", Date::FromYmd(2026, 9, 30)), kjj_officer_, kjj_reviewer_);
  EXPECT_EQ(late.publish.deadline, Date::FromYmd(2026, 10, 10));  // 10/8, 10/9, Saturday 10/10 (调休)
  EXPECT_TRUE(late.publish.late);
  EXPECT_EQ(late.publish.working_days_late, 1);  // Monday 10/12
}

// National and provincial policies count from their upstream release (常州办法 第十条 后段).
// 2026 春节: Saturday 2/14 a working day, 2/15–23 off.
TEST_P(PolicyServiceTest, ProvincialDeadlineCountsFromUpstreamReleaseAcrossSpringFestival) {
  PolicyInput in = Input("省级政策", Date::FromYmd(2026, 1, 5));
  in.level = Level::kProvincial;
  in.region = "320000";
  SetToday(2026, 2, 24);
  auto p = svc_->CreatePolicy(kjj_officer_, in);
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  auto missing = svc_->PublishPolicy(kjj_reviewer_, p->id);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "upstream_released_on");
  ASSERT_TRUE(svc_->RejectPolicy(kjj_reviewer_, p->id, "补上级发布日期").ok());
  in.upstream_released_on = Date::FromYmd(2026, 2, 12);
  ASSERT_TRUE(svc_->UpdatePolicy(kjj_officer_, p->id, in).ok());
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
  auto published = svc_->PublishPolicy(kjj_reviewer_, p->id);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  EXPECT_EQ(published->publish.basis_on, Date::FromYmd(2026, 2, 12));
  EXPECT_EQ(published->publish.deadline, Date::FromYmd(2026, 2, 24));  // 2/13, Saturday 2/14, 2/24
  EXPECT_FALSE(published->publish.late);
}

TEST_P(PolicyServiceTest, StaffActOnlyOnTheirOwnDepartmentsPolicies) {
  auto p = svc_->CreatePolicy(kjj_officer_, Input("科技局政策", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(p.ok());
  auto edit = svc_->UpdatePolicy(gxj_officer_, p->id, Input("改", Date::FromYmd(2026, 11, 18)));
  EXPECT_EQ(edit.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->SubmitPolicy(gxj_officer_, p->id).error().kind, ErrorKind::kPermissionDenied);
  // Nor may they file a policy under another department's lead.
  EXPECT_EQ(svc_->CreatePolicy(gxj_officer_, Input("冒名", Date::FromYmd(2026, 11, 18))).error().kind,
            ErrorKind::kPermissionDenied);
  // Joint issues: 工信局 as a co-issuer still cannot act; the lead department does.
  PolicyInput joint = Input("联合发文", Date::FromYmd(2026, 11, 18));
  joint.departments = {"CZ-KJJ", "CZ-GXJ"};
  auto j = svc_->CreatePolicy(kjj_officer_, joint);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->departments.size(), 2u);
  EXPECT_EQ(svc_->SubmitPolicy(gxj_officer_, j->id).error().kind, ErrorKind::kPermissionDenied);
  // The platform admin may act on any.
  EXPECT_TRUE(svc_->SubmitPolicy(admin_, p->id).ok());
  EXPECT_TRUE(svc_->PublishPolicy(admin_, p->id).ok());
  // Drafts are invisible to the public and to other departments.
  EXPECT_EQ(svc_->GetPolicy(nullptr, j->id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(svc_->GetPolicy(&gxj_reviewer_, j->id).ok(), true);  // a co-issuer sees the joint draft
  auto other = svc_->ListDepartmentPolicies(gxj_officer_, "", 1, 20);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->total, 0);
  auto own = svc_->ListDepartmentPolicies(kjj_officer_, "draft", 1, 20);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->total, 1);
}

TEST_P(PolicyServiceTest, ValidationErrorsNameTheField) {
  PolicyInput in = Input("", Date::FromYmd(2026, 11, 18));
  EXPECT_EQ(svc_->CreatePolicy(kjj_officer_, in).error().field, "title");
  in = Input("x", Date::FromYmd(2026, 11, 18));
  in.types = {"space"};
  EXPECT_EQ(svc_->CreatePolicy(kjj_officer_, in).error().field, "types");
  in = Input("x", Date::FromYmd(2026, 11, 18));
  in.departments = {"CZ-KJJ", "CZ-NOPE"};
  EXPECT_EQ(svc_->CreatePolicy(kjj_officer_, in).error().field, "departments[1]");
  in = Input("x", Date::FromYmd(2026, 11, 18));
  in.tags = {"不存在的标签"};
  auto tag = svc_->CreatePolicy(kjj_officer_, in);
  EXPECT_EQ(tag.error().field, "tags");
  EXPECT_NE(tag.error().message.find("不存在的标签"), std::string::npos);
  in = Input("x", Date::FromYmd(2026, 11, 18));
  in.valid_from = Date::FromYmd(2026, 12, 1);
  in.valid_to = Date::FromYmd(2026, 1, 1);
  EXPECT_EQ(svc_->CreatePolicy(kjj_officer_, in).error().field, "valid_to");
}

TEST_P(PolicyServiceTest, RevisionKeepsTheOldVersionReadable) {
  Policy v1 =
      Publish(Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  auto v2 = svc_->RevisePolicy(kjj_officer_, v1.id);
  ASSERT_TRUE(v2.ok()) << v2.error().ToString();
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->root_id, v1.id);
  EXPECT_EQ(v2->status, PolicyStatus::kDraft);
  EXPECT_EQ(svc_->RevisePolicy(kjj_officer_, v1.id).error().code, "revision_open");
  // Until the revision is published the public still sees version 1.
  auto listed = svc_->ListPublishedPolicies({});
  ASSERT_EQ(listed->total, 1);
  EXPECT_EQ(listed->items[0].id, v1.id);

  PolicyInput changed = Input("常州市科技创新奖励办法（2026年修订）", Date::FromYmd(2026, 11, 20));
  ASSERT_TRUE(svc_->UpdatePolicy(kjj_officer_, v2->id, changed).ok());
  ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, v2->id).ok());
  ASSERT_TRUE(svc_->PublishPolicy(kjj_reviewer_, v2->id).ok());

  auto old = svc_->GetPolicy(nullptr, v1.id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->status, PolicyStatus::kSuperseded);
  EXPECT_EQ(old->superseded_by, v2->id);
  EXPECT_EQ(old->title, "常州市科技创新奖励办法");
  listed = svc_->ListPublishedPolicies({});
  ASSERT_EQ(listed->total, 1);
  EXPECT_EQ(listed->items[0].id, v2->id);
  auto versions = svc_->Versions(nullptr, v1.id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].status, PolicyStatus::kSuperseded);
  EXPECT_EQ((*versions)[1].status, PolicyStatus::kPublished);
}

// Issue 11 finding 1: a status loaded, checked in C++, then "UPDATE … WHERE id = ?" let two
// reviewers both publish (and, copied into payments, pay twice). Every round, exactly one wins,
// the other is told 409, there is one publish audit row per policy and the chain verifies.
TEST_P(PolicyServiceTest, TwoReviewersPublishingAtOnceHaveOneWinner) {
  auth::Principal second =
      AddUser("kjj_reviewer2", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kReviewer});
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    auto p = svc_->CreatePolicy(
        kjj_officer_, Input("常州市并发审核测试办法" + std::to_string(round), Date::FromYmd(2026, 11, 18)));
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(svc_->SubmitPolicy(kjj_officer_, p->id).ok());
    std::atomic<int> wins{0}, refused{0};
    auto publish = [&](const auth::Principal& who) {
      auto r = svc_->PublishPolicy(who, p->id);
      if (r.ok())
        ++wins;
      else if (r.error().kind == ErrorKind::kConflict || r.error().kind == ErrorKind::kFailedPrecondition)
        ++refused;
    };
    std::thread a(publish, kjj_reviewer_), b(publish, second);
    a.join();
    b.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(refused.load(), 1) << "round " << round;
  }
  auto rows = db_->ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(
        auto r,
        s.QueryOne({"test.publishes", "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'policy.publish'"},
                   {}, "", ""));
    return r.Int("n");
  });
  EXPECT_EQ(*rows, kRounds);
  auto chain = audit::Verify(*db_);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_P(PolicyServiceTest, TwoOfficersRevisingAtOnceOpenOneRevision) {
  auth::Principal second =
      AddUser("kjj_officer2", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kPolicyOfficer});
  for (int round = 0; round < 8; ++round) {
    Policy v1 = Publish(Input("常州市并发修订测试办法" + std::to_string(round), Date::FromYmd(2026, 11, 18)),
                        kjj_officer_, kjj_reviewer_);
    std::atomic<int> wins{0}, refused{0};
    auto revise = [&](const auth::Principal& who) {
      auto r = svc_->RevisePolicy(who, v1.id);
      if (r.ok())
        ++wins;
      else if (r.error().code == "revision_open")
        ++refused;
    };
    std::thread a(revise, kjj_officer_), b(revise, second);
    a.join();
    b.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(refused.load(), 1) << "round " << round;
  }
}

TEST_P(PolicyServiceTest, RepealHidesThePolicyAndItsItemsFromPublicLists) {
  Policy p =
      Publish(Input("常州市科技创新奖励办法", Date::FromYmd(2026, 11, 18)), kjj_officer_, kjj_reviewer_);
  auto item = svc_->CreateItem(kjj_officer_, p.id, Guide("科技创新奖励"));
  ASSERT_TRUE(item.ok()) << item.error().ToString();
  ASSERT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
  EXPECT_EQ(svc_->ListPublishedItems({})->total, 1);
  EXPECT_EQ(svc_->RepealPolicy(kjj_reviewer_, p.id, Date::FromYmd(2026, 11, 22), "").error().field, "reason");
  auto repealed = svc_->RepealPolicy(kjj_reviewer_, p.id, Date::FromYmd(2026, 11, 22), "被新政策取代");
  ASSERT_TRUE(repealed.ok());
  EXPECT_EQ(repealed->status, PolicyStatus::kRepealed);
  EXPECT_EQ(svc_->ListPublishedPolicies({})->total, 0);
  EXPECT_EQ(svc_->ListPublishedItems({})->total, 0);
  EXPECT_EQ(svc_->GetItem(nullptr, item->id).error().kind, ErrorKind::kNotFound);
  auto record = svc_->GetPolicy(nullptr, p.id);  // the repeal itself stays on record
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->repeal_reason, "被新政策取代");
}

TEST_P(PolicyServiceTest, PublicListPaginatesAndFilters) {
  ASSERT_TRUE(svc_->CreateTag(admin_, "qualification", "高新技术企业").ok());
  for (int i = 0; i < 25; ++i) {
    PolicyInput in = Input("科技政策" + std::to_string(i), Date::FromYmd(2026, 11, 18));
    if (i % 5 == 0) {
      in.departments = {"CZ-GXJ"};
      in.types = {"industry"};
      in.region = "320411";
      in.tags = {"高新技术企业"};
    }
    if (i % 2 == 0) {
      in.valid_from = Date::FromYmd(2026, 1, 1);
      in.valid_to = Date::FromYmd(2026, 6, 30);
    }
    bool gxj = i % 5 == 0;
    Publish(in, gxj ? gxj_officer_ : kjj_officer_, gxj ? gxj_reviewer_ : kjj_reviewer_);
  }
  auto draft = svc_->CreatePolicy(kjj_officer_, Input("科技政策草稿", Date::FromYmd(2026, 11, 18)));
  ASSERT_TRUE(draft.ok());

  ListFilter f;
  f.page_size = 10;
  f.page = 3;
  auto page3 = svc_->ListPublishedPolicies(f);
  ASSERT_TRUE(page3.ok()) << page3.error().ToString();
  EXPECT_EQ(page3->total, 25);
  EXPECT_EQ(page3->items.size(), 5u);

  auto count = [&](ListFilter filter) { return svc_->ListPublishedPolicies(filter).value().total; };
  EXPECT_EQ(count({.department = "CZ-GXJ"}), 5);
  EXPECT_EQ(count({.type = "industry"}), 5);
  EXPECT_EQ(count({.type = "tech"}), 20);
  EXPECT_EQ(count({.tag = "高新技术企业"}), 5);
  EXPECT_EQ(count({.region = "320400"}), 25);  // 新北区 320411 lies under 常州市 320400
  EXPECT_EQ(count({.region = "320411"}), 5);
  EXPECT_EQ(count({.level = "municipal"}), 25);
  EXPECT_EQ(count({.level = "national"}), 0);
  EXPECT_EQ(count({.q = "政策1"}), 11);  // 1, 10–19
  EXPECT_EQ(count({.q = "草稿"}), 0);
  EXPECT_EQ(count({.period = Period::kClosed}), 13);  // validity ended 2026-06-30
  EXPECT_EQ(count({.period = Period::kOpen}), 12);
  EXPECT_EQ(count({.department = "CZ-GXJ", .period = Period::kClosed}), 3);  // 0, 10, 20
  EXPECT_EQ(svc_->ListPublishedPolicies({.level = "city"}).error().field, "level");
  EXPECT_EQ(svc_->ListPublishedPolicies({.page_size = 101}).error().field, "page_size");
}

TEST_P(PolicyServiceTest, OnlyThePlatformAdminExtendsTheTaxonomy) {
  EXPECT_EQ(svc_->CreateTag(kjj_officer_, "honor", "专精特新").error().kind, ErrorKind::kPermissionDenied);
  auto tag = svc_->CreateTag(admin_, "honor", "专精特新");
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->group_label, "荣誉");
  EXPECT_EQ(svc_->CreateTag(admin_, "honor", "专精特新").error().kind, ErrorKind::kConflict);
  EXPECT_EQ(svc_->CreateTag(admin_, "colour", "红").error().field, "group");
  EXPECT_EQ(svc_->ListTagGroups()->size(), 6u);
  EXPECT_EQ(svc_->ListPolicyTypes()->size(), 9u);
  EXPECT_EQ(svc_->CreatePolicyType(kjj_officer_, {"green", "绿色低碳"}).error().kind,
            ErrorKind::kPermissionDenied);
  ASSERT_TRUE(svc_->CreatePolicyType(admin_, {"green", "绿色低碳"}).ok());
  EXPECT_EQ(svc_->ListPolicyTypes()->size(), 10u);
  EXPECT_EQ(AuditRows("tag"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, PolicyServiceTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::policy
