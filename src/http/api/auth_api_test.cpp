// The auth API through the real router, AuthService and database, on both backends.
#include "http/api/auth_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/api/test_client.h"
#include "secrets/keys.h"
#include "support/test_db.h"

namespace huiqi::http {
namespace {

using nlohmann::json;

class AuthApiTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    auth::AuthOptions o;
    o.echo_codes = true;
    auth_ = std::make_unique<auth::AuthService>(*db_, clock_, auth::AuthDeps{keys_, &idp_, nullptr}, o);
    router_ = std::make_unique<Router>(auth_.get());
    AuthApiOptions api;
    api.identity = &idp_;
    api.demo_identity = &idp_;
    RegisterAuthApi(*router_, *auth_, *db_, api);
    client_ = std::make_unique<TestClient>(*router_);
    auth::Department d;
    d.code = "CZ-KJJ";
    d.name = "常州市科学技术局";
    ASSERT_TRUE(auth_->CreateDepartment(nullptr, d).ok());
    auth::NewUser admin;
    admin.kind = auth::UserKind::kPlatformAdmin;
    admin.login = "admin";
    admin.display_name = "平台管理员";
    admin.password = "Platform#2026";
    ASSERT_TRUE(auth_->CreateUser(nullptr, admin).ok());
  }

  Response Call(const std::string& method, const std::string& target, const json& body = nullptr) {
    return client_->Call(method, target, body);
  }
  static json Body(const Response& r) { return TestClient::Body(r); }
  static std::string Header(const Response& r, const std::string& name) {
    return TestClient::Header(r, name);
  }
  Response LoginAs(const std::string& login, const std::string& password) {
    return client_->Login(login, password);
  }

  //! A registration body with a phone code from the API (and, for an enterprise, a demo ticket).
  json Registration(json body, const std::string& phone, const std::string& uscc = "") {
    Response code = Call("POST", "/api/v1/auth/phone-code", {{"phone", phone}});
    EXPECT_EQ(code.status, 202) << code.body;
    clock_.Advance(std::chrono::seconds(61));
    body["phone"] = phone;
    body["phone_code"] = Body(code).value("demo_code", "");
    if (!uscc.empty()) {
      Response t = Call("POST", "/api/v1/auth/identity/demo", {{"uscc", uscc}, {"person_name", "王法人"}});
      EXPECT_EQ(t.status, 200) << t.body;
      body["identity_ticket"] = Body(t)["ticket"];
    }
    return body;
  }

  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22))};
  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  auth::DemoIdentityProvider idp_{keys_, clock_};
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<TestClient> client_;
};

