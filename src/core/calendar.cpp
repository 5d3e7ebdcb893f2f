#include "core/calendar.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

namespace huiqi::core {

std::string_view DayKindCode(DayKind k) {
  switch (k) {
    case DayKind::kWorkday:
      return "workday";
    case DayKind::kWeekend:
      return "weekend";
    case DayKind::kHoliday:
      return "holiday";
    case DayKind::kAdjustedWorkday:
      return "adjusted_workday";
  }
  return "workday";
}

std::string_view DayKindLabel(DayKind k) {
  switch (k) {
    case DayKind::kWorkday:
      return "工作日";
    case DayKind::kWeekend:
      return "周末";
    case DayKind::kHoliday:
      return "法定节假日";
    case DayKind::kAdjustedWorkday:
      return "调休工作日";
  }
  return "工作日";
}

WorkCalendar::WorkCalendar(const WorkCalendar& other) {
  std::shared_lock lock(other.mu_);
  days_ = other.days_;
  years_ = other.years_;
}

WorkCalendar& WorkCalendar::operator=(const WorkCalendar& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mu_);
  std::shared_lock other_lock(other.mu_);
  days_ = other.days_;
  years_ = other.years_;
  return *this;
}

static std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

Status WorkCalendar::LoadTsv(std::string_view text, std::string_view origin, int year) {
  std::vector<CalendarDay> parsed;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#' || line_no == 1) continue;  // header
    auto cols = SplitTabs(line);
    std::string where = std::string(origin) + ":" + std::to_string(line_no);
    if (cols.size() < 3) {
      return InvalidArgument("calendar", "calendar_format", where + " 应有 date、kind、name 三列",
                             where + ": expected columns date, kind, name");
    }
    auto date = Date::Parse(cols[0], "date");
    if (!date.ok()) {
      return InvalidArgument("calendar", "calendar_format", where + " 日期无效：" + std::string(cols[0]),
                             where + ": bad date");
    }
    if (cols[1] != "holiday" && cols[1] != "workday") {
      return InvalidArgument("calendar", "calendar_format", where + " kind 应为 holiday 或 workday",
                             where + ": bad kind");
    }
    parsed.push_back(CalendarDay{*date, cols[1] == "workday", std::string(cols[2]),
                                 cols.size() > 3 ? std::string(cols[3]) : std::string()});
  }
  for (const auto& d : parsed) SetDay(d, year == 0);
  if (year != 0) MarkCovered(year);
  return Ok();
}

Result<WorkCalendar> WorkCalendar::LoadDirectory(const std::filesystem::path& dir) {
  WorkCalendar cal;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return MakeError(ErrorKind::kNotFound, "calendar_dir_missing", "节假日数据目录不存在：" + dir.string(),
                     "holiday directory missing: " + dir.string());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".tsv") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    // A year's file covers that year even if it lists a day of the previous one (元旦 2023
    // starts on 2022-12-31), so the year comes from the file name.
    int year = 0;
    std::string stem = f.stem().string();
    if (stem.size() == 4 && std::all_of(stem.begin(), stem.end(), ::isdigit)) year = std::stoi(stem);
    HQ_RETURN_IF_ERROR(cal.LoadTsv(ss.str(), f.filename().string(), year));
  }
  return cal;
}

void WorkCalendar::SetDay(const CalendarDay& day, bool mark_covered) {
  std::unique_lock lock(mu_);
  days_[day.date.days()] = day;
  if (mark_covered) years_.insert(day.date.year());
}

void WorkCalendar::MarkCovered(int year) {
  std::unique_lock lock(mu_);
  years_.insert(year);
}

bool WorkCalendar::ClearDay(Date date) {
  std::unique_lock lock(mu_);
  return days_.erase(date.days()) > 0;
}

bool WorkCalendar::IsWorkdayLocked(Date d) const {
  auto it = days_.find(d.days());
  if (it != days_.end()) return it->second.working;
  return !d.IsWeekend();
}

bool WorkCalendar::IsWorkday(Date d) const {
  std::shared_lock lock(mu_);
  return IsWorkdayLocked(d);
}

DayInfo WorkCalendar::Describe(Date d) const {
  std::shared_lock lock(mu_);
  auto it = days_.find(d.days());
  if (it != days_.end()) {
    const auto& cd = it->second;
    if (cd.working) {
      return {d.IsWeekend() ? DayKind::kAdjustedWorkday : DayKind::kWorkday, true, cd.name};
    }
    return {DayKind::kHoliday, false, cd.name};
  }
  return d.IsWeekend() ? DayInfo{DayKind::kWeekend, false, ""} : DayInfo{DayKind::kWorkday, true, ""};
}

Date WorkCalendar::AddWorkingDays(Date from, int n) const {
  std::shared_lock lock(mu_);
  int step = n >= 0 ? 1 : -1;
  int remaining = n >= 0 ? n : -n;
  Date d = from;
  while (remaining > 0) {
    d = d.AddDays(step);
    if (IsWorkdayLocked(d)) --remaining;
  }
  return d;
}

int WorkCalendar::WorkingDaysBetween(Date from, Date to) const {
  if (to < from) return -WorkingDaysBetween(to, from);
  std::shared_lock lock(mu_);
  int count = 0;
  for (Date d = from.AddDays(1); d <= to; d = d.AddDays(1)) {
    if (IsWorkdayLocked(d)) ++count;
  }
  return count;
}

bool WorkCalendar::Covers(int year) const {
  std::shared_lock lock(mu_);
  return years_.count(year) > 0;
}

std::vector<int> WorkCalendar::CoveredYears() const {
  std::shared_lock lock(mu_);
  return {years_.begin(), years_.end()};
}

std::vector<CalendarDay> WorkCalendar::DaysOfYear(int year) const {
  std::shared_lock lock(mu_);
  std::vector<CalendarDay> out;
  auto lo = days_.lower_bound(Date::FromYmd(year, 1, 1).days());
  auto hi = days_.lower_bound(Date::FromYmd(year + 1, 1, 1).days());
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

std::string FormatCalendarTsv(const std::vector<CalendarDay>& days) {
  std::string out = "date\tkind\tname\tsource\n";
  for (const auto& d : days) {
    out += d.date.ToString() + "\t" + (d.working ? "workday" : "holiday") + "\t" + d.name + "\t" + d.source +
           "\n";
  }
  return out;
}

}  // namespace huiqi::core
