#include "core/date.h"

#include <gtest/gtest.h>

namespace huiqi::core {
namespace {

TEST(Date, ParsesAndFormatsIsoDates) {
  auto d = Date::Parse("2026-02-14");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 2u);
  EXPECT_EQ(d->day(), 14u);
  EXPECT_EQ(d->Weekday(), 6u);  // Saturday
  EXPECT_EQ(d->ToString(), "2026-02-14");
}

TEST(Date, RejectsImpossibleDatesNamingTheField) {
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026/01/01", "26-01-01", "2026-1-01", ""}) {
    auto d = Date::Parse(bad, "signed_on");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().field, "signed_on");
    EXPECT_EQ(d.error().code, "invalid_date");
  }
}

TEST(Date, ShanghaiDateCrossesMidnightEightHoursBeforeUtc) {
  // 2026-11-21T16:30:00Z is 00:30 on the 22nd in Shanghai.
  TimePoint t = ShanghaiMidnight(Date::FromYmd(2026, 11, 22)) + std::chrono::minutes(30);
  EXPECT_EQ(ShanghaiDate(t).ToString(), "2026-11-22");
  EXPECT_EQ(ShanghaiDate(t - std::chrono::hours(1)).ToString(), "2026-11-21");
  EXPECT_EQ(FormatTimestamp(t), "2026-11-22T00:30:00+08:00");
}

TEST(Date, TimestampRoundTripsThroughText) {
  auto t = ParseTimestamp("2026-11-22T20:16:40+08:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-22T20:16:40+08:00");
  auto z = ParseTimestamp("2026-11-22T12:16:40Z");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(*z, *t);
  EXPECT_FALSE(ParseTimestamp("2026-11-22 20:16").ok());
}

TEST(FixedClock, AdvancesOnlyWhenTold) {
  FixedClock clock(ShanghaiMidnight(Date::FromYmd(2026, 1, 1)));
  auto t0 = clock.Now();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(std::chrono::hours(25));
  EXPECT_EQ(ShanghaiDate(clock.Now()).ToString(), "2026-01-02");
}

}  // namespace
}  // namespace huiqi::core
