#include "http/api/system_api.h"

#include <nlohmann/json.hpp>

#include "core/uscc.h"
#include "http/api/handlers.h"
#include "store/migrations.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

json DayJson(const core::WorkCalendar& cal, core::Date d) {
  core::DayInfo info = cal.Describe(d);
  return {{"date", d.ToString()},
          {"kind", core::DayKindCode(info.kind)},
          {"kind_label", core::DayKindLabel(info.kind)},
          {"working", info.working},
          {"name", info.name},
          {"covered", cal.Covers(d.year())}};
}

core::Result<core::Date> DateParam(const Request& req, const std::string& name, bool from_path) {
  std::string text =
      from_path ? (req.path_params.count(name) ? req.path_params.at(name) : "") : req.Query(name);
  if (text.empty()) {
    return core::InvalidArgument(name, "required", "缺少参数 " + name, "missing parameter " + name);
  }
  return core::Date::Parse(text, name);
}

core::Result<int> IntParam(const std::string& text, const std::string& name, int lo, int hi) {
  try {
    size_t used = 0;
    int v = std::stoi(text, &used);
    if (used == text.size() && v >= lo && v <= hi) return v;
  } catch (...) {
  }
  return core::InvalidArgument(
      name, "invalid_number",
      name + " 应为 " + std::to_string(lo) + " 到 " + std::to_string(hi) + " 之间的整数",
      name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

json CodeList(const core::CodeTable& table, const std::string& parent) {
  json items = json::array();
  auto entries = parent.empty() ? table.All() : table.Children(parent);
  for (const auto* e : entries) {
    items.push_back({{"code", e->code}, {"name", e->name}, {"parent", e->parent}, {"level", e->level}});
  }
  return {{"items", items}, {"total", items.size()}};
}

void RegisterCalendarRoutes(Router& router, SystemApiDeps deps) {
  auto& cal = deps.calendar;
  router.Add("GET", "/api/v1/calendar/{year}", Access::Public().On("year"), [&cal](Request& req) {
    auto year = IntParam(req.path_params["year"], "year", 1900, 2200);
    if (!year.ok()) return Response::FromError(year.error());
    json days = json::array();
    for (const auto& d : cal.calendar().DaysOfYear(*year)) days.push_back(DayJson(cal.calendar(), d.date));
    return Response::Ok({{"year", *year}, {"covered", cal.calendar().Covers(*year)}, {"days", days}});
  });
  router.Add("GET", "/api/v1/calendar/days/{date}", Access::Public().On("date"), [&cal](Request& req) {
    auto d = DateParam(req, "date", true);
    if (!d.ok()) return Response::FromError(d.error());
    return Response::Ok(DayJson(cal.calendar(), *d));
  });
  router.Add("GET", "/api/v1/calendar/add", Access::Public(), [&cal](Request& req) {
    auto from = DateParam(req, "from", false);
    if (!from.ok()) return Response::FromError(from.error());
    auto n = IntParam(req.Query("n"), "n", -3650, 3650);
    if (!n.ok()) return Response::FromError(n.error());
    core::Date result = cal.calendar().AddWorkingDays(*from, *n);
    bool exact = cal.calendar().Covers(from->year()) && cal.calendar().Covers(result.year());
    return Response::Ok(
        {{"from", from->ToString()}, {"n", *n}, {"date", result.ToString()}, {"exact", exact}});
  });
  router.Add("GET", "/api/v1/calendar/between", Access::Public(), [&cal](Request& req) {
    auto from = DateParam(req, "from", false);
    if (!from.ok()) return Response::FromError(from.error());
    auto to = DateParam(req, "to", false);
    if (!to.ok()) return Response::FromError(to.error());
    return Response::Ok({{"from", from->ToString()},
                         {"to", to->ToString()},
                         {"working_days", cal.calendar().WorkingDaysBetween(*from, *to)}});
  });
  router.Add("PUT", "/api/v1/admin/calendar/days/{date}", Access::Admin().On("date"), [&cal](Request& req) {
    auto d = DateParam(req, "date", true);
    if (!d.ok()) return Response::FromError(d.error());
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    std::string kind = body->value("kind", "");
    if (kind != "holiday" && kind != "workday") {
      return Response::FromError(core::InvalidArgument("kind", "invalid_enum",
                                                       "kind 应为 holiday（放假）或 workday（调休上班）",
                                                       "kind must be holiday or workday"));
    }
    core::CalendarDay day{*d, kind == "workday", body->value("name", ""), body->value("source", "")};
    auto st = cal.SetDay(req.User(), day);
    if (!st.ok()) return Response::FromError(st.error());
    return Response::Ok(DayJson(cal.calendar(), *d));
  });
  router.Add("DELETE", "/api/v1/admin/calendar/days/{date}", Access::Admin().On("date"),
             [&cal](Request& req) {
               auto d = DateParam(req, "date", true);
               if (!d.ok()) return Response::FromError(d.error());
               auto st = cal.ClearDay(req.User(), *d);
               if (!st.ok()) return Response::FromError(st.error());
               return Response::Ok(DayJson(cal.calendar(), *d));
             });
  router.Add("POST", "/api/v1/admin/calendar/years/{year}/complete", Access::Admin().On("year"),
             [&cal](Request& req) {
               auto year = IntParam(req.path_params["year"], "year", 2000, 2100);
               if (!year.ok()) return Response::FromError(year.error());
               auto st = cal.MarkYearComplete(req.User(), *year);
               if (!st.ok()) return Response::FromError(st.error());
               return Response::Ok({{"year", *year}, {"covered", true}});
             });
}

}  // namespace

void RegisterSystemApi(Router& router, SystemApiDeps deps) {
  router.Add("GET", "/api/v1/health", Access::Public(), [deps](Request&) {
    auto level = store::CurrentVersion(deps.db);
    json body = {{"version", HUIQI_VERSION},
                 {"time", core::FormatTimestamp(deps.clock.Now())},
                 {"database",
                  {{"kind", store::KindName(deps.db.kind())},
                   {"latest_migration", store::AllMigrations().back().version}}}};
    if (!level.ok()) {
      body["status"] = "unavailable";
      body["database"]["error"] = level.error().message_en;
      return Response::Json(503, body);
    }
    body["status"] = "ok";
    body["database"]["migration_level"] = *level;
    return Response::Ok(body);
  });
  RegisterCalendarRoutes(router, deps);
  router.Add("GET", "/api/v1/reference/regions", Access::Public(), Caching::kPublished, [deps](Request& req) {
    return Response::Ok(CodeList(deps.reference.regions(), req.Query("parent")));
  });
  router.Add("GET", "/api/v1/reference/industries", Access::Public(), Caching::kPublished,
             [deps](Request& req) {
               return Response::Ok(CodeList(deps.reference.industries(), req.Query("parent")));
             });
  router.Add("POST", "/api/v1/uscc/check", Access::Public(), [](Request& req) {
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    auto it = body->find("uscc");
    if (it == body->end() || !it->is_string()) {
      return Response::FromError(
          core::InvalidArgument("uscc", "invalid_type", "uscc 应为字符串", "uscc must be a string"));
    }
    auto st = core::ValidateUscc(it->get<std::string>());
    if (st.ok()) return Response::Ok({{"valid", true}});
    return Response::Ok({{"valid", false}, {"code", st.error().code}, {"reason", st.error().message}});
  });
}

void RegisterRouteTableApi(Router& router) {
  router.Add("GET", "/api/v1/admin/routes", Access::Admin(), [&router](Request&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : router.Routes()) {
      nlohmann::json kinds = nlohmann::json::array(), roles = nlohmann::json::array();
      for (auto k : r.access.kinds) kinds.push_back(auth::UserKindCode(k));
      for (auto role : r.access.roles) roles.push_back(auth::RoleCode(role));
      items.push_back({{"method", r.method},
                       {"pattern", r.pattern},
                       {"login_required", r.access.login_required},
                       {"kinds", kinds},
                       {"roles", roles},
                       {"object", OptText(r.access.object)},
                       {"owned", r.access.owned},
                       {"owner_checked", r.owner_checked},
                       {"cached", r.caching == Caching::kPublished}});
    }
    return Response::Json(200, {{"items", items}, {"total", items.size()}});
  });
}

}  // namespace huiqi::http
