#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "secrets/keys.h"
#include "support/test_db.h"

namespace huiqi::audit {
namespace {

constexpr store::Statement kTamper{"test.tamper",
                                   "UPDATE audit_log SET after_json = '{\"name\":\"改过\"}' WHERE id = 2"};
constexpr store::Statement kDeleteMiddle{"test.delete_middle", "DELETE FROM audit_log WHERE id = 2"};
constexpr store::Statement kDeleteLast{"test.delete_last", "DELETE FROM audit_log WHERE id = 3"};
// Rows 1 and 2 trade places: each keeps its own hash, but the chain order no longer holds.
constexpr store::Statement kSwap1{"test.swap1", "UPDATE audit_log SET id = 100 WHERE id = 1"};
constexpr store::Statement kSwap2{"test.swap2", "UPDATE audit_log SET id = 1 WHERE id = 2"};
constexpr store::Statement kSwap3{"test.swap3", "UPDATE audit_log SET id = 2 WHERE id = 100"};
constexpr store::Statement kChanges{"test.changes", "SELECT COUNT(*) AS n FROM change_log"};
constexpr store::Statement kAudits{"test.audits", "SELECT COUNT(*) AS n FROM audit_log"};

class AuditLogTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(db_->Write([&](store::Session& s) {
                       return Record(s, clock_, {7, "admin"}, "department.create", "department",
                                     std::to_string(i), nullptr, {{"name", "部门" + std::to_string(i)}});
                     })
                      .ok());
    }
  }
  int64_t CountOf(const store::Statement& st) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(st, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }
  void Mutate(const store::Statement& st) {
    ASSERT_TRUE(db_->Write([&](store::Session& s) -> core::Status {
                     HQ_RETURN_IF_ERROR(s.Exec(st));
                     return core::Ok();
                   })
                    .ok());
  }
  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22))};
};

TEST(ChangeWatermarkTest, AHoleHoldsTheWatermarkUntilItFillsOrExpires) {
  auto rows = [](std::vector<int64_t> ids) {
    std::vector<Change> out;
    for (int64_t id : ids) out.push_back({id, "", "item", "1", "x"});
    return out;
  };
  ChangeWatermark patient(std::chrono::hours(1));
  EXPECT_EQ(patient.Advance(0, rows({1, 2, 3})), 3);
  EXPECT_EQ(patient.Advance(3, rows({4, 6, 7})), 4);  // 5 may still commit: stay at 4
  EXPECT_EQ(patient.Advance(4, rows({5, 6, 7})), 7);  // it did
  ChangeWatermark hasty(std::chrono::seconds(0));
  EXPECT_EQ(hasty.Advance(0, rows({1, 3})), 3);  // a hole past its grace is a rollback
  EXPECT_EQ(hasty.Advance(3, rows({})), 3);
}

TEST_P(AuditLogTest, AnIntactChainVerifies) {
  auto rep = Verify(*db_);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok) << rep->problem;
  EXPECT_EQ(rep->checked, 3);
  EXPECT_EQ(CountOf(kChanges), 3);
  auto page = List(*db_, 1, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, 3);  // newest first
  EXPECT_EQ(page->items[0].after["name"], "部门3");
}

TEST_P(AuditLogTest, AnEditedRowIsFound) {
  Mutate(kTamper);
  auto rep = Verify(*db_).value();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 2);
}

TEST_P(AuditLogTest, ADeletedRowIsFound) {
  Mutate(kDeleteMiddle);
  auto rep = Verify(*db_).value();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 3);
}

TEST_P(AuditLogTest, ADeletedLastRowIsFound) {
  Mutate(kDeleteLast);
  EXPECT_FALSE(Verify(*db_).value().ok);
}

// Issue 10 finding 2: acknowledged writes lost from the end of the table (the SQLite file rolled
// back when its locks were dropped) left a chain that said "intact". A tail deleted together
// with the head row rewritten looks the same to the chain alone; the checkpoint outside the
// database catches it.
TEST_P(AuditLogTest, ATruncatedTailIsFoundAgainstTheCheckpoint) {
  auto keys = secrets::KeyRing::Ephemeral();
  Checkpoint cp(std::filesystem::path(testing::TempDir()) / "audit.checkpoint", keys);
  ASSERT_TRUE(cp.Write(*db_, clock_).ok());
  ASSERT_EQ((*cp.Read())->last_id, 3);
  Mutate(kDeleteLast);
  Mutate({"test.rewind_head",
          "UPDATE audit_head SET last_id = 2, last_hash = (SELECT hash FROM audit_log WHERE id = 2)"});
  EXPECT_TRUE(Verify(*db_).value().ok) << "the chain alone cannot tell";
  auto rep = Verify(*db_, &cp).value();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 3);
  EXPECT_NE(rep.problem.find("检查点"), std::string::npos) << rep.problem;
  // The checkpoint never moves backwards, and says why.
  auto st = cp.Write(*db_, clock_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "audit_truncated");
  EXPECT_EQ((*cp.Read())->last_id, 3);
}

