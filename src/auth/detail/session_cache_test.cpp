#include "auth/detail/session_cache.h"

#include <gtest/gtest.h>

#include "core/date.h"

namespace huiqi::auth::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Principal Session(int64_t user, int64_t session) {
  Principal p;
  p.user_id = user;
  p.session_id = session;
  p.login = "u" + std::to_string(user);
  return p;
}

class SessionCacheTest : public ::testing::Test {
 protected:
  void Put(const std::string& hash, int64_t user, int64_t session, int64_t expires_in_s = 3600) {
    cache_.Put(hash, Session(user, session), core::UnixSeconds(t0_) + expires_in_s, t0_, cache_.generation());
  }
  bool Has(const std::string& hash, milliseconds after = milliseconds(0)) {
    return cache_.Find(hash, t0_ + after).has_value();
  }
  core::TimePoint t0_ = core::FromUnixSeconds(1'800'000'000);
  SessionCache cache_{milliseconds(2000)};
};

TEST_F(SessionCacheTest, KeepsASessionForTheCacheTime) {
  Put("a", 1, 10);
  EXPECT_TRUE(Has("a", milliseconds(1999)));
  EXPECT_EQ(cache_.Find("a", t0_)->session_id, 10);
  EXPECT_FALSE(Has("a", milliseconds(2000)));
  EXPECT_FALSE(Has("b"));
}

TEST_F(SessionCacheTest, NeverPastTheSessionsOwnEnd) {
  Put("a", 1, 10, /*expires_in_s=*/1);
  EXPECT_TRUE(Has("a", milliseconds(999)));
  EXPECT_FALSE(Has("a", milliseconds(1000)));
}

TEST_F(SessionCacheTest, ForgetsOneSessionOrEveryOneOfAUser) {
  Put("a", 1, 10);
  Put("b", 1, 11);
  Put("c", 2, 12);
  cache_.ForgetSession(10);
  EXPECT_FALSE(Has("a"));
  EXPECT_TRUE(Has("b"));
  cache_.ForgetUser(1);
  EXPECT_FALSE(Has("b"));
  EXPECT_TRUE(Has("c"));
}

TEST_F(SessionCacheTest, AReadFromBeforeALogoutIsNotKept) {
  uint64_t before = cache_.generation();  // a request reads the session row…
  cache_.ForgetSession(10);               // …while the logout commits and forgets
  cache_.Put("a", Session(1, 10), core::UnixSeconds(t0_) + 3600, t0_, before);
  EXPECT_FALSE(Has("a"));
}

TEST_F(SessionCacheTest, ZeroKeepsNothingAndCapacityIsBounded) {
  SessionCache off(milliseconds(0));
  off.Put("a", Session(1, 10), core::UnixSeconds(t0_) + 3600, t0_, off.generation());
  EXPECT_FALSE(off.Find("a", t0_).has_value());
  SessionCache small(milliseconds(2000), 3);
  for (int i = 0; i < 10; ++i) {
    small.Put("k" + std::to_string(i), Session(i, i), core::UnixSeconds(t0_) + 3600, t0_, small.generation());
  }
  EXPECT_LE(small.size(), 3u);
  EXPECT_TRUE(small.Find("k9", t0_).has_value());
}

}  // namespace
}  // namespace huiqi::auth::detail
