#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "auth/passwords.h"
#include "support/test_db.h"

namespace huiqi::auth {
namespace {

using core::ErrorKind;

TEST(Passwords, HashVerifyAndPolicy) {
  auto h = HashPassword("Secret123");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*h, "Secret123"));
  EXPECT_FALSE(VerifyPassword(*h, "Secret124"));
  EXPECT_FALSE(VerifyPassword("not a hash", "Secret123"));
  EXPECT_NE(*HashPassword("Secret123"), *h);  // salted
  for (const char* weak : {"short1", "allletters", "12345678", ""}) {
    auto st = CheckPasswordPolicy(weak);
    ASSERT_FALSE(st.ok()) << weak;
    EXPECT_EQ(st.error().field, "password");
  }
}

class AuthServiceTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    svc_ = std::make_unique<AuthService>(*db_, clock_, AuthOptions{});
    auto d = svc_->CreateDepartment(nullptr, {0, "CZ-KJJ", "常州市科学技术局", DepartmentLevel::kMunicipal, {}, ""});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(svc_->CreateDepartment(nullptr, {0, "CZ-SWJ", "常州市商务局", DepartmentLevel::kMunicipal, {}, ""}).ok());
    NewUser staff{UserKind::kDepartmentStaff, "kjj_officer", "张敏", "Officer2026", "CZ-KJJ", {Role::kPolicyOfficer}};
    ASSERT_TRUE(svc_->CreateUser(nullptr, staff).ok());
  }
  core::Result<LoginResult> Login(const char* login, const char* pw, const char* addr = "10.0.0.1") {
    return svc_->Login(login, pw, addr);
  }
  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22))};
  std::unique_ptr<AuthService> svc_;
};

TEST_P(AuthServiceTest, LoginResolveLogout) {
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->token.empty());
  EXPECT_EQ(r->principal.csrf_token.size(), 32u);
  auto p = svc_->Resolve(r->token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->login, "kjj_officer");
  EXPECT_TRUE((*p)->HasRole(Role::kPolicyOfficer));
  EXPECT_EQ((*p)->csrf_token, r->principal.csrf_token);
  ASSERT_TRUE(svc_->Logout(**p).ok());
  EXPECT_FALSE(svc_->Resolve(r->token)->has_value());
  EXPECT_FALSE(svc_->Resolve("forged-token")->has_value());
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = Login("kjj_officer", "Wrong2026");
  auto unknown = Login("nobody", "Wrong2026");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_P(AuthServiceTest, RateLimitPerAccountExpiresWithTheWindow) {
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(Login("kjj_officer", "Wrong2026", ("10.0.1." + std::to_string(i)).c_str()).ok());
  auto locked = Login("kjj_officer", "Officer2026", "10.0.2.1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kRateLimited);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.0.2.1").ok());
}

TEST_P(AuthServiceTest, RateLimitPerAddress) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(Login(("guess" + std::to_string(i)).c_str(), "Wrong2026", "10.9.9.9").ok());
  }
  auto blocked = Login("kjj_officer", "Officer2026", "10.9.9.9");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, ErrorKind::kRateLimited);
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.9.9.10").ok());
}

TEST_P(AuthServiceTest, SessionsExpire) {
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok());
  clock_.Advance(std::chrono::hours(13));
  EXPECT_FALSE(svc_->Resolve(r->token)->has_value());
}

TEST_P(AuthServiceTest, SelfRegistrationValidatesNamingTheField) {
  NewUser ent{UserKind::kEnterprise, "ent_a", "常州甲公司", "Company2026"};
  ent.uscc = "91350100M000100Y44";
  auto bad = svc_->Register(ent);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "uscc");
  ent.uscc = "91350100M000100Y43";
  auto ok = svc_->Register(ent);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(*ok->uscc, "91350100M000100Y43");
  auto dup = svc_->Register(ent);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().field, "login");
  NewUser sneaky{UserKind::kPlatformAdmin, "evil", "Evil", "Password1"};
  auto refused = svc_->Register(sneaky);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "kind");
}

TEST_P(AuthServiceTest, OnlyAdminsAllocateAccountsAndOwnershipIsChecked) {
  auto staff = Login("kjj_officer", "Officer2026")->principal;
  auto denied = svc_->CreateUser(&staff, {UserKind::kFinance, "cz_fin", "财政", "Finance2026"});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, ErrorKind::kPermissionDenied);
  auto kjj = svc_->FindDepartmentByCode("CZ-KJJ").value();
  auto swj = svc_->FindDepartmentByCode("CZ-SWJ").value();
  EXPECT_TRUE(RequireDepartment(staff, kjj.id).ok());
  EXPECT_EQ(RequireDepartment(staff, swj.id).error().kind, ErrorKind::kPermissionDenied);
  Principal ent;
  ent.kind = UserKind::kEnterprise;
  ent.uscc = "91350100M000100Y43";
  EXPECT_TRUE(RequireEnterprise(ent, "91350100M000100Y43").ok());
  EXPECT_FALSE(RequireEnterprise(ent, "9144030071526726XG").ok());
  EXPECT_FALSE(RequireEnterprise(staff, "91350100M000100Y43").ok());
}

TEST_P(AuthServiceTest, EveryChangeIsAuditedAndTheChainHolds) {
  ASSERT_TRUE(Login("kjj_officer", "Officer2026").ok());
  auto rep = audit::Verify(*db_).value();
  EXPECT_TRUE(rep.ok) << rep.problem;
  EXPECT_EQ(rep.checked, 4);  // two departments, one user, one login
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::ValuesIn(testing::Backends()), testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::auth
