#include "state/machine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/test_db.h"

namespace huiqi::state {
namespace {

using core::ErrorKind;

constexpr store::Statement kCreate{
    "test.create_widgets", "CREATE TABLE widgets (id INTEGER PRIMARY KEY, status TEXT NOT NULL, note TEXT)"};
constexpr store::Statement kInsert{"test.insert_widget",
                                   "INSERT INTO widgets (id, status, note) VALUES (?, 'pending', '')"};
constexpr store::Statement kCurrent{"test.widget_status", "SELECT status FROM widgets WHERE id = ?"};
constexpr store::Statement kApprove{
    "test.approve", "UPDATE widgets SET status = 'approved', note = ? WHERE id = ? AND status = ?"};
constexpr store::Statement kUnguarded{"test.unguarded",
                                      "UPDATE widgets SET status = 'approved', note = ? WHERE id = ?"};

const Machine& Widgets() {
  static const Machine m(
      "widget", "申请", {{"pending", "待审核"}, {"approved", "已通过"}, {"refused", "未通过"}},
      {{"approve", "通过", {"pending"}, "approved"}, {"refuse", "不予通过", {"pending"}, "refused"}},
      kCurrent);
  return m;
}

class MachineTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    ASSERT_TRUE(db_->Write([](store::Session& s) -> core::Status {
                     HQ_RETURN_IF_ERROR(s.Exec(kCreate));
                     return core::Ok();
                   })
                    .ok());
  }
  void Insert(int64_t id) {
    ASSERT_TRUE(db_->Write([&](store::Session& s) -> core::Status {
                     HQ_RETURN_IF_ERROR(s.Exec(kInsert, {id}));
                     return core::Ok();
                   })
                    .ok());
  }
  std::string StatusOf(int64_t id) {
    return db_
        ->ReadValue<std::string>([&](store::Session& s) -> core::Result<std::string> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCurrent, {id}, "", ""));
          return r.Text("status");
        })
        .value();
  }
  //! Reads the state, then applies `action` from it — what every lifecycle method does.
  core::Status Act(int64_t id, std::string_view action, const std::string& note) {
    return db_->Write([&](store::Session& s) -> core::Status {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCurrent, {id}, "申请", "widget"));
      return Widgets().Apply(s, action, id, r.Text("status"), kApprove, {note});
    });
  }
  std::unique_ptr<store::Database> db_;
};

TEST_P(MachineTest, AnAllowedTransitionIsAppliedOnce) {
  Insert(1);
  ASSERT_TRUE(Act(1, "approve", "ok").ok());
  EXPECT_EQ(StatusOf(1), "approved");
  auto again = Act(1, "approve", "again");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kFailedPrecondition);
  EXPECT_EQ(again.error().code, "illegal_transition");
  EXPECT_EQ(again.error().message, "申请当前状态为“已通过”，不能通过");
}

TEST_P(MachineTest, AStaleReadIsAConflictNamingTheCurrentState) {
  Insert(1);
  // Read "pending", then someone else approves, then this writer applies from what it read.
  auto st = db_->Write([&](store::Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(s.Exec(kApprove, {std::string("other"), int64_t{1}, std::string("pending")}));
    return Widgets().Apply(s, "approve", 1, "pending", kApprove, {std::string("late")});
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(st.error().code, "state_conflict");
  EXPECT_NE(st.error().message.find("已通过"), std::string::npos) << st.error().message;
  EXPECT_EQ(StatusOf(1), "pending") << "the failed transaction rolled back as a whole";
  auto gone = db_->Write([&](store::Session& s) {
    return Widgets().Apply(s, "approve", 99, "pending", kApprove, {std::string("x")});
  });
  EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
}

TEST_P(MachineTest, AnUnguardedStatementIsRefused) {
  Insert(1);
  auto st = db_->Write([&](store::Session& s) {
    return Widgets().Apply(s, "approve", 1, "pending", kUnguarded, {std::string("x")});
  });
  EXPECT_EQ(st.error().kind, ErrorKind::kInternal);
  EXPECT_EQ(StatusOf(1), "pending");
  EXPECT_EQ(Widgets().Check("fly", "pending").error().kind, ErrorKind::kInternal);
}

// Two reviewers approve the same record at the same moment from two connections: exactly one
// wins, every time. Both read "pending" before either writes (a barrier on PostgreSQL; SQLite
// serialises write transactions at BEGIN, so there the second reads the first's result).
TEST_P(MachineTest, ConcurrentTransitionsOfOneRecordHaveExactlyOneWinner) {
  constexpr int kRounds = 40;
  int both_read = 0;
  for (int round = 1; round <= kRounds; ++round) {
    Insert(round);
    std::mutex mu;
    std::condition_variable cv;
    int arrived = 0;
    std::atomic<int> wins{0}, conflicts{0}, illegal{0};
    auto reviewer = [&](std::string note) {
      auto st = db_->Write([&](store::Session& s) -> core::Status {
        HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCurrent, {int64_t{round}}, "", ""));
        std::string seen = r.Text("status");
        {
          std::unique_lock lock(mu);
          ++arrived;
          cv.notify_all();
          cv.wait_for(lock, std::chrono::milliseconds(GetParam() == store::Kind::kPostgres ? 2000 : 50),
                      [&] { return arrived >= 2; });
        }
        return Widgets().Apply(s, "approve", round, seen, kApprove, {note});
      });
      if (st.ok())
        ++wins;
      else if (st.error().kind == ErrorKind::kConflict)
        ++conflicts;
      else if (st.error().code == "illegal_transition")
        ++illegal;
    };
    std::thread a(reviewer, "A"), b(reviewer, "B");
    a.join();
    b.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load() + illegal.load(), 1) << "round " << round;
    both_read += conflicts.load();
  }
  if (GetParam() == store::Kind::kPostgres) {
    EXPECT_EQ(both_read, kRounds) << "on PostgreSQL both always read 'pending': the guard, not luck, decided";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MachineTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

TEST(Machine, DiagramListsEveryEdge) {
  EXPECT_EQ(Widgets().Diagram(),
            "stateDiagram-v2\n  pending --> approved : 通过\n  pending --> refused : 不予通过\n");
}

}  // namespace
}  // namespace huiqi::state
