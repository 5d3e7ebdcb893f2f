#pragma once
// Dates and time for the platform. All civil dates are in Asia/Shanghai (UTC+8, no DST since
// 1991), so "today" and a timestamp's date are computed by a fixed +8 h offset. "Now" always
// comes from an injected Clock so tests can stand on any date.

#include <chrono>
#include <compare>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::core {

//! A civil date (no time zone), stored as days since 1970-01-01. Cheap to copy; comparable.
class Date {
 public:
  Date() = default;
  static Date FromDays(int32_t days) { return Date(days); }
  static Date FromYmd(int year, unsigned month, unsigned day);
  //! Parses "YYYY-MM-DD" strictly; the error names `field`.
  static Result<Date> Parse(std::string_view text, std::string_view field = "date");

  int32_t days() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  //! ISO weekday: 1 = Monday … 7 = Sunday.
  unsigned Weekday() const;
  bool IsWeekend() const { return Weekday() >= 6; }
  Date AddDays(int32_t n) const { return Date(days_ + n); }
  std::string ToString() const;  // "YYYY-MM-DD"

  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

using TimePoint = std::chrono::system_clock::time_point;

//! Source of "now". Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

//! The system clock moved by a fixed offset: `huiqi serve --demo-days-ahead` (a demo or a browser
//! test lets a public notice or a deadline pass without waiting for it).
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::chrono::seconds offset) : offset_(offset) {}
  TimePoint Now() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::seconds offset_;
};

//! A clock for tests: stands still until Set/Advance.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::seconds d);

 private:
  mutable std::mutex mu_;
  TimePoint t_;
};

constexpr std::chrono::hours kShanghaiOffset{8};

//! The Asia/Shanghai civil date of an instant.
Date ShanghaiDate(TimePoint t);
//! Midnight (00:00 Asia/Shanghai) at the start of `d`, as an instant.
TimePoint ShanghaiMidnight(Date d);
//! ISO-8601 with offset, e.g. "2026-11-22T20:16:40+08:00".
std::string FormatTimestamp(TimePoint t);
//! Parses what FormatTimestamp writes (and "Z"/other offsets); error names `field`.
Result<TimePoint> ParseTimestamp(std::string_view text, std::string_view field = "timestamp");
int64_t UnixSeconds(TimePoint t);
TimePoint FromUnixSeconds(int64_t s);

}  // namespace huiqi::core
