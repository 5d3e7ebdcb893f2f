#include "audit/change_follower.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "store/migrations.h"
#include "support/test_db.h"

namespace huiqi::audit {
namespace {

class ChangeFollowerTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshEmptyDatabase(GetParam(), &url_);
    ASSERT_TRUE(store::Migrate(*db_).ok());
  }
  void Write(std::string_view entity, const std::string& id, store::Database* db = nullptr) {
    ASSERT_TRUE(
        (db ? *db : *db_)
            .Write([&](store::Session& s) {
              return Record(s, clock_, {std::nullopt, "test"}, "x.change", entity, id, nullptr, {{"id", id}});
            })
            .ok());
  }
  std::unique_ptr<store::Database> db_;
  std::string url_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 12, 1))};
};

TEST(Entity, CodesRoundTrip) {
  EXPECT_EQ(EntityCode(Entity::kCorrection), "enterprise_correction");
  EXPECT_EQ(EntityOf("policy"), Entity::kPolicy);
  EXPECT_EQ(EntityOf("nonsense"), Entity::kOther);
}

TEST_P(ChangeFollowerTest, EachSubscriberGetsItsEntitiesAfterItsOwnPosition) {
  Write("policy", "1");  // change 1: before the item subscriber's position
  Write("item", "7");
  Write("enterprise", "3");
  ChangeFollower f(*db_);
  std::vector<std::string> policies, items;
  int64_t items_through = 0;
  f.Subscribe("policies", {Entity::kPolicy}, 0, [&](const std::vector<Change>& rows, int64_t) {
    for (const auto& c : rows) policies.push_back(c.entity_id);
    return core::Ok();
  });
  f.Subscribe("items", {Entity::kItem, Entity::kEnterprise}, 1,
              [&](const std::vector<Change>& rows, int64_t through) {
                for (const auto& c : rows) items.push_back(c.entity + ":" + c.entity_id);
                items_through = through;
                return core::Ok();
              });
  ASSERT_TRUE(f.CatchUp().ok());
  EXPECT_EQ(policies, std::vector<std::string>{"1"});
  EXPECT_EQ(items, (std::vector<std::string>{"item:7", "enterprise:3"}));
  EXPECT_EQ(items_through, 3);
  EXPECT_EQ(f.Position("policies"), 3) << "a subscriber moves past rows of other entities too";
  ASSERT_TRUE(f.CatchUp().ok());
  EXPECT_EQ(policies.size(), 1u) << "nothing is delivered twice when nothing is held back";
}

TEST_P(ChangeFollowerTest, AFailedHandlerGetsTheSameRowsAgain) {
  Write("item", "1");
  ChangeFollower f(*db_);
  int calls = 0;
  f.Subscribe("flaky", {}, 0, [&](const std::vector<Change>& rows, int64_t) -> core::Status {
    ++calls;
    EXPECT_EQ(rows.size(), 1u);
    if (calls == 1) return core::Internal("first time fails");
    return core::Ok();
  });
  ASSERT_TRUE(f.CatchUp().ok());
  EXPECT_EQ(f.Position("flaky"), 0);
  ASSERT_TRUE(f.CatchUp().ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(f.Position("flaky"), 1);
}

// A change written through another node (another connection pool, as another server process
// would have) reaches a running follower: by NOTIFY on PostgreSQL — well before the fallback
// poll — and by polling on SQLite.
TEST_P(ChangeFollowerTest, AChangeThroughAnotherNodeArrivesInTheBackground) {
  auto other = store::Database::Open(url_);
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  FollowerOptions o;
  o.poll = std::chrono::milliseconds(100);
  o.listen_poll = std::chrono::milliseconds(5000);
  ChangeFollower f(*db_, o);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> seen;
  f.Subscribe("enterprises", {Entity::kEnterprise}, 0, [&](const std::vector<Change>& rows, int64_t) {
    std::lock_guard lock(mu);
    for (const auto& c : rows) seen.push_back(c.entity_id);
    cv.notify_all();
    return core::Ok();
  });
  f.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the follower is listening
  auto t0 = std::chrono::steady_clock::now();
  Write("enterprise", "42", other->get());
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return !seen.empty(); }));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(seen, std::vector<std::string>{"42"});
  EXPECT_LT(waited, std::chrono::milliseconds(1500)) << "NOTIFY (PostgreSQL) or the 100 ms poll (SQLite)";
  lock.unlock();
  f.Stop();
}

INSTANTIATE_TEST_SUITE_P(Backends, ChangeFollowerTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::audit