TEST_P(AuditLogTest, ACheckpointIsValidOnlyWithItsKey) {
  auto keys = secrets::KeyRing::Ephemeral();
  auto path = std::filesystem::path(testing::TempDir()) / "audit2.checkpoint";
  Checkpoint cp(path, keys);
  ASSERT_TRUE(cp.Write(*db_, clock_).ok());
  EXPECT_TRUE(Verify(*db_, &cp).value().ok);
  auto other_keys = secrets::KeyRing::Ephemeral();
  Checkpoint other(path, other_keys);
  EXPECT_FALSE(other.Read().ok());
  EXPECT_FALSE(Verify(*db_, &other).value().ok) << "a checkpoint edited without the key is refused";
  // Later writes move it forward.
  ASSERT_TRUE(db_->Write([&](store::Session& s) {
                   return Record(s, clock_, {7, "admin"}, "department.create", "department", "4", nullptr,
                                 {{"name", "部门4"}});
                 })
                  .ok());
  ASSERT_TRUE(cp.Write(*db_, clock_).ok());
  EXPECT_EQ((*cp.Read())->last_id, 4);
  EXPECT_TRUE(Verify(*db_, &cp).value().ok);
}

TEST_P(AuditLogTest, ReorderedRowsAreFound) {
  Mutate(kSwap1);
  Mutate(kSwap2);
  Mutate(kSwap3);
  auto rep = Verify(*db_).value();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 1);
}

TEST_P(AuditLogTest, ConcurrentWritersKeepOneUnbrokenChain) {
  // The head row serialises writers (row lock on PostgreSQL, the write lock on SQLite).
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto st = db_->Write([&](store::Session& s) {
          return Record(s, clock_, {t, "u" + std::to_string(t)}, "thing.update", "thing", std::to_string(i),
                        {{"v", i}}, {{"v", i + 1}});
        });
        if (!st.ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  auto rep = Verify(*db_).value();
  EXPECT_TRUE(rep.ok) << rep.problem;
  EXPECT_EQ(rep.checked, 43);
  EXPECT_EQ(CountOf(kChanges), 43);
}

TEST_P(AuditLogTest, ListFiltersByEntityAndActor) {
  ASSERT_TRUE(db_->Write([&](store::Session& s) {
                   return Record(s, clock_, {std::nullopt, "cli"}, "user.create", "user", "1", nullptr,
                                 {{"login", "a"}});
                 })
                  .ok());
  auto users = List(*db_, {1, 20, "user", "", ""}).value();
  EXPECT_EQ(users.total, 1);
  ASSERT_EQ(users.items.size(), 1u);
  EXPECT_FALSE(users.items[0].actor_user_id.has_value());
  EXPECT_TRUE(users.items[0].before.is_null());
  EXPECT_EQ(List(*db_, {1, 20, "department", "2", ""}).value().total, 1);
  EXPECT_EQ(List(*db_, {1, 20, "", "", "admin"}).value().total, 3);
  EXPECT_EQ(List(*db_, {1, 20, "", "", "nobody"}).value().total, 0);
  auto page2 = List(*db_, {2, 3, "", "", ""}).value();
  EXPECT_EQ(page2.total, 4);
  ASSERT_EQ(page2.items.size(), 1u);
  EXPECT_EQ(page2.items[0].id, 1);
  EXPECT_EQ(page2.items[0].prev_hash, "");
}

TEST_P(AuditLogTest, AFailedTransactionLeavesNeitherAuditNorChangeRow) {
  auto st = db_->Write([&](store::Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(
        Record(s, clock_, {7, "admin"}, "department.create", "department", "9", nullptr, {{"x", 1}}));
    return core::InvalidArgument("name", "required", "名称必填", "name required");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(CountOf(kAudits), 3);
  EXPECT_EQ(CountOf(kChanges), 3);
  EXPECT_TRUE(Verify(*db_).value().ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

TEST(Sm3, MatchesTheStandardsExample) {
  // GB/T 32905-2016 附录 A 示例 1: SM3("abc").
  EXPECT_EQ(Sm3Hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

}  // namespace
}  // namespace huiqi::audit
