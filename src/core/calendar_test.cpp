#include "core/calendar.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace huiqi::core {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

class CalendarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* dir = std::getenv("HUIQI_DATA_DIR");
    auto loaded = WorkCalendar::LoadDirectory(std::string(dir ? dir : "data") + "/holidays");
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    cal_ = new WorkCalendar(*loaded);
  }
  static WorkCalendar* cal_;
};
WorkCalendar* CalendarTest::cal_ = nullptr;

struct AddCase {
  const char* from;
  int n;
  const char* expected;
  const char* why;
};

// Expected dates worked out by hand from the State Council General Office announcements.
const AddCase kAddCases[] = {
    {"2023-01-20", 1, "2023-01-28", "2023 春节 1/21–27 off, Sat 1/28 调休 working"},
    {"2023-01-28", 1, "2023-01-29", "2023 Sun 1/29 调休 working"},
    {"2023-09-28", 1, "2023-10-07", "2023 中秋国庆 9/29–10/6 off, Sat 10/7 working"},
    {"2023-09-28", 3, "2023-10-09", "10/7, 10/8 (Sun 调休), 10/9"},
    {"2024-02-09", 1, "2024-02-18", "2024 春节 2/10–17 off, Sun 2/18 working"},
    {"2024-02-02", 1, "2024-02-04", "2024 Sun 2/4 调休 working"},
    {"2024-09-27", 1, "2024-09-29", "2024 Sun 9/29 调休 working"},
    {"2024-09-29", 2, "2024-10-08", "9/30, then 10/1–7 off, 10/8"},
    {"2025-01-27", 1, "2025-02-05", "2025 春节 1/28–2/4 off"},
    {"2025-01-24", 3, "2025-02-05", "Sun 1/26 调休, Mon 1/27, then 2/5"},
    {"2025-09-30", 1, "2025-10-09", "2025 国庆中秋 10/1–8 off"},
    {"2025-10-10", 1, "2025-10-11", "2025 Sat 10/11 调休 working"},
    {"2026-02-13", 1, "2026-02-14", "2026 Sat 2/14 调休 working"},
    {"2026-02-14", 1, "2026-02-24", "2026 春节 2/15–23 off"},
    {"2026-09-30", 1, "2026-10-08", "2026 国庆 10/1–7 off"},
    {"2026-09-18", 1, "2026-09-20", "2026 Sun 9/20 调休 working"},
    {"2026-10-08", -1, "2026-09-30", "backwards across 国庆"},
    {"2026-02-24", -2, "2026-02-13", "backwards across 春节: 2/14, then 2/13"},
    {"2026-11-20", 0, "2026-11-20", "zero days is the same day"},
};

TEST_F(CalendarTest, AddsWorkingDaysAcrossHolidaysAndAdjustedDays) {
  for (const auto& c : kAddCases) {
    EXPECT_EQ(cal_->AddWorkingDays(D(c.from), c.n).ToString(), c.expected) << c.why;
  }
}

TEST_F(CalendarTest, CountsWorkingDaysBetween) {
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2023-09-28"), D("2023-10-09")), 3);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2024-02-08"), D("2024-02-19")), 3);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2024-10-07"), D("2024-10-12")), 5);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2025-09-26"), D("2025-10-11")), 6);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2026-09-30"), D("2026-10-10")), 3);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2026-10-10"), D("2026-09-30")), -3);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2026-11-20"), D("2026-11-20")), 0);
}

TEST_F(CalendarTest, DescribesEachKindOfDay) {
  EXPECT_EQ(cal_->Describe(D("2026-02-14")).kind, DayKind::kAdjustedWorkday);
  EXPECT_EQ(cal_->Describe(D("2026-02-17")).kind, DayKind::kHoliday);
  EXPECT_EQ(cal_->Describe(D("2026-02-17")).name, "春节");
  EXPECT_EQ(cal_->Describe(D("2026-11-21")).kind, DayKind::kWeekend);
  EXPECT_EQ(cal_->Describe(D("2026-11-23")).kind, DayKind::kWorkday);
  EXPECT_FALSE(cal_->IsWorkday(D("2023-01-27")));
  EXPECT_TRUE(cal_->IsWorkday(D("2023-01-29")));
  EXPECT_FALSE(cal_->IsWorkday(D("2022-12-31")));  // 元旦 2023 begins on a Saturday anyway
}

TEST_F(CalendarTest, KnowsWhichYearsAreCovered) {
  EXPECT_TRUE(cal_->Covers(2023));
  EXPECT_TRUE(cal_->Covers(2026));
  EXPECT_FALSE(cal_->Covers(2022));  // only 2022-12-31 appears, as part of 元旦 2023
  EXPECT_FALSE(cal_->Covers(2027));
}

TEST(WorkCalendar, AdminCanAddANewYear) {
  WorkCalendar cal;
  ASSERT_TRUE(cal.LoadTsv("date\tkind\tname\tsource\n2027-01-01\tholiday\t元旦\ttest\n"
                          "2027-02-20\tworkday\t春节\ttest\n",
                          "2027.tsv", 2027)
                  .ok());
  EXPECT_TRUE(cal.Covers(2027));
  EXPECT_FALSE(cal.IsWorkday(D("2027-01-01")));  // a Friday made a holiday
  EXPECT_TRUE(cal.IsWorkday(D("2027-02-20")));   // a Saturday made a working day
  EXPECT_EQ(cal.AddWorkingDays(D("2026-12-31"), 1).ToString(), "2027-01-04");
  cal.SetDay({D("2027-01-04"), false, "测试", "api"});
  EXPECT_EQ(cal.AddWorkingDays(D("2026-12-31"), 1).ToString(), "2027-01-05");
  EXPECT_TRUE(cal.ClearDay(D("2027-01-04")));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-12-31"), 1).ToString(), "2027-01-04");
  EXPECT_EQ(cal.DaysOfYear(2027).size(), 2u);
}

TEST(WorkCalendar, RejectsMalformedLinesNamingTheLine) {
  WorkCalendar cal;
  auto st = cal.LoadTsv("date\tkind\tname\n2027-01-01\tfestival\t元旦\n", "2027.tsv", 2027);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("2027.tsv:2"), std::string::npos);
  EXPECT_FALSE(cal.Covers(2027));
}

}  // namespace
}  // namespace huiqi::core
