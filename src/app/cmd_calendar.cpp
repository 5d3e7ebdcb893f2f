// huiqi calendar add|is-workday|between — the working-day calendar from the command line.

#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"

namespace huiqi::app {

namespace {

struct CalendarArgs {
  std::string date, from, to;
  int n = 0;
};

core::Date ParseOrFail(const std::string& text, const char* field) {
  auto d = core::Date::Parse(text, field);
  if (!d.ok()) Fail(d.error());
  return *d;
}

// Admin additions live in the database; use them when the database already exists, never
// create one just to answer a date question.
std::unique_ptr<store::Database> MaybeOpen(const CommonOptions& common) {
  if (common.db_url.rfind("sqlite:", 0) == 0 && !std::filesystem::exists(common.db_url.substr(7))) {
    return nullptr;
  }
  return OpenMigratedDatabase(common);
}

void WarnIfUncovered(const core::WorkCalendar& cal, core::Date a, core::Date b) {
  for (int y = std::min(a, b).year(); y <= std::max(a, b).year(); ++y) {
    if (!cal.Covers(y)) {
      std::cerr << "警告：" << y << " 年的节假日安排尚未录入，仅按周末计算 (holidays of " << y
                << " not loaded; weekends only)\n";
    }
  }
}

}  // namespace

void AddCalendarCommands(CLI::App& cli, CommonOptions& common) {
  auto args = std::make_shared<CalendarArgs>();
  auto* cal_cmd = cli.add_subcommand("calendar", "工作日日历 working-day calendar");
  cal_cmd->require_subcommand(1);

  auto* add = cal_cmd->add_subcommand(
      "add", "打印 DATE 之后第 N 个工作日 (N<0: 之前) — the date N working days after DATE");
  AddCommonOptions(*add, common);
  add->add_option("date", args->date, "YYYY-MM-DD")->required();
  add->add_option("n", args->n, "工作日数 number of working days")->required();
  add->callback([&common, args] {
    auto db = MaybeOpen(common);
    auto cal = LoadCalendar(common, db.get());
    core::Date from = ParseOrFail(args->date, "date");
    core::Date result = cal.AddWorkingDays(from, args->n);
    WarnIfUncovered(cal, from, result);
    std::cout << result.ToString() << "\n";
  });

  auto* is = cal_cmd->add_subcommand("is-workday", "是否工作日：打印 yes 或 no — prints yes or no");
  AddCommonOptions(*is, common);
  is->add_option("date", args->date, "YYYY-MM-DD")->required();
  is->callback([&common, args] {
    auto db = MaybeOpen(common);
    auto cal = LoadCalendar(common, db.get());
    core::Date d = ParseOrFail(args->date, "date");
    WarnIfUncovered(cal, d, d);
    std::cout << (cal.IsWorkday(d) ? "yes" : "no") << "\n";
  });

  auto* between = cal_cmd->add_subcommand(
      "between", "FROM 之后至 TO（含）的工作日数 — working days after FROM up to and including TO");
  AddCommonOptions(*between, common);
  between->add_option("from", args->from, "YYYY-MM-DD")->required();
  between->add_option("to", args->to, "YYYY-MM-DD")->required();
  between->callback([&common, args] {
    auto db = MaybeOpen(common);
    auto cal = LoadCalendar(common, db.get());
    core::Date from = ParseOrFail(args->from, "from"), to = ParseOrFail(args->to, "to");
    WarnIfUncovered(cal, from, to);
    std::cout << cal.WorkingDaysBetween(from, to) << "\n";
  });
}

}  // namespace huiqi::app
