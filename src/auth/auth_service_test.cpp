#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "audit/audit_log.h"
#include "support/test_db.h"

namespace huiqi::auth {
namespace {

using core::ErrorKind;

constexpr store::Statement kAuditCount{"test.audit_count", "SELECT COUNT(*) AS n FROM audit_log"};
constexpr store::Statement kLastAction{
    "test.last_action", "SELECT action, before_json, after_json FROM audit_log ORDER BY id DESC LIMIT 1"};
constexpr store::Statement kHashes{"test.hashes", "SELECT token_hash, csrf_token FROM sessions"};

Department Dept(std::string code, std::string name, DepartmentLevel level,
                std::optional<int64_t> parent = {}) {
  Department d;
  d.code = std::move(code);
  d.name = std::move(name);
  d.level = level;
  d.parent_id = parent;
  return d;
}

NewUser Account(UserKind kind, std::string login, std::string name, std::string password,
                std::string dept = "", std::vector<Role> roles = {}) {
  NewUser u;
  u.kind = kind;
  u.login = std::move(login);
  u.display_name = std::move(name);
  u.password = std::move(password);
  u.department_code = std::move(dept);
  u.roles = std::move(roles);
  return u;
}

class AuthServiceTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    options_.echo_codes = true;
    Reconfigure(options_);
    auto d = svc_->CreateDepartment(nullptr, Dept("CZ-KJJ", "常州市科学技术局", DepartmentLevel::kMunicipal));
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(
        svc_->CreateDepartment(nullptr, Dept("CZ-SWJ", "常州市商务局", DepartmentLevel::kMunicipal)).ok());
    NewUser staff = Account(UserKind::kDepartmentStaff, "kjj_officer", "张敏", "Officer2026", "CZ-KJJ",
                            {Role::kPolicyOfficer});
    auto created = svc_->CreateUser(nullptr, staff);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    NewUser admin = Account(UserKind::kPlatformAdmin, "admin", "平台管理员", "Platform#2026");
    ASSERT_TRUE(svc_->CreateUser(nullptr, admin).ok());
  }
  void Reconfigure(const AuthOptions& o) {
    options_ = o;
    svc_ = std::make_unique<AuthService>(*db_, clock_, AuthDeps{keys_, &idp_, nullptr}, options_);
  }
  core::Result<LoginResult> Login(const std::string& login, const char* pw,
                                  const std::string& addr = "10.0.0.1", const std::string& device = "") {
    return svc_->Login(login, pw, addr, device);
  }
  //! A registration with a freshly texted code; `ticket` for an enterprise (or `invite`).
  Registration Reg(NewUser u, std::string phone, std::string ticket = "", std::string invite = "") {
    u.phone = phone;
    auto code = svc_->RequestPhoneCode(phone, "10.0.0.1");
    EXPECT_TRUE(code.ok()) << code.error().ToString();
    clock_.Advance(std::chrono::seconds(61));  // one code a minute per phone
    return Registration{u, code.ok() ? code->code : "", ticket, invite, "10.0.0.1"};
  }
  std::string Ticket(const std::string& uscc, const std::string& person = "王法人") {
    LegalPersonClaim c;
    c.uscc = uscc;
    c.person_name = person;
    return idp_.IssueTicket(c).value();
  }
  Principal AdminPrincipal() { return Login("admin", "Platform#2026", "10.0.0.9").value().principal; }
  int64_t AuditCount() {
    return db_
        ->ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kAuditCount, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }
  std::string LastAction() {
    return db_
        ->ReadValue<std::string>([](store::Session& s) -> core::Result<std::string> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kLastAction, {}, "", ""));
          return r.Text("action");
        })
        .value();
  }
  bool Alive(const std::string& token) { return svc_->Resolve(token).value().has_value(); }

  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22))};
  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  DemoIdentityProvider idp_{keys_, clock_};
  AuthOptions options_;
  std::unique_ptr<AuthService> svc_;
};