TEST_P(AuthApiTest, LoginSetsAnHttpOnlyCookieAndMeShowsLabels) {
  Response r = LoginAs("admin", "Platform#2026");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = Header(r, "Set-Cookie");
  EXPECT_EQ(cookie.rfind("huiqi_session=", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  // Issue 10 finding 7: the cookie outlived the session (7 days against 12 hours).
  EXPECT_NE(cookie.find("Max-Age=43200"), std::string::npos) << cookie;
  int device_cookies = 0;
  for (const auto& [k, v] : r.headers)
    device_cookies += k == "Set-Cookie" && v.rfind("huiqi_device=", 0) == 0;
  EXPECT_EQ(device_cookies, 1) << "a trusted-device cookie beside the session";
  EXPECT_TRUE(Body(r)["notice"].is_null());
  EXPECT_EQ(Body(r)["user"]["kind_label"], "平台管理员");
  EXPECT_EQ(client_->csrf().size(), 32u);

  Response me = Call("GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Body(me)["kind"], "platform_admin");
  EXPECT_EQ(Body(me)["csrf_token"], client_->csrf());

  Response out = Call("POST", "/api/v1/auth/logout");
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(Header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401);
}

TEST_P(AuthApiTest, WrongPasswordIs401AndRepeatedFailuresAre429) {
  Response r = Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Nope12345"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "bad_credentials");
  for (int i = 0; i < 4; ++i)
    Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Nope12345"}});
  Response limited = Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Platform#2026"}});
  EXPECT_EQ(limited.status, 429);
  Response missing = Call("POST", "/api/v1/auth/login", {{"login", "admin"}});
  EXPECT_EQ(Body(missing)["error"]["field"], "password");
}

TEST_P(AuthApiTest, AdminAllocatesDepartmentAccountsAndStaffSeeTheirDepartment) {
  ASSERT_EQ(LoginAs("admin", "Platform#2026").status, 200);
  Response no_csrf = [&] {
    std::string keep = client_->csrf();
    client_->csrf().clear();
    Response r = Call("POST", "/api/v1/admin/departments",
                      {{"code", "CZ-SWJ"}, {"name", "商务局"}, {"level", "municipal"}});
    client_->csrf() = keep;
    return r;
  }();
  EXPECT_EQ(no_csrf.status, 403);
  Response dept = Call("POST", "/api/v1/admin/departments",
                       {{"code", "CZ-SWJ"}, {"name", "常州市商务局"}, {"level", "municipal"}});
  ASSERT_EQ(dept.status, 201) << dept.body;
  EXPECT_EQ(Body(dept)["level_label"], "市级");
  EXPECT_EQ(Body(Call("POST", "/api/v1/admin/departments",
                      {{"code", "X"}, {"name", "X"}, {"level", "galactic"}}))["error"]["field"],
            "level");
  Response user = Call("POST", "/api/v1/admin/users",
                       {{"kind", "department_staff"},
                        {"login", "swj_1"},
                        {"display_name", "王五"},
                        {"password", "Officer2026"},
                        {"department", "CZ-SWJ"},
                        {"roles", {"reviewer"}}});
  ASSERT_EQ(user.status, 201) << user.body;
  int64_t id = Body(user)["id"];
  EXPECT_EQ(Body(user)["roles"][0]["label"], "审核人员");
  Response users = Call("GET", "/api/v1/admin/users?page=1&page_size=1");
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(Body(users)["total"], 2);
  EXPECT_EQ(Body(users)["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/admin/users?page_size=500"))["error"]["field"], "page_size");
  EXPECT_EQ(Body(Call("GET", "/api/v1/admin/users?kind=department_staff"))["total"], 1);
  EXPECT_EQ(Body(Call("GET", "/api/v1/admin/users?kind=alien"))["error"]["field"], "kind");
  EXPECT_EQ(Body(Call("GET", "/api/v1/admin/users?department_id=x"))["error"]["field"], "department_id");
  Response patched = Call("PATCH", "/api/v1/admin/users/" + std::to_string(id), {{"phone", "0519-1234"}});
  EXPECT_EQ(Body(patched)["phone"], "0519-1234");
  Response audit = Call("GET", "/api/v1/admin/audit?entity=user&page_size=5");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(Body(audit)["items"][0]["action"], "user.update");
  EXPECT_EQ(Body(Call("GET", "/api/v1/admin/audit/verify"))["ok"], true);

  ASSERT_EQ(LoginAs("swj_1", "Officer2026").status, 200);
  Response me = Call("GET", "/api/v1/me");
  EXPECT_EQ(Body(me)["department"]["code"], "CZ-SWJ");
  EXPECT_EQ(Body(me)["roles"][0]["code"], "reviewer");
  EXPECT_EQ(Body(me)["kind_label"], "部门工作人员");
  EXPECT_EQ(Call("GET", "/api/v1/admin/users").status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/admin/audit").status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/admin/departments").status, 200);
}

TEST_P(AuthApiTest, SelfRegistrationNamesTheBadField) {
  Response bad = Call("POST", "/api/v1/auth/register",
                      Registration({{"kind", "enterprise"},
                                    {"login", "ent_a"},
                                    {"display_name", "甲公司"},
                                    {"password", "Company2026"},
                                    {"uscc", "91350100M000100Y44"}},
                                   "13800000001"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "uscc");
  Response typed = Call("POST", "/api/v1/auth/register",
                        Registration({{"kind", "enterprise"},
                                      {"login", "ent_a"},
                                      {"display_name", "甲公司"},
                                      {"password", "Company2026"},
                                      {"uscc", "91350100M000100Y43"}},
                                     "13800000003"));
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(Body(typed)["error"]["field"], "identity_ticket") << "a typed USCC proves nothing";
  Response bad_uscc =
      Call("POST", "/api/v1/auth/identity/demo", {{"uscc", "91350100M000100Y44"}, {"person_name", "王"}});
  EXPECT_EQ(Body(bad_uscc)["error"]["field"], "uscc");
  Response admin =
      Call("POST", "/api/v1/auth/register",
           {{"kind", "platform_admin"}, {"login", "evil"}, {"display_name", "x"}, {"password", "Evil12345"}});
  EXPECT_EQ(Body(admin)["error"]["field"], "kind");
  Response ok = Call("POST", "/api/v1/auth/register",
                     Registration({{"kind", "enterprise"},
                                   {"login", "ent_a"},
                                   {"display_name", "甲公司"},
                                   {"password", "Company2026"}},
                                  "13800000002", "91350100M000100Y43"));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Body(ok)["roles"][0]["code"], "enterprise_admin");
  ASSERT_EQ(LoginAs("ent_a", "Company2026").status, 200);
  EXPECT_EQ(Body(Call("GET", "/api/v1/me"))["uscc"], "91350100M000100Y43");
  Response changed =
      Call("POST", "/api/v1/auth/password", {{"old_password", "Company2026"}, {"new_password", "x"}});
  EXPECT_EQ(Body(changed)["error"]["field"], "new_password");
  EXPECT_EQ(Call("POST", "/api/v1/auth/password",
                 {{"old_password", "Company2026"}, {"new_password", "Company2027"}})
                .status,
            200);
}

// Issue 10 finding 4, through the API: a second account for a bound USCC, and what it could read.
TEST_P(AuthApiTest, RegisteringABoundUsccIsRefusedAndInvitationsJoinIt) {
  ASSERT_EQ(Call("POST", "/api/v1/auth/register",
                 Registration({{"kind", "enterprise"},
                               {"login", "ent_owner"},
                               {"display_name", "甲公司"},
                               {"password", "Company2026"}},
                              "13800000011", "91350100M000100Y43"))
                .status,
            201);
  client_->Forget();
  Response clone = Call("POST", "/api/v1/auth/register",
                        Registration({{"kind", "enterprise"},
                                      {"login", "evil_clone"},
                                      {"display_name", "冒名"},
                                      {"password", "Evil@Pass2026"}},
                                     "13800000012", "91350100M000100Y43"));
  EXPECT_EQ(clone.status, 409);
  EXPECT_EQ(Body(clone)["error"]["code"], "uscc_bound");
  EXPECT_EQ(clone.body.find("UNIQUE"), std::string::npos) << "no driver text";
  EXPECT_EQ(LoginAs("evil_clone", "Evil@Pass2026").status, 401);

  ASSERT_EQ(LoginAs("ent_owner", "Company2026").status, 200);
  Response inv =
      Call("POST", "/api/v1/me/enterprise/invitations", {{"role", "enterprise_preparer"}, {"note", "财务"}});
  ASSERT_EQ(inv.status, 201) << inv.body;
  std::string code = Body(inv)["code"];
  EXPECT_EQ(Body(Call("GET", "/api/v1/me/enterprise/invitations"))["items"][0].contains("code"), false)
      << "the code is shown once";
  client_->Forget();
  Response joined = Call("POST", "/api/v1/auth/register",
                         Registration({{"kind", "enterprise"},
                                       {"login", "ent_staff"},
                                       {"display_name", "小王"},
                                       {"password", "Staff@Pass2026"},
                                       {"invite_code", code}},
                                      "13800000013"));
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(Body(joined)["roles"][0]["code"], "enterprise_preparer");
  ASSERT_EQ(LoginAs("ent_staff", "Staff@Pass2026").status, 200);
  Response members = Call("GET", "/api/v1/me/enterprise/members");
  ASSERT_EQ(members.status, 200);
  EXPECT_EQ(Body(members)["items"].size(), 2u);
  EXPECT_EQ(Body(members)["items"][0]["phone"], "138****0011");
  EXPECT_EQ(Call("POST", "/api/v1/me/enterprise/invitations", {{"role", "enterprise_admin"}}).status, 403)
      << "a preparer cannot invite";
  ASSERT_EQ(LoginAs("admin", "Platform#2026").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me/enterprise/members").status, 403) << "not an enterprise account";
}

TEST_P(AuthApiTest, ALoginAfterFailuresCarriesANotice) {
  for (int i = 0; i < 3; ++i)
    Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Nope12345"}});
  Response r = LoginAs("admin", "Platform#2026");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["notice"]["failed_attempts"], 3);
  EXPECT_NE(Body(r)["notice"]["message"].get<std::string>().find("3 次登录失败"), std::string::npos);
}

TEST_P(AuthApiTest, PhoneCodeAnswersDoNotTellWhetherTheNumberHasAnAccount) {
  Response a = Call("POST", "/api/v1/auth/phone-code", {{"phone", "13800000021"}});
  ASSERT_EQ(a.status, 202);
  EXPECT_EQ(Body(a)["phone"], "138****0021");
  Response limited = Call("POST", "/api/v1/auth/phone-code", {{"phone", "13800000021"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(Body(Call("POST", "/api/v1/auth/phone-code", {{"phone", "12"}}))["error"]["field"], "phone");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthApiTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::http
