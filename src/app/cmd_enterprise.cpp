// huiqi enterprise import | show, huiqi match enterprise — the archive and one enterprise's
// matches from the command line.

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "core/money.h"
#include "enterprise/attributes.h"
#include "enterprise/profile.h"
#include "match/item_matcher.h"
#include "policy/match_catalogue.h"
#include "rules/advice.h"

namespace huiqi::app {

namespace {

rules::Schema SchemaOf(store::Database& db) {
  auto schema = enterprise::LoadSchema(db);
  if (!schema.ok()) Fail(schema.error());
  return std::move(*schema);
}

struct AttributeArgs {
  std::string key, label, type, unit, source, as_of;
  std::vector<std::string> enum_values, aliases;
};

struct EnterpriseArgs {
  std::string file, uscc, source;
  bool skip_invalid = false;
};

}  // namespace

void AddEnterpriseCommands(CLI::App& cli, CommonOptions& common) {
  auto a = std::make_shared<EnterpriseArgs>();
  auto* ent = cli.add_subcommand("enterprise", "企业档案 the enterprise archive");
  ent->require_subcommand(1);

  auto* import =
      ent->add_subcommand("import", "导入企业档案 CSV（表头：统一社会信用代码, 企业名称, 属性…, tags）");
  AddCommonOptions(*import, common);
  import->add_option("file", a->file, "CSV 文件")->required()->check(CLI::ExistingFile);
  import->add_flag("--skip-invalid", a->skip_invalid,
                   "跳过不合格行，导入其余行（默认：有不合格行则全部不导入）");
  import->add_option("--source", a->source,
                     "数据来源（如 税务、科技局；登记了归属部门的来源，新标签记为该部门报送，"
                     "默认：导入 <文件名>）");
  import->callback([&common, a] {
    auto db = OpenMigratedDatabase(common);
  auto ref = LoadReferenceData(common);
  core::SystemClock clock;
  rules::Schema schema = SchemaOf(*db);
  enterprise::ProfileService profiles(*db, clock, schema, &ref);
  std::ifstream in(a->file, std::ios::binary);
  enterprise::ImportOptions opts;
  opts.skip_invalid = a->skip_invalid;
  opts.source = a->source.empty() ? "导入 " + a->file : a->source;
  auto report = profiles.ImportCsv(audit::Actor{std::nullopt, "cli"}, in, opts);
  if (!report.ok()) Fail(report.error());
  for (const auto& e : report->errors) {
    std::cerr << "第 " << e.row << " 行 " << e.field << "：" << e.message << "\n";
  }
  std::cout << report->rows << " rows: " << report->created << " created, " << report->updated << " updated, "
            << report->unchanged << " unchanged, " << report->invalid << " invalid\n";
  if (!report->committed) {
    std::cerr << "有不合格行，未导入任何数据（修正后重试，或加 --skip-invalid）\n";
    throw ExitCode{1};
  }
});

auto* show = ent->add_subcommand("show", "显示一家企业的档案（JSON）");
AddCommonOptions(*show, common);
show->add_option("uscc", a->uscc, "统一社会信用代码")->required();
show->callback([&common, a] {
  auto db = OpenMigratedDatabase(common);
  core::SystemClock clock;
  rules::Schema schema = SchemaOf(*db);
  enterprise::ProfileService profiles(*db, clock, schema, nullptr);
  auto p = profiles.Get(a->uscc);
  if (!p.ok()) Fail(p.error());
  std::cout << enterprise::ProfileJson(*p, profiles.schema(), core::ShanghaiDate(clock.Now())).dump(2)
            << "\n";
});
}  // namespace huiqi::app

void AddAttributeCommands(CLI::App& cli, CommonOptions& common) {
  auto a = std::make_shared<AttributeArgs>();
  auto* attr = cli.add_subcommand("attribute", "档案属性登记 the attribute registry");
  attr->require_subcommand(1);
  auto* list = attr->add_subcommand("list", "列出全部档案属性（内置与登记）");
  AddCommonOptions(*list, common);
  list->callback([&common] {
    auto db = OpenMigratedDatabase(common);
    rules::Schema schema = SchemaOf(*db);
    for (const auto& d : schema.attributes()) {
      std::cout << d.key << "\t" << d.label << "\t" << rules::AttrTypeCode(d.type) << "\t" << d.unit << "\t"
                << d.source << (d.derived ? "\t计算" : "") << "\n";
    }
  });
  auto* add = attr->add_subcommand("add", "登记新的档案属性（平台管理员操作；运行中的服务在一秒内加载）");
  AddCommonOptions(*add, common);
  add->add_option("--key", a->key, "属性键（字母、数字、下划线）")->required();
  add->add_option("--label", a->label, "中文名称")->required();
  add->add_option("--type", a->type, "int | decimal | money | percent | date | enum | bool")->required();
  add->add_option("--unit", a->unit, "单位");
  add->add_option("--source", a->source, "数据来源部门");
  add->add_option("--enum", a->enum_values, "枚举可选值")->delimiter(',');
  add->add_option("--alias", a->aliases, "别名")->delimiter(',');
  add->add_option("--as-of", a->as_of, "数据截止日期 YYYY-MM-DD");
  add->callback([&common, a] {
    auto db = OpenMigratedDatabase(common);
    core::SystemClock clock;
    rules::AttributeDef def;
    def.key = a->key;
    def.label = a->label;
    auto type = rules::ParseAttrType(a->type);
    if (!type.ok())
      Fail(core::InvalidArgument("type", "invalid_type", "属性类型无效：" + a->type, "invalid type"));
    def.type = *type;
    def.unit = a->unit;
    def.source = a->source;
    def.enum_values = a->enum_values;
    def.aliases = a->aliases;
    std::optional<core::Date> as_of;
    if (!a->as_of.empty()) {
      auto d = core::Date::Parse(a->as_of, "as_of");
      if (!d.ok()) Fail(d.error());
      as_of = *d;
    }
    auth::Principal cli_admin;
    cli_admin.login = "cli";
    cli_admin.kind = auth::UserKind::kPlatformAdmin;
    auto added = enterprise::AddAttribute(*db, clock, cli_admin, def, as_of);
    if (!added.ok()) Fail(added.error());
    std::cout << "attribute " << def.key << " (" << def.label << ") registered\n";
  });
}

void AddMatchEnterpriseCommand(CLI::App& match_cmd, CommonOptions& common) {
  auto uscc = std::make_shared<std::string>();
  auto* cmd =
      match_cmd.add_subcommand("enterprise", "一家企业可享受的事项（逐条件说明、差一点的事项、预计金额）");
  AddCommonOptions(*cmd, common);
  cmd->add_option("uscc", *uscc, "统一社会信用代码")->required();
  cmd->callback([&common, uscc] {
    auto db = OpenMigratedDatabase(common);
    auto cal = LoadCalendar(common, db.get());
    core::SystemClock clock;
    core::Date today = core::ShanghaiDate(clock.Now());
    rules::Schema schema = SchemaOf(*db);
    enterprise::ProfileService profiles(*db, clock, schema, nullptr);
    auto p = profiles.Get(*uscc);
    if (!p.ok()) Fail(p.error());
    policy::PolicyService policies(*db, clock, cal, &schema);
    auto catalogue = policy::LoadMatchCatalogue(policies, schema, today);
    if (!catalogue.ok()) Fail(catalogue.error());
    auto ref = LoadReferenceData(common);
    rules::CodeNamer namer = rules::ReferenceNamer(ref);
    match::EnterpriseMatch m = match::MatchEnterprise(catalogue->items, schema, p->facts, today, namer);
    std::cout << p->name << "（" << p->uscc << "）\n";
    std::cout << "可享受 " << m.eligible.size() << " 项，预计可享受 "
              << core::FormatMoneyCompact(m.eligible_total_fen)
              << (m.eligible_without_amount
                      ? "，另有 " + std::to_string(m.eligible_without_amount) + " 项按实际核定"
                      : "")
              << "\n";
    for (const auto& v : m.eligible) {
      std::cout << "  ✓ [" << v.item->id << "] " << v.item->name << "  " << v.estimate.text
                << (v.in_total ? "（计入合计：" + v.estimate.basis + "）" : "") << "\n";
    }
    std::cout << "待部门审核 " << m.pending_review.size() << " 项（不计入合计）\n";
    for (const auto& v : m.pending_review) std::cout << "  ? [" << v.item->id << "] " << v.item->name << "\n";
    std::cout << "面向员工个人 " << m.for_staff.size() << " 项（不计入合计）\n";
    for (const auto& v : m.for_staff) std::cout << "  · [" << v.item->id << "] " << v.item->name << "\n";
    std::cout << "差一点 " << m.near_misses.size() << " 项\n";
    for (const auto& v : m.near_misses) {
      std::cout << "  ✗ [" << v.item->id << "] " << v.item->name << "\n";
      for (const auto& c : v.evaluation.conditions) {
        if (c.outcome != rules::Truth::kFalse) continue;
        std::string action = rules::ActionFor(*c.node, schema, p->facts, today, namer);
        if (!action.empty()) std::cout << "      " << action << "\n";
      }
    }
    std::cout << "待补充数据 " << m.unknown.size() << " 项\n";
    for (const auto& v : m.unknown) {
      std::cout << "  ? [" << v.item->id << "] " << v.item->name << "：";
      for (const auto& c : v.evaluation.conditions) {
        if (c.outcome == rules::Truth::kUnknown) std::cout << c.description << "；";
      }
      std::cout << "\n";
    }
    for (const auto& e : m.exclusivity) {
      std::cout << "不可同时享受（" << e.group << "）：建议 " << e.recommended->name << "\n";
    }
  });
}

}  // namespace huiqi::app