TEST_P(AuthServiceTest, LoginResolveLogout) {
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->token.size(), 64u);
  EXPECT_EQ(r->principal.csrf_token.size(), 32u);
  auto p = svc_->Resolve(r->token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->login, "kjj_officer");
  EXPECT_EQ((*p)->kind, UserKind::kDepartmentStaff);
  EXPECT_TRUE((*p)->HasRole(Role::kPolicyOfficer));
  EXPECT_FALSE((*p)->HasRole(Role::kReviewer));
  EXPECT_EQ((*p)->csrf_token, r->principal.csrf_token);
  ASSERT_TRUE(svc_->Logout(**p).ok());
  EXPECT_EQ(LastAction(), "auth.logout");
  EXPECT_FALSE(Alive(r->token));
  EXPECT_TRUE(svc_->Logout(**p).ok());  // twice is harmless
  EXPECT_FALSE(Alive("forged-token"));
  EXPECT_FALSE(Alive(""));
}

TEST_P(AuthServiceTest, OnlyTheTokenDigestIsStored) {
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok());
  auto rows = db_->ReadValue<store::Rows>([](store::Session& s) { return s.Query(kHashes); }).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].Text("token_hash"), r->token);
  EXPECT_EQ(rows[0].Text("token_hash").size(), 64u);
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = Login("kjj_officer", "Wrong2026");
  auto unknown = Login("nobody", "Wrong2026");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthenticated);
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(wrong.error().field, unknown.error().field);
  EXPECT_EQ(LastAction(), "auth.login_failed");
  EXPECT_EQ(Login("", "x").error().field, "login");
  EXPECT_EQ(Login("kjj_officer", "").error().field, "password");
}

// Issue 10 finding 6: five wrong passwords locked the account against its correct password.
TEST_P(AuthServiceTest, FailuresElsewhereDoNotLockTheRightfulUserOut) {
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(Login("kjj_officer", "Wrong2026", "10.0.1." + std::to_string(i)).ok());
  auto mine = Login("kjj_officer", "Officer2026", "10.0.2.1");
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  // …and the user is told what happened meanwhile.
  EXPECT_EQ(mine->notice.failed_attempts, 5);
  EXPECT_EQ(mine->notice.last_failed_from, "10.0.1.4");
  EXPECT_EQ(Login("kjj_officer", "Officer2026", "10.0.2.1")->notice.failed_attempts, 0) << "told once";
}

TEST_P(AuthServiceTest, TheFailingPairLocksForTheWindow) {
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(Login("kjj_officer", "Wrong2026", "10.0.1.1").ok());
  auto locked =
      Login("kjj_officer", "Officer2026", "10.0.1.1");  // the right password, from the failing address
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kRateLimited);
  EXPECT_NE(locked.error().message.find("15 分钟"), std::string::npos) << locked.error().message;
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.0.2.1").ok()) << "another address is not locked";
  clock_.Advance(std::chrono::minutes(14));
  EXPECT_EQ(Login("kjj_officer", "Officer2026", "10.0.1.1").error().kind, ErrorKind::kRateLimited);
  clock_.Advance(std::chrono::minutes(2));  // the failures leave the window
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.0.1.1").ok());
}

TEST_P(AuthServiceTest, ADistributedAttackMeetsADelayThatAKnownBrowserSkips) {
  auto known = Login("kjj_officer", "Officer2026", "10.0.9.9");
  ASSERT_TRUE(known.ok());
  ASSERT_EQ(known->device_token.size(), 64u) << "a first login from a browser makes it a trusted device";
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.0.9.9", known->device_token)->device_token.empty())
      << "a known browser is not given a second cookie";
  // Ten failures from ten addresses (no pair reaches its limit): from now on, each attempt on the
  // account waits a delay after the last failure.
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(Login("kjj_officer", "Wrong2026", "10.3.0." + std::to_string(i)).ok());
  auto stranger = Login("kjj_officer", "Officer2026", "10.4.0.1");
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().kind, ErrorKind::kRateLimited);
  EXPECT_NE(stranger.error().message.find("秒后再试"), std::string::npos) << stranger.error().message;
  auto user = Login("kjj_officer", "Officer2026", "10.4.0.1", known->device_token);
  ASSERT_TRUE(user.ok()) << "the rightful user's browser is not delayed: " << user.error().ToString();
  EXPECT_EQ(user->notice.failed_attempts, 10);
  // Another account's device cookie does not help.
  auto admin = Login("admin", "Platform#2026", "10.0.0.9");
  EXPECT_EQ(Login("kjj_officer", "Officer2026", "10.4.0.2", admin->device_token).error().kind,
            ErrorKind::kRateLimited);
  clock_.Advance(std::chrono::seconds(3));
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.4.0.3").ok()) << "the delay is a delay, not a lock";
}

