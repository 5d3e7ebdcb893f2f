#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.h"
#include "support/test_db.h"

namespace huiqi::schedule {
namespace {

constexpr store::Statement kCreate{"test.create_effects",
                                   "CREATE TABLE job_effects (job_id BIGINT NOT NULL, note TEXT)"};
constexpr store::Statement kEffect{"test.effect", "INSERT INTO job_effects (job_id, note) VALUES (?, ?)"};
constexpr store::Statement kEffects{"test.effects",
                                    "SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d FROM job_effects"};
constexpr store::Statement kStatus{"test.job_status", "SELECT status, attempts FROM jobs WHERE job_key = ?"};

class SchedulerTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshEmptyDatabase(GetParam(), &url_);
    ASSERT_TRUE(store::Migrate(*db_).ok());
    ASSERT_TRUE(db_->Write([](store::Session& s) -> core::Status {
                     HQ_RETURN_IF_ERROR(s.Exec(kCreate));
                     return core::Ok();
                   })
                    .ok());
  }
  bool Add(const std::string& key, int64_t due, const std::string& kind = "effect") {
    return db_
        ->WriteValue<bool>([&](store::Session& s) { return Scheduler::Schedule(s, clock_, kind, key, due); })
        .value();
  }
  std::pair<int64_t, int64_t> Effects() {
    return db_
        ->ReadValue<std::pair<int64_t, int64_t>>(
            [](store::Session& s) -> core::Result<std::pair<int64_t, int64_t>> {
              HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kEffects, {}, "", ""));
              return std::pair{r.Int("n"), r.Int("d")};
            })
        .value();
  }
  std::string StatusOf(const std::string& key) {
    return db_
        ->ReadValue<std::string>([&](store::Session& s) -> core::Result<std::string> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kStatus, {key}, "", ""));
          return r.Text("status");
        })
        .value();
  }
  static Scheduler::Handler Effect() {
    return [](store::Session& tx, const Job& job) -> core::Result<std::optional<int64_t>> {
      HQ_RETURN_IF_ERROR(tx.Exec(kEffect, {job.id, job.key}));
      return std::optional<int64_t>{};
    };
  }
  int64_t Now() { return core::UnixSeconds(clock_.Now()); }

  std::unique_ptr<store::Database> db_;
  std::string url_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 12, 2))};
};

TEST_P(SchedulerTest, DueJobsRunOnceAndLaterOnesWait) {
  EXPECT_TRUE(Add("a", Now() - 10));
  EXPECT_FALSE(Add("a", Now() - 10)) << "the same key is one job";
  EXPECT_TRUE(Add("b", Now() + 3600));
  Scheduler s(*db_, clock_);
  s.Register("effect", Effect());
  auto r = s.RunDue().value();
  EXPECT_EQ(r.claimed, 1);
  EXPECT_EQ(r.done, 1);
  EXPECT_EQ(StatusOf("a"), "done");
  EXPECT_EQ(StatusOf("b"), "pending");
  EXPECT_EQ(s.RunDue()->claimed, 0);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(s.RunDue()->done, 1);
  EXPECT_EQ(Effects().first, 2);
}

TEST_P(SchedulerTest, AFailingHandlerRollsBackItsEffectsAndIsRetriedThenFailed) {
  Add("flaky", Now());
  SchedulerOptions o;
  o.max_attempts = 2;
  Scheduler s(*db_, clock_, o);
  s.Register("effect", [](store::Session& tx, const Job& job) -> core::Result<std::optional<int64_t>> {
    HQ_RETURN_IF_ERROR(tx.Exec(kEffect, {job.id, std::string("half")}));
    return core::Internal("boom after a write");
  });
  EXPECT_EQ(s.RunDue()->retried, 1);
  EXPECT_EQ(Effects().first, 0) << "the effect rolled back with the failure";
  EXPECT_EQ(StatusOf("flaky"), "pending");
  EXPECT_EQ(s.RunDue()->claimed, 0) << "retried after retry_after, not at once";
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(s.RunDue()->failed, 1);
  EXPECT_EQ(StatusOf("flaky"), "failed");
}

TEST_P(SchedulerTest, ARecurringJobComesBackAndACancelledOneDoesNot) {
  Add("daily", Now(), "sweep");
  Add("deadline", Now() + 60);
  Scheduler s(*db_, clock_);
  int runs = 0;
  s.Register("sweep", [&](store::Session&, const Job& job) -> core::Result<std::optional<int64_t>> {
    ++runs;
    return std::optional<int64_t>{job.due_at + 86400};
  });
  s.Register("effect", Effect());
  EXPECT_EQ(s.RunDue()->rescheduled, 1);
  EXPECT_EQ(StatusOf("daily"), "pending");
  ASSERT_TRUE(
      db_->WriteValue<bool>([](store::Session& tx) { return Scheduler::Cancel(tx, "deadline"); }).value());
  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(s.RunDue()->rescheduled, 1);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Effects().first, 0);
}

TEST_P(SchedulerTest, AJobOfACrashedNodeIsTakenOverAfterItsLease) {
  Add("orphan", Now());
  ASSERT_TRUE(db_->Write([](store::Session& s) -> core::Status {
                   HQ_RETURN_IF_ERROR(s.Exec({"test.orphan",
                                              "UPDATE jobs SET status = 'running', claim_token = 'gone', "
                                              "claimed_until = 0, attempts = 1"}));
                   return core::Ok();
                 })
                  .ok());
  Scheduler s(*db_, clock_);
  s.Register("effect", Effect());
  EXPECT_EQ(s.RunDue()->done, 1);
  EXPECT_EQ(Effects(), (std::pair<int64_t, int64_t>{1, 1}));
}

// Several nodes — here three schedulers, each with its own connection pool as a separate
// process would have — drain one job table: every job's effect is written exactly once.
TEST_P(SchedulerTest, NodesSharingOneDatabaseRunEachJobExactlyOnce) {
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i) Add("job-" + std::to_string(i), Now() - i);
  std::vector<std::unique_ptr<store::Database>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(std::move(store::Database::Open(url_).value()));
  SchedulerOptions o;
  o.batch = 7;
  std::vector<std::thread> threads;
  std::atomic<int> done{0};
  for (auto& node : nodes) {
    threads.emplace_back([&, db = node.get()] {
      Scheduler s(*db, clock_, o);
      s.Register("effect", Effect());
      for (int round = 0; round < 40; ++round) {
        auto r = s.RunDue();
        if (r.ok()) done += r->done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kJobs);
  EXPECT_EQ(Effects(), (std::pair<int64_t, int64_t>{kJobs, kJobs}));
}

TEST_P(SchedulerTest, TheLoopRunsTicksAndJobsUntilStopped) {
  Add("soon", Now());
  SchedulerOptions o;
  o.tick = std::chrono::milliseconds(50);
  Scheduler s(*db_, clock_, o);
  s.Register("effect", Effect());
  std::atomic<int> ticks{0};
  s.AddTick("count", std::chrono::milliseconds(20), [&] { ++ticks; });
  s.Start();
  for (int i = 0; i < 100 && (Effects().first == 0 || ticks < 3); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  s.Stop();
  EXPECT_EQ(Effects().first, 1);
  EXPECT_GE(ticks.load(), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::schedule
