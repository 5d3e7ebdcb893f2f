#include "calendar/calendar_service.h"

#include <gtest/gtest.h>

#include "support/test_db.h"

namespace huiqi::calendar {
namespace {

using core::Date;

constexpr store::Statement kAuditCount{"test.audit_count",
                                       "SELECT COUNT(*) AS n FROM audit_log WHERE entity LIKE 'calendar%'"};

class CalendarServiceTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    admin_.user_id = 1;
    admin_.login = "admin";
    admin_.kind = auth::UserKind::kPlatformAdmin;
    staff_ = admin_;
    staff_.kind = auth::UserKind::kDepartmentStaff;
  }
  int64_t AuditRows() {
    return db_
        ->ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kAuditCount, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }
  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(Date::FromYmd(2026, 11, 22))};
  core::WorkCalendar cal_;
  auth::Principal admin_, staff_;
};

TEST_P(CalendarServiceTest, AdminAddsANewYearThatSurvivesARestart) {
  CalendarService svc(*db_, clock_, cal_);
  Date new_year = Date::FromYmd(2027, 1, 1);
  ASSERT_TRUE(svc.SetDay(admin_, {new_year, false, "元旦", ""}).ok());
  ASSERT_TRUE(svc.MarkYearComplete(admin_, 2027).ok());
  EXPECT_FALSE(cal_.IsWorkday(new_year));
  EXPECT_EQ(AuditRows(), 2);

  core::WorkCalendar reloaded;  // as after a restart
  ASSERT_TRUE(LoadOverrides(*db_, reloaded).ok());
  EXPECT_FALSE(reloaded.IsWorkday(new_year));
  EXPECT_TRUE(reloaded.Covers(2027));
  EXPECT_EQ(reloaded.AddWorkingDays(Date::FromYmd(2026, 12, 31), 1), Date::FromYmd(2027, 1, 4));

  ASSERT_TRUE(svc.ClearDay(admin_, new_year).ok());
  EXPECT_TRUE(cal_.IsWorkday(new_year));
  EXPECT_EQ(AuditRows(), 3);
  EXPECT_EQ(svc.ClearDay(admin_, new_year).error().kind, core::ErrorKind::kNotFound);
}

TEST_P(CalendarServiceTest, OnlyAdminsMayEditAndBadDaysAreRefused) {
  CalendarService svc(*db_, clock_, cal_);
  auto denied = svc.SetDay(staff_, {Date::FromYmd(2027, 1, 1), false, "元旦", ""});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, core::ErrorKind::kPermissionDenied);
  auto weekday = svc.SetDay(admin_, {Date::FromYmd(2027, 1, 6), true, "调休", ""});  // a Wednesday
  ASSERT_FALSE(weekday.ok());
  EXPECT_EQ(weekday.error().field, "kind");
  auto unnamed = svc.SetDay(admin_, {Date::FromYmd(2027, 1, 1), false, "", ""});
  EXPECT_EQ(unnamed.error().field, "name");
  EXPECT_EQ(AuditRows(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CalendarServiceTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::calendar
