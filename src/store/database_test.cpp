#include "store/database.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/migrations.h"
#include "support/test_db.h"

namespace huiqi::store {
namespace {

constexpr Statement kCreate{
    "test.create", "CREATE TABLE t (id {{pk}}, name TEXT NOT NULL UNIQUE, amount {{bigint}}, note TEXT)"};
constexpr Statement kInsert{"test.insert",
                            "INSERT INTO t (name, amount, note) VALUES (?, ?, ?) RETURNING id"};
constexpr Statement kCount{"test.count", "SELECT COUNT(*) AS n FROM t"};
constexpr Statement kByName{"test.by_name", "SELECT id, name, amount, note FROM t WHERE name = ?"};
constexpr Statement kSum{"test.sum", "SELECT SUM(amount) AS total FROM t"};

class DatabaseTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    ASSERT_TRUE(
        db_->Write([](Session& s) { return s.ExecScript(ExpandDialect(s.kind(), kCreate.sql)); }).ok());
  }
  int64_t Count() {
    return db_
        ->ReadValue<int64_t>([](Session& s) -> Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kCount, {}, "计数", "count"));
          return row.Int("n");
        })
        .value();
  }
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, MigrationsBringAnEmptyDatabaseToTheLatestVersion) {
  auto fresh = testing::FreshEmptyDatabase(GetParam());
  EXPECT_EQ(CurrentVersion(*fresh).value(), 0);
  auto v = Migrate(*fresh);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(*v, AllMigrations().back().version);
  EXPECT_EQ(CurrentVersion(*fresh).value(), AllMigrations().back().version);
  // A second run finds nothing to do and changes nothing.
  EXPECT_EQ(Migrate(*fresh).value(), AllMigrations().back().version);
}

TEST_P(DatabaseTest, CommittedWritesAreVisibleAndValuesRoundTrip) {
  auto id = db_->WriteValue<int64_t>([](Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto row,
                        s.QueryOne(kInsert, {std::string("甲"), int64_t{3'000'000'000'00}, Null()}, "", ""));
    return row.Int("id");
  });
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_GT(*id, 0);
  auto row = db_->ReadValue<Row>([](Session& s) { return s.QueryOne(kByName, {std::string("甲")}, "", ""); });
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->Text("name"), "甲");
  EXPECT_EQ(row->Int("amount"), 3'000'000'000'00);
  EXPECT_TRUE(row->IsNull("note"));
  EXPECT_FALSE(row->OptText("note").has_value());
}

// A service reading through another's API from inside its own transaction: the nested Read runs
// on the same session (it sees the uncommitted row) and takes no second connection, so many such
// callers at once cannot exhaust the pool (they did: four concurrent confirmations hung).
TEST_P(DatabaseTest, AReadInsideATransactionUsesItsSession) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 24; ++i) {
    threads.emplace_back([&, i] {
      auto st = db_->Write([&](Session& s) -> Status {
        auto row = s.QueryOne(kInsert, {"n" + std::to_string(i), int64_t{i}, Null()}, "", "");
        if (!row.ok()) return row.error();
        auto seen = db_->ReadValue<Row>(
            [&](Session& inner) { return inner.QueryOne(kByName, {"n" + std::to_string(i)}, "", ""); });
        if (!seen.ok()) return seen.error();
        return core::Ok();
      });
      if (st.ok()) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 24) << "every writer saw its own row through the nested read";
  EXPECT_EQ(Count(), 24);
}

TEST_P(DatabaseTest, AFailedTransactionLeavesNothingBehind) {
  Status st = db_->Write([](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("a"), int64_t{1}, Null()}));
    HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("b"), int64_t{2}, Null()}));
    return core::InvalidArgument("x", "test", "测试失败", "test failure");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseTest, AConstraintViolationRollsBackTheWholeTransaction) {
  Status st = db_->Write([](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("a"), int64_t{1}, Null()}));
    HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("a"), int64_t{2}, Null()}));  // duplicate
    return core::Ok();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(st.error().code, "duplicate");
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseTest, AnExceptionRollsBackAndPropagates) {
  EXPECT_THROW(db_->Write([](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("a"), int64_t{1}, Null()}));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(Count(), 0);
  // The pool still works afterwards.
  EXPECT_TRUE(db_->Write([](Session& s) -> Status {
                   HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("b"), int64_t{1}, Null()}));
                   return core::Ok();
                 })
                  .ok());
  EXPECT_EQ(Count(), 1);
}

TEST_P(DatabaseTest, ParametersAreDataNeverSql) {
  std::string hostile = "x'); DROP TABLE t; --";
  ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                   HQ_RETURN_IF_ERROR(s.Query(kInsert, {hostile, int64_t{1}, std::string("? and $1")}));
                   return core::Ok();
                 })
                  .ok());
  auto row = db_->ReadValue<Row>([&](Session& s) { return s.QueryOne(kByName, {hostile}, "", ""); });
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->Text("note"), "? and $1");
  EXPECT_EQ(Count(), 1);
}

TEST_P(DatabaseTest, SumsOfMoneyStayIntegers) {
  ASSERT_TRUE(
      db_->Write([](Session& s) -> Status {
           HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("a"), int64_t{4'503'599'627'370'497}, Null()}));
           HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("b"), int64_t{1}, Null()}));
           return core::Ok();
         })
          .ok());
  auto row = db_->ReadValue<Row>([](Session& s) { return s.QueryOne(kSum, {}, "", ""); });
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->Int("total"), 4'503'599'627'370'498);
}

