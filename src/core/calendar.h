#pragma once
// The working-day calendar. Every deadline in the seeds is counted in working days (常州办法
// 第十条 publish within 3; 第十一条 guide 5 before the window; 第三十条 subsidy data within 5;
// 江阴办法 第十一、十二、十六条 3 and 2): weekends are rest days, official public holidays are
// rest days, and adjusted working days (调休, a Saturday or Sunday made a working day) are
// working days, as announced each year by the State Council General Office.
//
// The data lives in data/holidays/<year>.tsv (columns: date, kind = holiday|workday, name,
// source); an admin extends it for a new year by adding a file or through the API, whose
// entries are stored in the database and merged over the files at start.
// Thread-safe: reads take a shared lock, SetDay an exclusive one.

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace huiqi::core {

enum class DayKind {
  kWorkday,          // an ordinary Monday–Friday
  kWeekend,          // an ordinary Saturday or Sunday
  kHoliday,          // an official rest day (法定节假日 and the days joined to it)
  kAdjustedWorkday,  // 调休: a weekend day that is a working day
};
std::string_view DayKindCode(DayKind k);   // "workday", "weekend", "holiday", "adjusted_workday"
std::string_view DayKindLabel(DayKind k);  // 工作日, 周末, 法定节假日, 调休工作日

struct CalendarDay {
  Date date;
  bool working = false;  // true: a 调休 working day; false: a holiday
  std::string name;      // 春节, 国庆节, …
  std::string source;    // where the entry was transcribed from
};

struct DayInfo {
  DayKind kind;
  bool working;
  std::string name;  // empty for ordinary days
};

class WorkCalendar {
 public:
  WorkCalendar() = default;
  WorkCalendar(const WorkCalendar& other);
  WorkCalendar& operator=(const WorkCalendar& other);

  //! Reads every <year>.tsv in `dir`. Errors name the file and line.
  static Result<WorkCalendar> LoadDirectory(const std::filesystem::path& dir);
  //! Parses one TSV text (header line first); `origin` is used in error messages. The text is
  //! one year's announcement: `year` becomes covered (0: the years of its entries).
  Status LoadTsv(std::string_view text, std::string_view origin, int year = 0);

  //! Adds or replaces one special day; with mark_covered its year becomes covered.
  void SetDay(const CalendarDay& day, bool mark_covered = true);
  //! Declares a year's announcement complete (also when it has no special day at all).
  void MarkCovered(int year);
  //! Removes a special day (it becomes an ordinary weekday/weekend again).
  bool ClearDay(Date date);

  bool IsWorkday(Date d) const;
  DayInfo Describe(Date d) const;
  //! The date n working days after `from` (n > 0), or before it (n < 0); `from` itself is
  //! never counted. n = 0 returns `from`. "Within 3 working days of signing" means on or before
  //! AddWorkingDays(signed, 3).
  Date AddWorkingDays(Date from, int n) const;
  //! The number of working days d with from < d <= to; negative when to < from.
  int WorkingDaysBetween(Date from, Date to) const;

  //! Whether the holidays of `year` are known. Outside covered years only weekends count as
  //! rest days, so a deadline reaching into such a year is approximate.
  bool Covers(int year) const;
  std::vector<int> CoveredYears() const;
  //! The special days of one year, in date order.
  std::vector<CalendarDay> DaysOfYear(int year) const;

 private:
  bool IsWorkdayLocked(Date d) const;
  mutable std::shared_mutex mu_;
  std::map<int32_t, CalendarDay> days_;
  std::set<int> years_;
};

//! Formats one year's special days as TSV (the format LoadTsv reads).
std::string FormatCalendarTsv(const std::vector<CalendarDay>& days);

}  // namespace huiqi::core