TEST_P(AuthServiceTest, ASuccessClearsThePairsFailures) {
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(Login("kjj_officer", "Wrong2026").ok());
  ASSERT_TRUE(Login("kjj_officer", "Officer2026").ok());
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(Login("kjj_officer", "Wrong2026").error().kind, ErrorKind::kUnauthenticated);
  EXPECT_TRUE(Login("kjj_officer", "Officer2026").ok());
}

TEST_P(AuthServiceTest, RateLimitPerAddressStopsSprayingButNotAKnownBrowser) {
  auto known = Login("admin", "Platform#2026", "10.9.9.9");
  ASSERT_TRUE(known.ok());
  AuthOptions o = options_;
  o.max_failures_per_address = 20;
  Reconfigure(o);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(Login("guess" + std::to_string(i), "Wrong2026", "10.9.9.9").ok());
  auto blocked = Login("kjj_officer", "Officer2026", "10.9.9.9");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, ErrorKind::kRateLimited);
  // Issue 10 finding 6: twenty failures from one address (behind a proxy: everyone) locked out
  // admin with the right password.
  EXPECT_TRUE(Login("admin", "Platform#2026", "10.9.9.9", known->device_token).ok());
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.9.9.10").ok());
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(Login("kjj_officer", "Officer2026", "10.9.9.9").ok());
}

TEST_P(AuthServiceTest, RateLimitHoldsUnderConcurrentAttempts) {
  // Many guesses at once from one address must not slip past the limit between the check and the count.
  std::atomic<int> judged{0}, limited{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      auto r = svc_->Login("kjj_officer", "Wrong2026", "10.1.0.1");
      if (!r.ok() && r.error().kind == ErrorKind::kUnauthenticated) ++judged;
      if (!r.ok() && r.error().kind == ErrorKind::kRateLimited) ++limited;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(judged.load(), 5);
  EXPECT_EQ(judged.load() + limited.load(), 12);
  // Refused attempts are not counted (a burst may be refused whole), so exactly the rest of
  // the five failures remain before the lock.
  int more = 0;
  while (more < 10 &&
         Login("kjj_officer", "Wrong2026", "10.1.0.1").error().kind == ErrorKind::kUnauthenticated)
    ++more;
  EXPECT_EQ(judged.load() + more, 5);
  auto locked = Login("kjj_officer", "Officer2026", "10.1.0.1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kRateLimited);
}

TEST_P(AuthServiceTest, SessionsSlideButNeverPastTheCap) {
  AuthOptions o = options_;
  o.session_idle_minutes = 12 * 60;
  o.session_max_hours = 7 * 24;
  Reconfigure(o);
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok());
  clock_.Advance(std::chrono::hours(11));
  EXPECT_TRUE(Alive(r->token));  // used: now lasts until 23 h
  clock_.Advance(std::chrono::hours(11));
  EXPECT_TRUE(Alive(r->token));
  clock_.Advance(std::chrono::hours(13));  // idle longer than 12 h
  EXPECT_FALSE(Alive(r->token));

  auto s = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(s.ok());
  for (int h = 0; h < 7 * 24 - 10; h += 10) {
    clock_.Advance(std::chrono::hours(10));
    ASSERT_TRUE(Alive(s->token)) << "after " << h + 10 << " h";
  }
  clock_.Advance(std::chrono::hours(11));  // past 7 days since login, however active
  EXPECT_FALSE(Alive(s->token));
}

TEST_P(AuthServiceTest, AnIdleSessionExpires) {
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok());
  clock_.Advance(std::chrono::hours(13));
  EXPECT_FALSE(Alive(r->token));
}

