// The response cache alone (keys, tags, generations, bounds) and through the router as routes
// declare it: anonymous callers served from it with ETag and 304, logged-in callers never, errors
// never, a declared write invalidating it.
#include "http/response_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/router.h"

namespace huiqi::http {
namespace {

using nlohmann::json;

Response Body(std::string body) {
  Response r;
  r.body = std::move(body);
  r.SetHeader("Content-Type", "application/json");
  return r;
}

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(ResponseCache, EtagDependsOnlyOnTheBody) {
  EXPECT_EQ(StrongEtag("{\"a\":1}"), StrongEtag("{\"a\":1}"));
  EXPECT_NE(StrongEtag("{\"a\":1}"), StrongEtag("{\"a\":2}"));
  std::string tag = StrongEtag("x");
  ASSERT_GE(tag.size(), 3u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_NE(tag.substr(0, 3), "W/\"");  // strong
}

TEST(ResponseCache, IfNoneMatchListsWeakTagsAndStar) {
  std::string tag = StrongEtag("body");
  EXPECT_TRUE(EtagMatches(tag, tag));
  EXPECT_TRUE(EtagMatches("\"other\", " + tag, tag));
  EXPECT_TRUE(EtagMatches("W/" + tag, tag));
  EXPECT_TRUE(EtagMatches(" * ", tag));
  EXPECT_FALSE(EtagMatches("\"other\"", tag));
  EXPECT_FALSE(EtagMatches("", tag));
}

TEST(ResponseCache, KeysIgnoreParameterOrderButNotValues) {
  Request a, b, c, d;
  a.path = b.path = c.path = d.path = "/api/v1/policies";
  a.query = {{"page", "1"}, {"level", "city"}};
  b.query = {{"level", "city"}, {"page", "1"}};
  c.query = {{"page", "2"}, {"level", "city"}};
  // A value that spells out another parameter must not meet it.
  d.query = {{"level", "city3:page1:1"}};
  EXPECT_EQ(CacheKey(a), CacheKey(b));
  EXPECT_NE(CacheKey(a), CacheKey(c));
  EXPECT_NE(CacheKey(a), CacheKey(d));
}

TEST(ResponseCache, KeepsAnAnswerUntilInvalidated) {
  ResponseCache cache;
  EXPECT_EQ(cache.Find("k"), nullptr);
  auto stored = cache.Store("k", cache.generation(), Body("{\"v\":1}"));
  EXPECT_EQ(HeaderOf(stored->response, "ETag"), StrongEtag("{\"v\":1}"));
  EXPECT_EQ(HeaderOf(stored->response, "Cache-Control"), "public, max-age=0, must-revalidate");
  auto found = cache.Find("k");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->response.body, "{\"v\":1}");
  cache.Invalidate();
  EXPECT_EQ(cache.Find("k"), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(ResponseCache, RefusesAnAnswerComputedAcrossAnInvalidation) {
  ResponseCache cache;
  uint64_t before = cache.generation();
  cache.Invalidate();  // a publication lands while the handler reads the old rows
  auto sent = cache.Store("k", before, Body("old"));
  EXPECT_EQ(sent->response.body, "old");  // still answered
  EXPECT_EQ(cache.Find("k"), nullptr);    // but not kept
}

TEST(ResponseCache, NeverKeepsErrorsOrCookies) {
  ResponseCache cache;
  Response missing = Body("{}");
  missing.status = 404;
  auto sent = cache.Store("404", cache.generation(), missing);
  EXPECT_EQ(HeaderOf(sent->response, "ETag"), "");
  EXPECT_EQ(HeaderOf(sent->response, "Cache-Control"), "");
  EXPECT_EQ(cache.Find("404"), nullptr);
  Response login = Body("{}");
  login.SetHeader("Set-Cookie", "huiqi_session=secret");
  cache.Store("cookie", cache.generation(), login);
  EXPECT_EQ(cache.Find("cookie"), nullptr);
  // An unkept error is never turned into a 304, whatever the client sends.
  EXPECT_EQ(CachedResponse(*sent, "*").status, 404);
}

TEST(ResponseCache, AnswersOlderThanTheTtlAreMadeAgain) {
  ResponseCache cache({.ttl = std::chrono::seconds(-1)});
  cache.Store("k", cache.generation(), Body("x"));
  EXPECT_EQ(cache.Find("k"), nullptr);
}

TEST(ResponseCache, MemoryIsBoundedLeastRecentlyUsedFirst) {
  // 16 shards × 4 KB: a 3 KB body each, so every shard holds one answer.
  ResponseCache cache({.max_bytes = 16 * 4096});
  for (int i = 0; i < 200; ++i)
    cache.Store("k" + std::to_string(i), cache.generation(), Body(std::string(3000, 'x')));
  ResponseCacheStats s = cache.stats();
  EXPECT_LE(s.bytes, 16u * 4096u);
  EXPECT_LE(s.entries, 16u);
  EXPECT_GT(s.entries, 0u);
  EXPECT_NE(cache.Find("k199"), nullptr);  // the newest survives
  EXPECT_EQ(cache.Find("k0"), nullptr);
}

TEST(ResponseCache, MatchingIfNoneMatchGivesA304WithoutBody) {
  ResponseCache cache;
  auto a = cache.Store("k", cache.generation(), Body("{\"v\":1}"));
  Response same = CachedResponse(*a, a->etag);
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(HeaderOf(same, "ETag"), a->etag);
  EXPECT_EQ(HeaderOf(same, "Cache-Control"), "public, max-age=0, must-revalidate");
  Response other = CachedResponse(*a, "\"something-else\"");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, "{\"v\":1}");
}

TEST(ResponseCache, PublishedContentEntities) {
  for (const char* e : {"policy", "item", "tag", "policy_type", "department"}) {
    EXPECT_TRUE(ChangesPublishedContent(e)) << e;
  }
  for (const char* e : {"enterprise", "session", "user", "login", "attribute"}) {
    EXPECT_FALSE(ChangesPublishedContent(e)) << e;
  }
}

// --- through the router ----------------------------------------------------------------------

class Sessions : public auth::SessionResolver {
 public:
  core::Result<std::optional<auth::Principal>> Resolve(std::string_view token) override {
    if (token == "staff-token") return std::optional<auth::Principal>(staff);
    if (token == "ent-token") return std::optional<auth::Principal>(enterprise);
    return std::optional<auth::Principal>{};
  }
  auth::Principal staff{
      2,  "officer", "专员",      auth::UserKind::kDepartmentStaff, 5, {auth::Role::kPolicyOfficer},
      {}, 11,        "csrf-staff"};
  auth::Principal enterprise{3,  "ent",     "企业", auth::UserKind::kEnterprise, {}, {}, "91320412712345613X",
                             12, "csrf-ent"};
};

class CachedRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The "published" title, and what a department's own staff see (their draft).
    router_.Add(
        "GET", "/api/v1/items/{id}", Access::Public().On("item"), Caching::kPublished, [this](Request& r) {
          ++calls_;
          if (r.path_params["id"] == "404") return Response::FromError(core::NotFound("事项", "item"));
          std::string title =
              r.principal && r.principal->Is(auth::UserKind::kDepartmentStaff) ? draft_ : title_;
          return Response::Ok({{"id", r.path_params["id"]}, {"title", title}, {"page", r.Query("page")}});
        });
    router_.Add("POST", "/api/v1/items/{id}/publish", Access::LoggedIn().Owned("item"),
                Caching::kChangesPublished, [this](Request& r) {
                  if (r.path_params["id"] == "0") return Response::FromError(core::NotFound("事项", "item"));
                  title_ = draft_;
                  return Response::Ok({});
                });
    router_.Add("GET", "/api/v1/me/things", Access::LoggedIn(), [this](Request& r) {
      ++calls_;
      return Response::Ok({{"who", r.User().login}});
    });
  }

