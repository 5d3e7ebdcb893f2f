// huiqi rule check | huiqi match count | huiqi gen enterprises — the rules engine from the
// command line.

#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "enterprise/archive.h"
#include "enterprise/attributes.h"
#include "enterprise/generator.h"
#include "match/bitmap_engine.h"
#include "match/sql_compiler.h"
#include "rules/evaluator.h"

namespace huiqi::app {

namespace {

struct RuleArgs {
  std::string rule, engine = "bitmap";
  int64_t count = 1000;
  int64_t up_to = 0;
  uint64_t seed = 1;
};

rules::Node ParseOrFail(const std::string& text, const rules::Schema& schema) {
  auto r = rules::Parse(text, schema);
  if (r.ok()) return std::move(r).value();
  std::cout << r.error().message << "\n";
  if (r.error().position >= 0) {
    std::cout << "  " << text << "\n  " << std::string(static_cast<size_t>(r.error().position), ' ') << "^\n";
  }
  throw ExitCode{1};
}

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

int64_t CountWith(const std::string& engine, const rules::Node& rule, const rules::Schema& schema,
                  store::Database& db, core::Date today) {
  if (engine == "sql") {
    auto sql = match::CompileSql(rule, schema, today);
    if (!sql.ok()) Fail(sql.error());
    std::string text = "SELECT COUNT(*) AS n FROM enterprises e WHERE " + sql->condition;
    auto n = db.ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne({"match.count_sql", text}, sql->params, "", ""));
      return row.Int("n");
    });
    if (!n.ok()) Fail(n.error());
    return *n;
  }
  core::SystemClock clock;
  enterprise::Archive archive(db, clock);
  auto t0 = std::chrono::steady_clock::now();
  auto all = archive.LoadAllFacts();
  if (!all.ok()) Fail(all.error());
  std::cerr << "loaded " << all->size() << " enterprises in " << MsSince(t0) << " ms\n";
  if (engine == "row") {
    int64_t n = 0;
    for (const auto& [id, facts] : *all) n += rules::EvaluateRule(rule, facts, today) == rules::Truth::kTrue;
    return n;
  }
  match::BitmapEngine bitmap(schema);
  for (const auto& [id, facts] : *all) bitmap.Upsert(static_cast<uint32_t>(id), facts);
  bitmap.RebuildBins();
  auto t1 = std::chrono::steady_clock::now();
  auto counts = bitmap.Count(rule, today);
  std::cerr << "bitmap count in " << MsSince(t1) << " ms (" << counts.unknown
            << " may qualify with more data)\n";
  return static_cast<int64_t>(counts.eligible);
}

}  // namespace

void AddRuleCommands(CLI::App& cli, CommonOptions& common) {
  auto a = std::make_shared<RuleArgs>();
  auto* rule = cli.add_subcommand("rule", "申报条件规则 eligibility rules");
  rule->require_subcommand(1);
  auto* check = rule->add_subcommand("check", "检查规则：打印规范形式，出错时打印位置并以 1 退出");
  AddCommonOptions(*check, common);
  check->add_option("rule", a->rule, "规则文本 the rule")->required();
  check->callback([a] {
    rules::Schema schema = rules::BuiltinSchema();
    rules::Node n = ParseOrFail(a->rule, schema);
    std::cout << rules::Print(n, schema) << "\n";
    for (const auto* leaf : rules::Leaves(n)) std::cout << "  · " << rules::Describe(*leaf, schema) << "\n";
  });

  auto* match_cmd = cli.add_subcommand("match", "匹配 matching");
  match_cmd->require_subcommand(1);
  auto* count =
      match_cmd->add_subcommand("count", "统计符合规则的企业数 count the enterprises a rule selects");
  AddCommonOptions(*count, common);
  count->add_option("--rule", a->rule, "规则文本")->required();
  count->add_option("--engine", a->engine, "row | bitmap | sql")
      ->check(CLI::IsMember({"row", "bitmap", "sql"}))
      ->capture_default_str();
  count->callback([&common, a] {
    auto db = OpenMigratedDatabase(common);
    auto loaded = enterprise::LoadSchema(*db);  // built-in and registered attributes
    if (!loaded.ok()) Fail(loaded.error());
    rules::Schema schema = std::move(*loaded);
    rules::Node n = ParseOrFail(a->rule, schema);
    core::Date today = core::ShanghaiDate(std::chrono::system_clock::now());
    std::cout << CountWith(a->engine, n, schema, *db, today) << "\n";
  });

  AddMatchEnterpriseCommand(*match_cmd, common);

  auto* gen = cli.add_subcommand("gen", "生成合成数据 synthetic data");
  gen->require_subcommand(1);
  auto* ents = gen->add_subcommand("enterprises", "生成合成企业档案 synthetic enterprises, written in bulk");
  AddCommonOptions(*ents, common);
  ents->add_option("--count", a->count, "数量")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{50000000}));
  ents->add_option("--seed", a->seed, "随机种子")->capture_default_str();
  ents->add_option("--up-to", a->up_to, "只补足到这么多家企业（已有则不再生成；make run 用它保证可重复执行）")
      ->check(CLI::Range(int64_t{1}, int64_t{50000000}));
  ents->callback([&common, a] {
    auto db = OpenMigratedDatabase(common);
    auto ref = LoadReferenceData(common);
    core::SystemClock clock;
    enterprise::Archive archive(*db, clock);
    auto existing = archive.Count();
    if (!existing.ok()) Fail(existing.error());
    if (a->up_to > 0) {
      a->count = std::max<int64_t>(0, a->up_to - *existing);
      if (a->count == 0) {
        std::cout << "0 enterprises generated (" << *existing << " already there)\n";
        return;
      }
    }
    enterprise::Generator gen(ref, a->seed, core::ShanghaiDate(clock.Now()));
    auto t0 = std::chrono::steady_clock::now();
    constexpr int64_t kBatch = 20000;
    for (int64_t done = 0; done < a->count;) {
      std::vector<enterprise::EnterpriseRecord> batch;
      int64_t n = std::min(kBatch, a->count - done);
      for (int64_t i = 0; i < n; ++i) batch.push_back(gen.Next(*existing + done + i));
      auto st = archive.InsertBatch(batch);
      if (!st.ok()) Fail(st.error());
      done += n;
      std::cerr << "\r生成 generated " << done << " / " << a->count << " ("
                << static_cast<int>(MsSince(t0) / 1000) << " s)" << std::flush;
    }
    std::cerr << "\n";
    std::cout << a->count << " enterprises in " << MsSince(t0) / 1000 << " s\n";
  });
}

}  // namespace huiqi::app