TEST_P(AuthServiceTest, SelfRegistrationValidatesNamingTheField) {
  NewUser ent = Account(UserKind::kEnterprise, "ent_a", "常州甲公司", "Company2026");
  auto no_proof = svc_->Register(Reg(ent, "13800000001"));
  ASSERT_FALSE(no_proof.ok());
  EXPECT_EQ(no_proof.error().field, "identity_ticket") << "typing a USCC binds nothing";
  auto forged = svc_->Register(Reg(ent, "13800000001", Ticket("91350100M000100Y43") + "0"));
  EXPECT_EQ(forged.error().field, "identity_ticket");
  auto ok =
      svc_->Register(Reg(ent, "13800000001", Ticket(" 91350100m000100y43 ")));  // trimmed and upper-cased
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(*ok->uscc, "91350100M000100Y43");
  EXPECT_EQ(ok->roles, std::vector<Role>{Role::kEnterpriseAdmin});
  EXPECT_EQ(LastAction(), "user.register");
  NewUser weak = Account(UserKind::kIndividual, "li_si", "李四", "password");
  EXPECT_EQ(svc_->Register(Reg(weak, "13800000002")).error().field, "password");
  weak.password = "Lisi@Pass2026";
  weak.department_code = "CZ-KJJ";
  EXPECT_EQ(svc_->Register(Reg(weak, "13800000002")).error().field, "department");
  weak.department_code.clear();
  Registration bad_phone = Reg(weak, "13800000002");
  bad_phone.user.phone = "1380000000";
  EXPECT_EQ(svc_->Register(bad_phone).error().field, "phone");
  Registration wrong_code = Reg(weak, "13800000002");
  wrong_code.phone_code = wrong_code.phone_code == "000000" ? "000001" : "000000";
  EXPECT_EQ(svc_->Register(wrong_code).error().field, "phone_code");
  auto person = svc_->Register(Reg(weak, "13800000002"));
  ASSERT_TRUE(person.ok()) << person.error().ToString();
  EXPECT_FALSE(person->department_id.has_value());
  EXPECT_FALSE(person->uscc.has_value());
  EXPECT_EQ(person->phone, "13800000002");
  for (UserKind k : {UserKind::kPlatformAdmin, UserKind::kDepartmentStaff, UserKind::kFinance}) {
    auto refused = svc_->Register(Reg(Account(k, "evil_k", "Evil", "Evil@Pass2026"), "13800000003"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "kind");
  }
}

// Issue 10 finding 4: registering with a demo enterprise's USCC gave its archive to anyone.
TEST_P(AuthServiceTest, ABoundEnterpriseCannotBeTakenOverByRegistering) {
  NewUser owner = Account(UserKind::kEnterprise, "ent_owner", "常州甲公司", "Company2026");
  ASSERT_TRUE(svc_->Register(Reg(owner, "13800000011", Ticket("91350100M000100Y43"))).ok());
  NewUser evil = Account(UserKind::kEnterprise, "evil_clone", "冒名者", "Evil@Pass2026");
  evil.uscc = "91350100M000100Y43";
  auto typed = svc_->Register(Reg(evil, "13800000012"));
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.error().field, "identity_ticket");
  // Even a provider's ticket for the same enterprise does not make a second admin.
  auto twice = svc_->Register(Reg(evil, "13800000012", Ticket("91350100M000100Y43", "另一人")));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "uscc_bound");
  EXPECT_EQ(twice.error().kind, ErrorKind::kConflict);
  EXPECT_NE(twice.error().message.find("邀请"), std::string::npos);
  EXPECT_FALSE(Login("evil_clone", "Evil@Pass2026", "10.7.0.1").ok()) << "nothing was created";
}

TEST_P(AuthServiceTest, TheEnterpriseAdminInvitesPreparersAndRemovesThem) {
  NewUser owner = Account(UserKind::kEnterprise, "ent_owner", "常州甲公司", "Company2026");
  ASSERT_TRUE(svc_->Register(Reg(owner, "13800000021", Ticket("91350100M000100Y43"))).ok());
  Principal admin = Login("ent_owner", "Company2026")->principal;
  auto inv = svc_->Invite(admin, Role::kEnterprisePreparer, "财务部小王");
  ASSERT_TRUE(inv.ok()) << inv.error().ToString();
  EXPECT_EQ(inv->code.size(), 24u);
  NewUser staff = Account(UserKind::kEnterprise, "ent_staff", "小王", "Staff@Pass2026");
  auto joined = svc_->Register(Reg(staff, "13800000022", "", inv->code));
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_EQ(*joined->uscc, "91350100M000100Y43");
  EXPECT_EQ(joined->roles, std::vector<Role>{Role::kEnterprisePreparer});
  NewUser third = Account(UserKind::kEnterprise, "ent_third", "小李", "Third@Pass2026");
  EXPECT_EQ(svc_->Register(Reg(third, "13800000023", "", inv->code)).error().field, "invite_code")
      << "single use";
  Principal preparer = Login("ent_staff", "Staff@Pass2026")->principal;
  EXPECT_EQ(svc_->Invite(preparer, Role::kEnterpriseAdmin, "").error().kind, ErrorKind::kPermissionDenied);
  auto members = svc_->ListMembers(preparer).value();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].phone_masked, "138****0021");
  EXPECT_EQ(svc_->RemoveMember(preparer, admin.user_id).error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->RemoveMember(admin, admin.user_id).error().kind, ErrorKind::kFailedPrecondition);
  ASSERT_TRUE(svc_->RemoveMember(admin, preparer.user_id).ok());
  EXPECT_TRUE(Login("ent_owner", "Company2026").ok()) << "the admin keeps the account";
  EXPECT_FALSE(Login("ent_staff", "Staff@Pass2026").ok()) << "removed: cannot log in";
  // Revoked invitations cannot be used.
  auto second = svc_->Invite(admin, Role::kEnterprisePreparer, "").value();
  ASSERT_TRUE(svc_->RevokeInvitation(admin, second.id).ok());
  EXPECT_EQ(svc_->Register(Reg(third, "13800000023", "", second.code)).error().field, "invite_code");
  EXPECT_EQ(svc_->ListInvitations(admin)->size(), 2u);
}