  Response Get(const std::string& path, const std::string& token = "",
               const std::string& if_none_match = "") {
    Request r;
    r.method = "GET";
    r.path = path;
    if (!token.empty()) r.headers["cookie"] = "huiqi_session=" + token;
    if (!if_none_match.empty()) r.headers["if-none-match"] = if_none_match;
    return router_.Dispatch(r);
  }
  Response Publish(const std::string& id) {
    Request r;
    r.method = "POST";
    r.path = "/api/v1/items/" + id + "/publish";
    r.headers["cookie"] = "huiqi_session=staff-token";
    r.headers["x-csrf-token"] = "csrf-staff";
    return router_.Dispatch(r);
  }

  Sessions sessions_;
  ResponseCache cache_;
  Router router_{&sessions_, RouterOptions{.cache = &cache_}};
  std::atomic<int> calls_{0};
  std::string title_ = "研发补助", draft_ = "研发补助（修订）";
};

TEST_F(CachedRouterTest, AnonymousReadsAreServedFromTheCacheWithAnEtag) {
  Response first = Get("/api/v1/items/1");
  Response second = Get("/api/v1/items/1");
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(HeaderOf(first, "X-Cache"), "miss");
  EXPECT_EQ(HeaderOf(second, "X-Cache"), "hit");
  EXPECT_EQ(HeaderOf(second, "ETag"), StrongEtag(second.body));
  EXPECT_EQ(HeaderOf(second, "Cache-Control"), "public, max-age=0, must-revalidate");
  Get("/api/v1/items/2");
  EXPECT_EQ(calls_, 2);  // another path is another answer
}

TEST_F(CachedRouterTest, IfNoneMatchIsAnswered304) {
  std::string etag = HeaderOf(Get("/api/v1/items/1"), "ETag");
  Response again = Get("/api/v1/items/1", "", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(HeaderOf(again, "ETag"), etag);
  EXPECT_EQ(Get("/api/v1/items/1", "", "\"stale\"").status, 200);
  // The first answer after a miss honours If-None-Match too.
  cache_.Invalidate();
  EXPECT_EQ(Get("/api/v1/items/1", "", etag).status, 304);
}

TEST_F(CachedRouterTest, APublishThroughThisNodeIsServedFreshAtOnce) {
  std::string before = Get("/api/v1/items/1").body;
  std::string etag = HeaderOf(Get("/api/v1/items/1"), "ETag");
  ASSERT_EQ(Publish("1").status, 200);
  Response after = Get("/api/v1/items/1", "", etag);
  EXPECT_EQ(after.status, 200);  // the old tag no longer matches
  EXPECT_NE(after.body, before);
  EXPECT_EQ(json::parse(after.body)["title"], draft_);
}

TEST_F(CachedRouterTest, AFailedWriteKeepsTheCache) {
  Get("/api/v1/items/1");
  ASSERT_EQ(Publish("0").status, 404);
  EXPECT_EQ(HeaderOf(Get("/api/v1/items/1"), "X-Cache"), "hit");
}

TEST_F(CachedRouterTest, LoggedInCallersAreNeverServedOrStoredInTheCache) {
  Get("/api/v1/items/1");  // the public answer is cached
  Response staff = Get("/api/v1/items/1", "staff-token");
  EXPECT_EQ(json::parse(staff.body)["title"], draft_);  // not the public copy
  EXPECT_EQ(HeaderOf(staff, "Cache-Control"), "private, no-cache");
  EXPECT_EQ(HeaderOf(staff, "ETag"), "");
  EXPECT_EQ(HeaderOf(staff, "X-Cache"), "");
  // And what staff saw did not become the public answer.
  cache_.Invalidate();
  Get("/api/v1/items/1", "staff-token");
  EXPECT_EQ(json::parse(Get("/api/v1/items/1").body)["title"], title_);
  Response ent = Get("/api/v1/items/1", "ent-token");
  EXPECT_EQ(HeaderOf(ent, "X-Cache"), "");
  int before = calls_;
  Get("/api/v1/me/things", "ent-token");
  Get("/api/v1/me/things", "ent-token");
  EXPECT_EQ(calls_, before + 2);  // personal routes run every time
  EXPECT_EQ(cache_.stats().entries, 1u);
}

TEST_F(CachedRouterTest, ErrorsAreNotCached) {
  EXPECT_EQ(Get("/api/v1/items/404").status, 404);
  EXPECT_EQ(Get("/api/v1/items/404").status, 404);
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(cache_.stats().entries, 0u);
}

TEST_F(CachedRouterTest, ConcurrentReadersAndInvalidationsAgree) {
  // Readers race invalidations (run under TSan this finds unguarded state): every answer is
  // whole, and once the last invalidation is done a change is served.
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        Response r = Get("/api/v1/items/1");
        if (r.status != 200 || !json::parse(r.body).contains("title")) ++bad;
      }
    });
  }
  for (int i = 0; i < 200; ++i) cache_.Invalidate();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  cache_.Invalidate();
  title_ = "新标题";
  EXPECT_EQ(json::parse(Get("/api/v1/items/1").body)["title"], "新标题");
}

}  // namespace
}  // namespace huiqi::http
