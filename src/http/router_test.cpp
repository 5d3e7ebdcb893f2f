#include "http/router.h"

#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

namespace huiqi::http {
namespace {

using nlohmann::json;

class FakeSessions : public auth::SessionResolver {
 public:
  core::Result<std::optional<auth::Principal>> Resolve(std::string_view token) override {
    if (token == "admin-token") return std::optional<auth::Principal>(admin);
    if (token == "staff-token") return std::optional<auth::Principal>(staff);
    return std::optional<auth::Principal>{};
  }
  auth::Principal admin{1, "admin", "管理员", auth::UserKind::kPlatformAdmin, {}, {}, {}, 10, "csrf-admin"};
  auth::Principal staff{2, "officer", "专员", auth::UserKind::kDepartmentStaff, 5, {auth::Role::kReviewer}, {}, 11, "csrf-staff"};
};

Request Make(std::string method, std::string path, std::string token = "", std::string csrf = "") {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  if (!token.empty()) r.headers["cookie"] = "theme=dark; huiqi_session=" + token;
  if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
  return r;
}

json Body(const Response& r) { return json::parse(r.body); }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/items/{id}", Access::Public(), [](Request& r) {
      return Response::Ok({{"id", r.path_params["id"]}});
    });
    router_.Add("POST", "/api/v1/admin/things", Access::Admin(), [](Request& r) {
      return Response::Created({{"by", r.User().login}});
    });
    router_.Add("POST", "/api/v1/policies/{id}/publish", Access::DepartmentRoles({auth::Role::kPolicyOfficer}),
                [](Request&) { return Response::Ok({}); });
    router_.Add("GET", "/api/v1/boom", Access::Public(), [](Request&) -> Response { throw std::runtime_error("boom"); });
  }
  FakeSessions sessions_;
  Router router_{&sessions_};
};

TEST_F(RouterTest, MatchesPathParameters) {
  auto req = Make("GET", "/api/v1/items/42");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["id"], "42");
}

TEST_F(RouterTest, LiteralSegmentsOutrankParameters) {
  router_.Add("GET", "/api/v1/items/featured", Access::Public(), [](Request&) { return Response::Ok({{"featured", true}}); });
  auto req = Make("GET", "/api/v1/items/featured");
  EXPECT_EQ(Body(router_.Dispatch(req))["featured"], true);
  auto other = Make("GET", "/api/v1/items/7");
  EXPECT_EQ(Body(router_.Dispatch(other))["id"], "7");
}

TEST_F(RouterTest, UnknownRouteAndWrongMethodUseTheErrorFormat) {
  auto unknown = Make("GET", "/api/v1/nothing");
  Response r = router_.Dispatch(unknown);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["error"]["code"], "not_found");
  EXPECT_TRUE(Body(r)["error"].contains("field"));
  auto wrong = Make("DELETE", "/api/v1/items/42");
  Response w = router_.Dispatch(wrong);
  EXPECT_EQ(w.status, 405);
  bool allow = false;
  for (auto& [k, v] : w.headers) allow |= k == "Allow" && v == "GET";
  EXPECT_TRUE(allow);
}

TEST_F(RouterTest, AnonymousIs401AndWrongKindOrRoleIs403) {
  auto anon = Make("POST", "/api/v1/admin/things");
  EXPECT_EQ(router_.Dispatch(anon).status, 401);
  auto staff = Make("POST", "/api/v1/admin/things", "staff-token", "csrf-staff");
  EXPECT_EQ(router_.Dispatch(staff).status, 403);
  auto reviewer = Make("POST", "/api/v1/policies/1/publish", "staff-token", "csrf-staff");
  Response r = router_.Dispatch(reviewer);
  EXPECT_EQ(r.status, 403);  // a reviewer is not a policy officer
  auto admin = Make("POST", "/api/v1/policies/1/publish", "admin-token", "csrf-admin");
  EXPECT_EQ(router_.Dispatch(admin).status, 200);
}

TEST_F(RouterTest, StateChangesNeedTheSessionsCsrfToken) {
  auto missing = Make("POST", "/api/v1/admin/things", "admin-token");
  Response r = router_.Dispatch(missing);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "csrf_failed");
  auto wrong = Make("POST", "/api/v1/admin/things", "admin-token", "csrf-staff");
  EXPECT_EQ(router_.Dispatch(wrong).status, 403);
  auto right = Make("POST", "/api/v1/admin/things", "admin-token", "csrf-admin");
  Response ok = router_.Dispatch(right);
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(Body(ok)["by"], "admin");
}

TEST_F(RouterTest, AHandlerExceptionBecomesA500InTheErrorFormat) {
  auto req = Make("GET", "/api/v1/boom");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r)["error"]["code"], "internal");
}

TEST(Request, ParsesJsonBodiesAndIds) {
  Request r;
  r.body = "{\"login\":";
  auto bad = r.JsonBody();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "body");
  r.body = "[1,2]";
  EXPECT_FALSE(r.JsonBody().ok());  // an object is required
  r.body = "{\"a\":1}";
  EXPECT_TRUE(r.JsonBody().ok());
  r.path_params["id"] = "12x";
  EXPECT_EQ(r.PathId("id").error().field, "id");
  r.path_params["id"] = "12";
  EXPECT_EQ(r.PathId("id").value(), 12);
}

}  // namespace
}  // namespace huiqi::http
