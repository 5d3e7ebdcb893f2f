#include "http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
  auth::Principal staff{
      2,  "officer", "专员",      auth::UserKind::kDepartmentStaff, 5, {auth::Role::kReviewer},
      {}, 11,        "csrf-staff"};
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
    router_.Add("GET", "/api/v1/items/{id}", Access::Public().On("item"), [](Request& r) {
      return Response::Ok({{"id", r.path_params["id"]}});
    });
    router_.Add("POST", "/api/v1/admin/things", Access::Admin(), [](Request& r) {
      return Response::Created({{"by", r.User().login}});
    });
    router_.Add("POST", "/api/v1/policies/{id}/publish",
                Access::DepartmentRoles({auth::Role::kPolicyOfficer}).Owned("policy"),
                [](Request&) { return Response::Ok({}); });
    router_.Add("GET", "/api/v1/boom", Access::Public(),
                [](Request&) -> Response { throw std::runtime_error("boom"); });
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
  router_.Add("GET", "/api/v1/items/featured", Access::Public(), [](Request&) {
    return Response::Ok({{"featured", true}});
  });
  auto req = Make("GET", "/api/v1/items/featured");
  EXPECT_EQ(Body(router_.Dispatch(req))["featured"], true);
  auto other = Make("GET", "/api/v1/items/7");
  EXPECT_EQ(Body(router_.Dispatch(other))["id"], "7");
}

TEST_F(RouterTest, AParameterisedRouteMustDeclareWhatItNames) {
  // The route × role matrix (tests/matrix) needs to know which object to call a route with.
  EXPECT_THROW(router_.Add("GET", "/api/v1/things/{id}", Access::LoggedIn(),
                           [](Request&) { return Response::Ok({}); }),
               std::logic_error);
  auto routes = router_.Routes();
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0].pattern, "/api/v1/items/{id}");
  EXPECT_EQ(routes[0].access.object, "item");
  EXPECT_FALSE(routes[0].access.owned);
  EXPECT_EQ(routes[2].method, "POST");
  EXPECT_EQ(routes[2].access.object, "policy");
  EXPECT_TRUE(routes[2].access.owned);
  EXPECT_TRUE(routes[2].access.login_required);
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
  req.request_id = "req-7";
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r)["error"]["code"], "internal");
  // What failed stays in the log: the body is generic and names the request.
  EXPECT_EQ(r.body.find("boom"), std::string::npos) << r.body;
  EXPECT_EQ(Body(r)["error"]["request_id"], "req-7");
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("req-7"), std::string::npos);
}

TEST_F(RouterTest, AWrongTypedBodyMemberIsA400NotA500) {
  router_.Add("POST", "/api/v1/typed", Access::Public(), [](Request& r) {
    auto body = r.JsonBody();
    return Response::Ok({{"n", body->value("name", std::string())}});  // throws for {"name": {}}
  });
  auto req = Make("POST", "/api/v1/typed");
  req.headers["content-type"] = "application/json";
  req.body = R"({"name":{"a":1}})";
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["code"], "invalid_type");
  EXPECT_EQ(r.body.find("json.exception"), std::string::npos) << r.body;
}

TEST(Request, JsonBodiesNeedTheJsonContentType) {
  Request r;
  r.body = "{\"login\":\"a\"}";
  EXPECT_EQ(r.JsonBody().error().kind, core::ErrorKind::kUnsupportedMedia);
  r.headers["content-type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(StatusFor(r.JsonBody().error().kind), 415);
  r.headers["content-type"] = "text/plain";  // a CORS "simple" type: a cross-site form could send it
  EXPECT_FALSE(r.JsonBody().ok());
  r.headers["content-type"] = "Application/JSON";
  EXPECT_TRUE(r.JsonBody().ok());
}

TEST(Request, DeeplyNestedBodiesAreRefusedBeforeParsing) {
  Request r;
  r.headers["content-type"] = "application/json";
  r.body = "{\"value\":" + std::string(70000, '[') + std::string(70000, ']') + "}";
  auto e = r.JsonBody();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "json_too_deep");
  EXPECT_NE(e.error().message.find(std::to_string(kMaxJsonDepth)), std::string::npos);
  r.body = "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(r.JsonBody().ok()) << "the limit itself is allowed";
  // Brackets inside strings are text, not nesting.
  r.body = "{\"a\":\"" + std::string(1000, '[') + "\\\"\"}";
  EXPECT_TRUE(r.JsonBody().ok());
  EXPECT_EQ(JsonNestingDepth(r.body), 1u);
}

TEST(ClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  std::vector<std::string> trusted = {"127.0.0.1", "10.0.0.0/8", "fd00::/8"};
  EXPECT_EQ(ClientAddress("203.0.113.9", "1.2.3.4", trusted), "203.0.113.9")
      << "an untrusted peer's header is ignored";
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.7", trusted), "198.51.100.7");
  // The client may prepend anything; the right-most untrusted hop is the one our proxy saw.
  EXPECT_EQ(ClientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", trusted), "198.51.100.7");
  EXPECT_EQ(ClientAddress("10.9.9.9", "", trusted), "10.9.9.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "garbage", trusted), "127.0.0.1");
  EXPECT_EQ(ClientAddress("fd00::1", "2001:db8::5", trusted), "2001:db8::5");
  EXPECT_EQ(ClientAddress("11.0.0.1", "1.2.3.4", trusted), "11.0.0.1") << "outside 10.0.0.0/8";
  EXPECT_EQ(ClientAddress("127.0.0.1", "1.2.3.4", {}), "127.0.0.1");
}

TEST(Request, ParsesJsonBodiesAndIds) {
  Request r;
  r.headers["content-type"] = "application/json; charset=utf-8";
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
