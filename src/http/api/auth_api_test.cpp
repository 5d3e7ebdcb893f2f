// The auth API through the real router, AuthService and database, on both backends.
#include "http/api/auth_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/api/test_client.h"
#include "support/test_db.h"

namespace huiqi::http {
namespace {

using nlohmann::json;

class AuthApiTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    auth_ = std::make_unique<auth::AuthService>(*db_, clock_);
    router_ = std::make_unique<Router>(auth_.get());
    RegisterAuthApi(*router_, *auth_, *db_);
    client_ = std::make_unique<TestClient>(*router_);
    auth::Department d;
    d.code = "CZ-KJJ";
    d.name = "常州市科学技术局";
    ASSERT_TRUE(auth_->CreateDepartment(nullptr, d).ok());
    auth::NewUser admin;
    admin.kind = auth::UserKind::kPlatformAdmin;
    admin.login = "admin";
    admin.display_name = "平台管理员";
    admin.password = "Admin2026";
    ASSERT_TRUE(auth_->CreateUser(nullptr, admin).ok());
  }

  Response Call(const std::string& method, const std::string& target, const json& body = nullptr) {
    return client_->Call(method, target, body);
  }
  static json Body(const Response& r) { return TestClient::Body(r); }
  static std::string Header(const Response& r, const std::string& name) { return TestClient::Header(r, name); }
  Response LoginAs(const std::string& login, const std::string& password) { return client_->Login(login, password); }

  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22))};
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<TestClient> client_;
};

TEST_P(AuthApiTest, LoginSetsAnHttpOnlyCookieAndMeShowsLabels) {
  Response r = LoginAs("admin", "Admin2026");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = Header(r, "Set-Cookie");
  EXPECT_EQ(cookie.rfind("huiqi_session=", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
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
  for (int i = 0; i < 4; ++i) Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Nope12345"}});
  Response limited = Call("POST", "/api/v1/auth/login", {{"login", "admin"}, {"password", "Admin2026"}});
  EXPECT_EQ(limited.status, 429);
  Response missing = Call("POST", "/api/v1/auth/login", {{"login", "admin"}});
  EXPECT_EQ(Body(missing)["error"]["field"], "password");
}

TEST_P(AuthApiTest, AdminAllocatesDepartmentAccountsAndStaffSeeTheirDepartment) {
  ASSERT_EQ(LoginAs("admin", "Admin2026").status, 200);
  Response no_csrf = [&] {
    std::string keep = client_->csrf();
    client_->csrf().clear();
    Response r = Call("POST", "/api/v1/admin/departments", {{"code", "CZ-SWJ"}, {"name", "商务局"}, {"level", "municipal"}});
    client_->csrf() = keep;
    return r;
  }();
  EXPECT_EQ(no_csrf.status, 403);
  Response dept = Call("POST", "/api/v1/admin/departments",
                       {{"code", "CZ-SWJ"}, {"name", "常州市商务局"}, {"level", "municipal"}});
  ASSERT_EQ(dept.status, 201) << dept.body;
  EXPECT_EQ(Body(dept)["level_label"], "市级");
  EXPECT_EQ(Body(Call("POST", "/api/v1/admin/departments", {{"code", "X"}, {"name", "X"}, {"level", "galactic"}}))
                ["error"]["field"],
            "level");
  Response user = Call("POST", "/api/v1/admin/users",
                       {{"kind", "department_staff"}, {"login", "swj_1"}, {"display_name", "王五"},
                        {"password", "Officer2026"}, {"department", "CZ-SWJ"}, {"roles", {"reviewer"}}});
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
                      {{"kind", "enterprise"}, {"login", "ent_a"}, {"display_name", "甲公司"},
                       {"password", "Company2026"}, {"uscc", "91350100M000100Y44"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "uscc");
  Response admin = Call("POST", "/api/v1/auth/register",
                        {{"kind", "platform_admin"}, {"login", "evil"}, {"display_name", "x"}, {"password", "Evil12345"}});
  EXPECT_EQ(Body(admin)["error"]["field"], "kind");
  Response ok = Call("POST", "/api/v1/auth/register",
                     {{"kind", "enterprise"}, {"login", "ent_a"}, {"display_name", "甲公司"},
                      {"password", "Company2026"}, {"uscc", "91350100M000100Y43"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  ASSERT_EQ(LoginAs("ent_a", "Company2026").status, 200);
  EXPECT_EQ(Body(Call("GET", "/api/v1/me"))["uscc"], "91350100M000100Y43");
  Response changed = Call("POST", "/api/v1/auth/password", {{"old_password", "Company2026"}, {"new_password", "x"}});
  EXPECT_EQ(Body(changed)["error"]["field"], "new_password");
  EXPECT_EQ(Call("POST", "/api/v1/auth/password", {{"old_password", "Company2026"}, {"new_password", "Company2027"}})
                .status,
            200);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthApiTest, ::testing::ValuesIn(testing::Backends()), testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::http
