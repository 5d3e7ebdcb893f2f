#include "core/date.h"

#include <cstdio>

namespace huiqi::core {

namespace chr = std::chrono;

namespace {
// The years a TimePoint (system_clock, 64-bit nanoseconds) holds whole, with room for the offset.
constexpr int kMinTimestampYear = 1678;
constexpr int kMaxTimestampYear = 2261;
}  // namespace

Date Date::FromYmd(int year, unsigned month, unsigned day) {
  chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  return Date(static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

Result<Date> Date::Parse(std::string_view text, std::string_view field) {
  auto bad = [&]() {
    return InvalidArgument(std::string(field), "invalid_date",
                           "日期格式应为 YYYY-MM-DD（如 2026-01-05）：" + std::string(text),
                           "date must be YYYY-MM-DD: " + std::string(text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int y = 0;
  unsigned m = 0, d = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m = (text[5] - '0') * 10 + (text[6] - '0');
  d = (text[8] - '0') * 10 + (text[9] - '0');
  chr::year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!ymd.ok() || y < 1900) return bad();
  return FromYmd(y, m, d);
}

static chr::year_month_day Ymd(int32_t days) { return chr::year_month_day{chr::sys_days{chr::days{days}}}; }

int Date::year() const { return static_cast<int>(Ymd(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(Ymd(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(Ymd(days_).day()); }

unsigned Date::Weekday() const { return chr::weekday{chr::sys_days{chr::days{days_}}}.iso_encoding(); }

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
  return buf;
}

TimePoint FixedClock::Now() const {
  std::lock_guard lock(mu_);
  return t_;
}
void FixedClock::Set(TimePoint t) {
  std::lock_guard lock(mu_);
  t_ = t;
}
void FixedClock::Advance(std::chrono::seconds d) {
  std::lock_guard lock(mu_);
  t_ += d;
}

Date ShanghaiDate(TimePoint t) {
  auto local = chr::floor<chr::days>(t + kShanghaiOffset);
  return Date::FromDays(static_cast<int32_t>(local.time_since_epoch().count()));
}

TimePoint ShanghaiMidnight(Date d) { return TimePoint{chr::days{d.days()}} - kShanghaiOffset; }

std::string FormatTimestamp(TimePoint t) {
  auto local = chr::floor<chr::seconds>(t + kShanghaiOffset);
  auto day = chr::floor<chr::days>(local);
  chr::hh_mm_ss hms{local - day};
  Date d = Date::FromDays(static_cast<int32_t>(day.time_since_epoch().count()));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+08:00", d.ToString().c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<TimePoint> ParseTimestamp(std::string_view text, std::string_view field) {
  auto bad = [&]() {
    return InvalidArgument(std::string(field), "invalid_timestamp", "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
                           "timestamp must be ISO-8601 with offset");
  };
  if (text.size() < 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return bad();
  auto date = Date::Parse(text.substr(0, 10), field);
  // A system_clock time point counts nanoseconds in 64 bits: 1677-09-21 … 2262-04-11. Beyond
  // that the sum below overflowed (found by tests/fuzz money_date with 3026-11-22T20:16:40+08:00).
  if (!date.ok() || date->year() < kMinTimestampYear || date->year() > kMaxTimestampYear) return bad();
  auto num2 = [&](size_t i) -> int {
    if (text[i] < '0' || text[i] > '9' || text[i + 1] < '0' || text[i + 1] > '9') return -1;
    return (text[i] - '0') * 10 + (text[i + 1] - '0');
  };
  int h = num2(11), mi = num2(14), s = num2(17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return bad();
  std::string_view rest = text.substr(19);
  int offset_min = 0;
  if (rest == "Z") {
    offset_min = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = num2(20), om = num2(23);
    if (oh < 0 || om < 0) return bad();
    offset_min = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  TimePoint t = TimePoint{chr::days{date->days()}} + chr::hours{h} + chr::minutes{mi} + chr::seconds{s} -
                chr::minutes{offset_min};
  return t;
}

int64_t UnixSeconds(TimePoint t) { return chr::duration_cast<chr::seconds>(t.time_since_epoch()).count(); }
TimePoint FromUnixSeconds(int64_t s) { return TimePoint{chr::seconds{s}}; }

}  // namespace huiqi::core
