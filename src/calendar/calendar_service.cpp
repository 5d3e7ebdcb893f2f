#include "calendar/calendar_service.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"

namespace huiqi::calendar {

using core::Status;
using store::Statement;

namespace {

constexpr Statement kListDays{"calendar.list_days", "SELECT day, working, name, source FROM calendar_days"};
constexpr Statement kListYears{"calendar.list_years", "SELECT year FROM calendar_years"};
constexpr Statement kGetDay{"calendar.get_day",
                            "SELECT day, working, name, source FROM calendar_days WHERE day = ?"};
constexpr Statement kUpsertDay{
    "calendar.upsert_day",
    "INSERT INTO calendar_days (day, working, name, source, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, "
    "?) "
    "ON CONFLICT (day) DO UPDATE SET working = excluded.working, name = excluded.name, "
    "source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by"};
constexpr Statement kDeleteDay{"calendar.delete_day", "DELETE FROM calendar_days WHERE day = ?"};
constexpr Statement kUpsertYear{"calendar.upsert_year",
                                "INSERT INTO calendar_years (year, updated_at) VALUES (?, ?) "
                                "ON CONFLICT (year) DO UPDATE SET updated_at = excluded.updated_at"};

nlohmann::json DayJson(const store::Row& r) {
  return {{"date", r.Text("day")},
          {"working", r.Bool("working")},
          {"name", r.Text("name")},
          {"source", r.Text("source")}};
}

Status RequireAdmin(const auth::Principal& p) {
  if (!p.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied("只有平台管理员可以维护节假日",
                                  "only a platform admin may edit the calendar");
  }
  return core::Ok();
}

audit::Actor ActorOf(const auth::Principal& p) { return audit::Actor{p.user_id, p.login}; }

}  // namespace

Status LoadOverrides(store::Database& db, core::WorkCalendar& cal) {
  return db.Read([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(auto days, s.Query(kListDays));
    for (const auto& r : days) {
      HQ_ASSIGN_OR_RETURN(auto date, core::Date::Parse(r.Text("day")));
      cal.SetDay({date, r.Bool("working"), r.Text("name"), r.Text("source")}, /*mark_covered=*/false);
    }
    HQ_ASSIGN_OR_RETURN(auto years, s.Query(kListYears));
    for (const auto& r : years) cal.MarkCovered(static_cast<int>(r.Int("year")));
    return core::Ok();
  });
}

Status CalendarService::SetDay(const auth::Principal& actor, const core::CalendarDay& day) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor));
  if (day.name.empty()) {
    return core::InvalidArgument("name", "required", "请填写节日名称（如 春节）", "name is required");
  }
  if (day.working && !day.date.IsWeekend()) {
    return core::InvalidArgument("kind", "calendar_not_weekend", "调休工作日只能设在周六或周日",
                                 "an adjusted working day must fall on a weekend");
  }
  std::string date = day.date.ToString();
  std::string source = day.source.empty() ? "admin:" + actor.login : day.source;
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(auto before, s.QueryOptional(kGetDay, {date}));
    HQ_RETURN_IF_ERROR(s.Exec(kUpsertDay, {date, int64_t{day.working ? 1 : 0}, day.name, source,
                                           core::FormatTimestamp(clock_.Now()), actor.user_id}));
    nlohmann::json after = {{"date", date}, {"working", day.working}, {"name", day.name}, {"source", source}};
    return audit::Record(s, clock_, ActorOf(actor), "calendar.set_day", "calendar_day", date,
                         before ? DayJson(*before) : nlohmann::json(), after);
  }));
  cal_.SetDay({day.date, day.working, day.name, source}, /*mark_covered=*/false);
  return core::Ok();
}

Status CalendarService::ClearDay(const auth::Principal& actor, core::Date date) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor));
  std::string key = date.ToString();
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(auto before, s.QueryOptional(kGetDay, {key}));
    if (!before) return core::NotFound("该日期的节假日设置", "calendar entry");
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteDay, {key}));
    return audit::Record(s, clock_, ActorOf(actor), "calendar.clear_day", "calendar_day", key,
                         DayJson(*before), nlohmann::json());
  }));
  cal_.ClearDay(date);
  return core::Ok();
}

Status CalendarService::MarkYearComplete(const auth::Principal& actor, int year) {
  HQ_RETURN_IF_ERROR(RequireAdmin(actor));
  if (year < 2000 || year > 2100) {
    return core::InvalidArgument("year", "invalid_year", "年份无效", "year out of range");
  }
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kUpsertYear, {int64_t{year}, core::FormatTimestamp(clock_.Now())}));
    return audit::Record(s, clock_, ActorOf(actor), "calendar.complete_year", "calendar_year",
                         std::to_string(year), nlohmann::json(), {{"year", year}, {"complete", true}});
  }));
  cal_.MarkCovered(year);
  return core::Ok();
}

}  // namespace huiqi::calendar