TEST_P(DatabaseTest, ConcurrentWritersAllCommit) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        Status st = db_->Write([&](Session& s) -> Status {
          HQ_RETURN_IF_ERROR(
              s.Query(kInsert, {"w" + std::to_string(t) + "_" + std::to_string(i), int64_t{i}, Null()}));
          return core::Ok();
        });
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), 40);
}

// The online backup of `huiqi backup`: a copy of what is committed, taken while a writer holds its
// transaction open on another connection, which neither blocks the copy nor leaks into it.
TEST_P(DatabaseTest, ASnapshotHoldsWhatIsCommittedWhileAWriterIsOpen) {
  ASSERT_TRUE(db_->Write([](Session& s) -> Status {
                   HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("committed"), int64_t{1}, Null()}));
                   return core::Ok();
                 })
                  .ok());
  const std::string path = db_->DisplayUrl().substr(7) + ".snapshot";
  Status snap;
  ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                   HQ_RETURN_IF_ERROR(s.Query(kInsert, {std::string("in flight"), int64_t{2}, Null()}));
                   snap = db_->SnapshotToFile(path);
                   return core::Ok();
                 })
                  .ok());
  if (GetParam() == Kind::kPostgres) {  // backed up by pg_dump instead
    ASSERT_FALSE(snap.ok());
    EXPECT_EQ(snap.error().code, "backup_unsupported");
    return;
  }
  ASSERT_TRUE(snap.ok()) << snap.error().ToString();
  {
    auto copy = Database::Open("sqlite:" + path).value();
    auto n = copy->ReadValue<int64_t>([](Session& s) -> Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kCount, {}, "计数", "count"));
      return row.Int("n");
    });
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1);
  }
  EXPECT_EQ(Count(), 2);
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

TEST(Database, RejectsAnUnknownUrlSchemeNamingTheField) {
  auto db = Database::Open("mysql://localhost/x");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().field, "db");
  EXPECT_EQ(db.error().kind, core::ErrorKind::kInvalidArgument);
}

TEST(Database, AnUnreachableServerIsUnavailable) {
  auto db = Database::Open("postgresql://nobody@127.0.0.1:1/none", {.connect_timeout_s = 2});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().kind, core::ErrorKind::kUnavailable);
}

// Makes a file unwritable even for root (who ignores modes): FS_IMMUTABLE_FL where the process is
// root, the mode 0444 otherwise. False when the file system cannot (then the test is skipped).
bool SetWritable(const std::filesystem::path& p, bool writable) {
  if (::geteuid() != 0) return ::chmod(p.c_str(), writable ? 0644 : 0444) == 0;
  int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags = writable ? (flags & ~FS_IMMUTABLE_FL) : (flags | FS_IMMUTABLE_FL);
  ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  if (!ok || writable) return ok;
  int probe = ::open(p.c_str(), O_RDWR);  // some file systems take the flag but do not enforce it
  if (probe >= 0) {
    ::close(probe);
    SetWritable(p, true);
    return false;
  }
  return true;
}

// Found by tests/crash_test.sh (the I/O-fault pass): a connection opened while the file could
// not be written is read-only for good; it went back to the pool, so writes kept failing with a
// 500 after the data directory was writable again, until a restart.
TEST(Database, WritesWorkAgainOnceAReadOnlyFileIsWritableAgain) {
  auto path = std::filesystem::temp_directory_path() / ("huiqi-ro-" + std::to_string(::getpid()) + ".db");
  static constexpr Statement kCreate{"test.create", "CREATE TABLE t (v INTEGER)"};
  static constexpr Statement kInsert{"test.insert", "INSERT INTO t (v) VALUES (1)"};
  static constexpr Statement kCount{"test.count", "SELECT COUNT(*) AS n FROM t"};
  auto first = Database::Open("sqlite:" + path.string()).value();  // keeps the -wal and -shm files
  ASSERT_TRUE(first
                  ->Write([](Session& s) -> Status {
                    HQ_RETURN_IF_ERROR(s.Exec(kCreate));
                    return core::Ok();
                  })
                  .ok());
  if (!SetWritable(path, false)) GTEST_SKIP() << "cannot make " << path << " read-only here";
  auto db = Database::Open("sqlite:" + path.string()).value();
  EXPECT_TRUE(db->Read([](Session& s) -> Status {
                  HQ_RETURN_IF_ERROR(s.Query(kCount));
                  return core::Ok();
                }).ok())
      << "reads go on";
  auto refused = db->Write([](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kInsert));
    return core::Ok();
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kUnavailable) << "a 503, not a 500";
  ASSERT_TRUE(SetWritable(path, true));
  EXPECT_TRUE(db->Write([](Session& s) -> Status {
                  HQ_RETURN_IF_ERROR(s.Exec(kInsert));
                  return core::Ok();
                }).ok())
      << "without reopening";
  db.reset();
  first.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(Database, DisplayUrlHidesThePassword) {
  auto db = testing::FreshEmptyDatabase(Kind::kSqlite);
  EXPECT_EQ(db->DisplayUrl().rfind("sqlite:", 0), 0u);
}

}  // namespace
}  // namespace huiqi::store
