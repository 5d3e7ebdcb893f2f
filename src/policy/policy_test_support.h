#pragma once
// Shared fixture of the policy tests: a fresh database of each backend with three departments,
// their staff and a platform admin, the real working-day calendar, and a clock on 2026-11-22 (a Sunday)
// 10:00.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/calendar.h"
#include "policy/policy_service.h"
#include "support/test_db.h"

namespace huiqi::policy::testing_support {

inline constexpr store::Statement kInsertDepartment{"test.insert_department",
                                                    "INSERT INTO departments (code, name, level, created_at) "
                                                    "VALUES (?, ?, 'municipal', '2026-01-01T00:00:00+08:00') "
                                                    "RETURNING id"};
inline constexpr store::Statement kInsertUser{
    "test.insert_user",
    "INSERT INTO users (login, display_name, kind, department_id, roles, password_hash, created_at, "
    "updated_at) "
    "VALUES (?, ?, ?, ?, ?, 'x', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00') RETURNING id"};
inline constexpr store::Statement kCountAudit{"test.count_audit",
                                              "SELECT COUNT(*) AS n FROM audit_log WHERE entity = ?"};

class PolicyFixture : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    auto cal = core::WorkCalendar::LoadDirectory(testing::DataDir() + "/holidays");
    ASSERT_TRUE(cal.ok()) << cal.error().ToString();
    calendar_ = *cal;
    kjj_ = AddDepartment("CZ-KJJ", "常州市科学技术局");
    gxj_ = AddDepartment("CZ-GXJ", "常州市工业和信息化局");
    swj_ = AddDepartment("CZ-SWJ", "常州市商务局");
    admin_ = AddUser("admin", auth::UserKind::kPlatformAdmin, std::nullopt, {});
    kjj_officer_ =
        AddUser("kjj_officer", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kPolicyOfficer});
    kjj_reviewer_ = AddUser("kjj_reviewer", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kReviewer});
    gxj_officer_ =
        AddUser("gxj_officer", auth::UserKind::kDepartmentStaff, gxj_, {auth::Role::kPolicyOfficer});
    gxj_reviewer_ = AddUser("gxj_reviewer", auth::UserKind::kDepartmentStaff, gxj_, {auth::Role::kReviewer});
    svc_ = std::make_unique<PolicyService>(*db_, clock_, calendar_);
  }

  int64_t AddDepartment(const std::string& code, const std::string& name) {
    return db_
        ->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertDepartment, {code, name}, "", ""));
          return r.Int("id");
        })
        .value();
  }

  auth::Principal AddUser(const std::string& login, auth::UserKind kind, std::optional<int64_t> dept,
                          std::vector<auth::Role> roles) {
    std::string role_text;
    for (auto r : roles) role_text += (role_text.empty() ? "" : ",") + std::string(auth::RoleCode(r));
    int64_t id =
        db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
             HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertUser,
                                                    {login, login, std::string(auth::UserKindCode(kind)),
                                                     dept ? store::Value(*dept) : store::Null(), role_text},
                                                    "", ""));
             return r.Int("id");
           })
            .value();
    auth::Principal p;
    p.user_id = id;
    p.login = login;
    p.display_name = login;
    p.kind = kind;
    p.department_id = dept;
    p.roles = std::move(roles);
    return p;
  }

  int64_t AuditRows(const std::string& entity) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCountAudit, {entity}, "", ""));
          return r.Int("n");
        })
        .value();
  }

  void SetToday(int y, unsigned m, unsigned d) {
    clock_.Set(core::ShanghaiMidnight(core::Date::FromYmd(y, m, d)) + std::chrono::hours(10));
  }

  //! A complete municipal policy of 科技局 signed on `signed_on`.
  static PolicyInput Input(const std::string& title, core::Date signed_on) {
    PolicyInput in;
    in.title = title;
    in.doc_number = "常科发〔2026〕1号";
    in.level = Level::kMunicipal;
    in.types = {"tech"};
    in.region = "320400";
    in.departments = {"CZ-KJJ"};
    in.signed_on = signed_on;
    in.full_text = "第一条 为支持科技创新……";
    in.interpretation_text = "本政策主要支持……";
    in.highlights = {"最高奖励50万元"};
    return in;
  }

  //! Creates, submits and publishes; fails the test on any error.
  Policy Publish(const PolicyInput& in, const auth::Principal& officer, const auth::Principal& reviewer) {
    auto p = svc_->CreatePolicy(officer, in);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    auto sub = svc_->SubmitPolicy(officer, p->id);
    EXPECT_TRUE(sub.ok()) << sub.error().ToString();
    auto pub = svc_->PublishPolicy(reviewer, p->id);
    EXPECT_TRUE(pub.ok()) << pub.error().ToString();
    return *pub;
  }

  //! A complete guide.
  static ItemInput Guide(const std::string& name) {
    ItemInput in;
    in.name = name;
    in.region = "320400";
    in.implementing_body = "常州市科学技术局";
    in.conditions = {"在常州市注册的企业", "上年度研发投入不低于100万元"};
    in.materials = {{"申请表", "电子件", true, "表格类", "申请人自备", false, "", ""}};
    in.process = {{"受理", "常州市科学技术局", 3}, {"审核", "常州市科学技术局", 10}};
    in.subsidy_standard = "一次性奖励20万元";
    in.consult_phone = "0519-85682000";
    return in;
  }

  std::unique_ptr<store::Database> db_;
  core::WorkCalendar calendar_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22)) + std::chrono::hours(10)};
  std::unique_ptr<PolicyService> svc_;
  int64_t kjj_ = 0, gxj_ = 0, swj_ = 0;
  auth::Principal admin_, kjj_officer_, kjj_reviewer_, gxj_officer_, gxj_reviewer_;
};

}  // namespace huiqi::policy::testing_support