TEST_P(AuthServiceTest, AnAdminCreatedEnterpriseAccountBindsOnlyAnUnboundCode) {
  NewUser first = Account(UserKind::kEnterprise, "ent_first", "甲", "Company2026");
  first.uscc = "91350100M000100Y43";
  auto a = svc_->CreateUser(nullptr, first);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->roles, std::vector<Role>{Role::kEnterpriseAdmin});
  NewUser second = Account(UserKind::kEnterprise, "ent_second", "乙", "Company2026");
  second.uscc = "91350100M000100Y43";
  EXPECT_EQ(svc_->CreateUser(nullptr, second)->roles, std::vector<Role>{Role::kEnterprisePreparer});
}

TEST_P(AuthServiceTest, PhoneCodesAreLimitedAndEachAllowsThreeTries) {
  auto first = svc_->RequestPhoneCode("13800000031", "10.0.0.1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->phone_masked, "138****0031");
  EXPECT_EQ(svc_->RequestPhoneCode("13800000031", "10.0.0.1").error().kind, ErrorKind::kRateLimited)
      << "one a minute";
  EXPECT_EQ(svc_->RequestPhoneCode("138000", "10.0.0.1").error().field, "phone");
  // A taken login is told only to a registrant holding a code, and each code allows three tries.
  NewUser u = Account(UserKind::kIndividual, "kjj_officer", "重名", "Person@Pass2026");
  u.phone = "13800000031";
  Registration r{u, first->code, "", "", "10.0.0.1"};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(svc_->Register(r).error().field, "login") << i;
  EXPECT_EQ(svc_->Register(r).error().field, "phone_code") << "the code is spent";
  r.user.login = "fresh_name";
  EXPECT_EQ(svc_->Register(r).error().field, "phone_code");
  clock_.Advance(std::chrono::minutes(11));
  auto late = svc_->RequestPhoneCode("13800000031", "10.0.0.1").value();
  clock_.Advance(std::chrono::minutes(11));
  r.phone_code = late.code;
  EXPECT_EQ(svc_->Register(r).error().field, "phone_code") << "expired after 10 minutes";
}

TEST_P(AuthServiceTest, RegistrationsAreRateLimitedPerAddress) {
  AuthOptions o = options_;
  o.max_registrations_per_address = 2;
  Reconfigure(o);
  for (int i = 0; i < 2; ++i) {
    auto r = svc_->Register(
        Reg(Account(UserKind::kIndividual, "p" + std::to_string(i) + "_x", "个人", "Person@Pass2026"),
            "1380000004" + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  auto third =
      svc_->Register(Reg(Account(UserKind::kIndividual, "p9_x", "个人", "Person@Pass2026"), "13800000049"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, ErrorKind::kRateLimited);
}

TEST_P(AuthServiceTest, PhonesAreSealedAtRestAndMaskedInTheAuditLog) {
  auto p =
      svc_->Register(Reg(Account(UserKind::kIndividual, "li_phone", "李", "Person@Pass2026"), "13912345678"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  auto stored =
      db_->ReadValue<store::Rows>([](store::Session& s) {
           return s.Query({"test.phones", "SELECT phone, phone_hash FROM users WHERE login = 'li_phone'"});
         })
          .value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Text("phone").find("13912345678"), std::string::npos);
  EXPECT_TRUE(secrets::KeyRing::IsSealed(stored[0].Text("phone")));
  EXPECT_EQ(svc_->GetUser(p->id)->phone, "13912345678");
  auto audit_rows = db_->ReadValue<store::Rows>([](store::Session& s) {
                         return s.Query({"test.audit_text", "SELECT after_json FROM audit_log"});
                       })
                        .value();
  for (const auto& r : audit_rows) EXPECT_EQ(r.Text("after_json").find("13912345678"), std::string::npos);
  bool masked = false;
  for (const auto& r : audit_rows) masked |= r.Text("after_json").find("139****5678") != std::string::npos;
  EXPECT_TRUE(masked);
}

TEST_P(AuthServiceTest, OnlyAdminsAllocateAccountsAndOwnershipIsChecked) {
  auto staff = Login("kjj_officer", "Officer2026")->principal;
  auto denied = svc_->CreateUser(&staff, Account(UserKind::kFinance, "cz_fin", "财政", "Finance2026"));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->CreateDepartment(&staff, Dept("X", "X", DepartmentLevel::kCounty)).error().kind,
            ErrorKind::kPermissionDenied);
  auto admin = AdminPrincipal();
  EXPECT_TRUE(svc_->CreateUser(&admin, Account(UserKind::kFinance, "cz_fin", "财政", "Finance2026")).ok());
  auto kjj = svc_->FindDepartmentByCode("CZ-KJJ").value();
  auto swj = svc_->FindDepartmentByCode("CZ-SWJ").value();
  EXPECT_TRUE(RequireDepartment(staff, kjj.id).ok());
  EXPECT_EQ(RequireDepartment(staff, swj.id).error().kind, ErrorKind::kPermissionDenied);
  EXPECT_TRUE(RequireDepartment(admin, swj.id).ok());
  Principal ent;
  ent.kind = UserKind::kEnterprise;
  ent.uscc = "91350100M000100Y43";
  EXPECT_TRUE(RequireEnterprise(ent, "91350100M000100Y43").ok());
  EXPECT_FALSE(RequireEnterprise(ent, "9144030071526726XG").ok());
  EXPECT_FALSE(RequireEnterprise(staff, "91350100M000100Y43").ok());
  EXPECT_FALSE(RequireDepartment(ent, kjj.id).ok());
}

TEST_P(AuthServiceTest, DepartmentStaffNeedADepartmentAndARole) {
  NewUser u = Account(UserKind::kDepartmentStaff, "swj_1", "王五", "Officer2026", "", {Role::kReviewer});
  EXPECT_EQ(svc_->CreateUser(nullptr, u).error().field, "department");
  u.department_code = "NO-SUCH";
  EXPECT_EQ(svc_->CreateUser(nullptr, u).error().field, "department");
  u.department_code = "CZ-SWJ";
  u.roles.clear();
  EXPECT_EQ(svc_->CreateUser(nullptr, u).error().field, "roles");
  u.roles = {Role::kReviewer, Role::kDepartmentAdmin};
  auto created = svc_->CreateUser(nullptr, u);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  auto back = svc_->GetUser(created->id).value();
  EXPECT_EQ(back.roles, u.roles);
  EXPECT_EQ(back.department_id, svc_->FindDepartmentByCode("CZ-SWJ")->id);
  EXPECT_EQ(svc_->GetUser(9999).error().kind, ErrorKind::kNotFound);
}

TEST_P(AuthServiceTest, DepartmentsHaveUniqueCodesAndParents) {
  auto kjj = svc_->FindDepartmentByCode("CZ-KJJ").value();
  EXPECT_FALSE(kjj.created_at.empty());
  auto dup = svc_->CreateDepartment(nullptr, Dept("CZ-KJJ", "重复", DepartmentLevel::kMunicipal));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(dup.error().field, "code");
  EXPECT_EQ(svc_->CreateDepartment(nullptr, Dept("WJ-KJJ", "武进区科技局", DepartmentLevel::kCounty, 999))
                .error()
                .field,
            "parent_id");
  auto child =
      svc_->CreateDepartment(nullptr, Dept("WJ-KJJ", "武进区科技局", DepartmentLevel::kCounty, kjj.id));
  ASSERT_TRUE(child.ok());
  auto got = svc_->GetDepartment(child->id).value();
  EXPECT_EQ(got.parent_id, kjj.id);
  EXPECT_EQ(got.level, DepartmentLevel::kCounty);
  EXPECT_EQ(DepartmentLevelLabel(got.level), "县区级");
  EXPECT_EQ(svc_->ListDepartments()->size(), 3u);
  EXPECT_EQ(svc_->GetDepartment(999).error().kind, ErrorKind::kNotFound);
}

TEST_P(AuthServiceTest, ChangePasswordEndsOtherSessions) {
  auto here = Login("kjj_officer", "Officer2026");
  auto there = Login("kjj_officer", "Officer2026", "10.0.0.2");
  ASSERT_TRUE(here.ok() && there.ok());
  const Principal& p = here->principal;
  EXPECT_EQ(svc_->ChangePassword(p, "Wrong2026", "NewPass2027", "10.0.0.1").error().field, "old_password");
  EXPECT_EQ(svc_->ChangePassword(p, "Officer2026", "weak", "10.0.0.1").error().field, "new_password");
  EXPECT_EQ(svc_->ChangePassword(p, "Officer2026", "Officer2026", "10.0.0.1").error().field, "new_password");
  ASSERT_TRUE(svc_->ChangePassword(p, "Officer2026", "NewPass2027", "10.0.0.1").ok());
  EXPECT_EQ(LastAction(), "user.password_change");
  EXPECT_TRUE(Alive(here->token));
  EXPECT_FALSE(Alive(there->token));
  EXPECT_FALSE(Login("kjj_officer", "Officer2026").ok());
  EXPECT_TRUE(Login("kjj_officer", "NewPass2027").ok());
}

TEST_P(AuthServiceTest, AdminsDisableEnableResetAndReassign) {
  auto admin = AdminPrincipal();
  auto staff = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(staff.ok());
  int64_t id = staff->principal.user_id;
  EXPECT_EQ(svc_->SetActive(&staff->principal, admin.user_id, false).error().kind,
            ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->SetActive(&admin, admin.user_id, false).error().kind, ErrorKind::kFailedPrecondition);

  auto off = svc_->SetActive(&admin, id, false);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->active);
  EXPECT_EQ(LastAction(), "user.disable");
  EXPECT_FALSE(Alive(staff->token));
  auto refused = Login("kjj_officer", "Officer2026");
  EXPECT_EQ(refused.error().code, "bad_credentials");  // says nothing about the account's state
  ASSERT_TRUE(svc_->SetActive(&admin, id, true).ok());
  EXPECT_EQ(LastAction(), "user.enable");

  EXPECT_EQ(svc_->ResetPassword(&admin, id, "short").error().field, "password");
  auto again = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(svc_->ResetPassword(&admin, id, "Reset2026x").ok());
  EXPECT_EQ(LastAction(), "user.password_reset");
  EXPECT_FALSE(Alive(again->token));
  EXPECT_TRUE(Login("kjj_officer", "Reset2026x").ok());

  // 江阴办法 第十六条: a new person takes over the account; the change is on file.
  auto moved = svc_->UpdateUser(&admin, id, {std::string("李娜"), std::string("0519-85681234")});
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->display_name, "李娜");
  EXPECT_EQ(LastAction(), "user.update");
  EXPECT_EQ(svc_->UpdateUser(&admin, id, {std::string(""), std::nullopt}).error().field, "display_name");
  EXPECT_EQ(svc_->UpdateUser(&admin, 9999, {std::string("x"), std::nullopt}).error().kind,
            ErrorKind::kNotFound);
}

TEST_P(AuthServiceTest, ListUsersPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(svc_->Register(Reg(Account(UserKind::kIndividual, "person" + std::to_string(i), "个人",
                                           "Person@Pass2026"),
                                   "1390000000" + std::to_string(i)))
                    .ok());
  }
  auto page = svc_->ListUsers(2, 3).value();
  EXPECT_EQ(page.total, 7);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].login, "person1");
  UserQuery people;
  people.kind = UserKind::kIndividual;
  EXPECT_EQ(svc_->ListUsers(people)->total, 5);
  UserQuery kjj;  // 江阴办法 第十六条: the list of a department's account users on file
  kjj.department_id = svc_->FindDepartmentByCode("CZ-KJJ")->id;
  auto staff = svc_->ListUsers(kjj).value();
  ASSERT_EQ(staff.total, 1);
  EXPECT_EQ(staff.items[0].login, "kjj_officer");
}

TEST_P(AuthServiceTest, EveryChangeIsAuditedAndAFailedOneLeavesNothing) {
  ASSERT_TRUE(Login("kjj_officer", "Officer2026").ok());
  int64_t before = AuditCount();
  EXPECT_EQ(before, 5);  // two departments, two users, one login
  NewUser u = Account(UserKind::kDepartmentStaff, "nobody_dept", "无部门", "Officer2026", "NO-SUCH",
                      {Role::kReviewer});
  EXPECT_FALSE(svc_->CreateUser(nullptr, u).ok());
  EXPECT_FALSE(svc_->CreateDepartment(nullptr, Dept("CZ-KJJ", "重复", DepartmentLevel::kMunicipal)).ok());
  EXPECT_EQ(AuditCount(), before);
  auto rep = audit::Verify(*db_).value();
  EXPECT_TRUE(rep.ok) << rep.problem;
  EXPECT_EQ(rep.checked, before);
}

TEST(AuthOptions, DefaultsAreValidAndNonsenseIsNamed) {
  EXPECT_TRUE(AuthOptions{}.Validate().ok());
  AuthOptions o;
  o.max_failures_per_pair = 0;
  EXPECT_EQ(o.Validate().error().field, "auth.max_failures_per_pair");
}

// Resolved sessions are kept for session_cache_ms (issue 11 item 7). Each way this node ends a
// session or changes an account is seen at once, even by a session resolved (and cached) just
// before; another node's change is seen within the cache time.
TEST_P(AuthServiceTest, CachedSessionsEndAtOnceOnThisNode) {
  auto admin = AdminPrincipal();
  auto cached = [&](const char* pw) {
    auto r = Login("kjj_officer", pw);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(Alive(r->token));  // resolved: now in the cache
    return r.ok() ? r->token : std::string();
  };
  std::string token = cached("Officer2026");
  auto p = svc_->Resolve(token).value().value();
  ASSERT_TRUE(svc_->Logout(p).ok());
  EXPECT_FALSE(Alive(token)) << "logout";

  token = cached("Officer2026");
  auto other = Login("kjj_officer", "Officer2026", "10.0.0.2");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(svc_->ChangePassword(other->principal, "Officer2026", "NewPass2027", "10.0.0.2").ok());
  EXPECT_FALSE(Alive(token)) << "password change elsewhere in the same node";

  token = cached("NewPass2027");
  ASSERT_TRUE(svc_->UpdateUser(&admin, p.user_id, {std::string("李娜"), std::nullopt}).ok());
  EXPECT_EQ(svc_->Resolve(token).value()->display_name, "李娜") << "a new name";

  ASSERT_TRUE(svc_->SetActive(&admin, p.user_id, false).ok());
  EXPECT_FALSE(Alive(token)) << "disable";
  ASSERT_TRUE(svc_->SetActive(&admin, p.user_id, true).ok());

  token = cached("NewPass2027");
  ASSERT_TRUE(svc_->ResetPassword(&admin, p.user_id, "Reset2026x").ok());
  EXPECT_FALSE(Alive(token)) << "password reset";
}

TEST_P(AuthServiceTest, AnotherNodesLogoutIsSeenWithinTheCacheTime) {
  AuthService other_node(*db_, clock_, AuthDeps{keys_, &idp_, nullptr}, options_);
  auto r = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Alive(r->token));
  ASSERT_TRUE(other_node.Logout(r->principal).ok());
  EXPECT_TRUE(Alive(r->token)) << "this node's copy lives up to session_cache_ms";
  clock_.Advance(std::chrono::seconds((options_.session_cache_ms + 999) / 1000));
  EXPECT_FALSE(Alive(r->token)) << "and no longer";

  AuthOptions uncached = options_;
  uncached.session_cache_ms = 0;
  Reconfigure(uncached);
  auto s = Login("kjj_officer", "Officer2026");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(Alive(s->token));
  ASSERT_TRUE(other_node.Logout(s->principal).ok());
  EXPECT_FALSE(Alive(s->token)) << "without the cache every request reads the database";
  uncached.session_cache_ms = 60001;
  EXPECT_EQ(uncached.Validate().error().field, "auth.session_cache_ms");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::auth
