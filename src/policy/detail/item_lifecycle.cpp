// Items and their guides (常州办法 第十一至十四条; 江阴办法 第十一条).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "policy/detail/lifecycle.h"
#include "policy/detail/machines.h"
#include "policy/detail/name_similarity.h"
#include "policy/detail/repository.h"
#include "policy/policy_json.h"
#include "rules/amount.h"
#include "rules/rule.h"
#include "rules/rule_json.h"

namespace huiqi::policy::detail {

using core::Result;
using core::Status;
using store::Session;

namespace {

audit::Actor ActorOf(const auth::Principal& p) {
  return audit::Actor{p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt, p.login};
}

Status Audit(Session& s, const Ctx& ctx, const auth::Principal& actor, std::string_view action, int64_t id,
             const nlohmann::json& before) {
  HQ_ASSIGN_OR_RETURN(Item after, LoadItem(s, id));
  return audit::Record(s, ctx.clock, ActorOf(actor), action, "item", std::to_string(id), before,
                       ItemToJson(after));
}

Status ValidateGuide(const ItemInput& in, const rules::Schema& schema) {
  if (in.period_type == PeriodType::kFixed && (!in.window_start || !in.window_end)) {
    return core::InvalidArgument(in.window_start ? "window_end" : "window_start", "required",
                                 "固定期限事项须填写申报起止日期", "a fixed-period item needs its window");
  }
  if (in.window_start && in.window_end && *in.window_end < *in.window_start) {
    return core::InvalidArgument("window_end", "invalid_period", "申报截止日期早于起始日期",
                                 "window_end is before window_start");
  }
  for (size_t i = 0; i < in.materials.size(); ++i) {
    if (in.materials[i].name.empty()) {
      return core::InvalidArgument("materials[" + std::to_string(i) + "].name", "required", "请填写材料名称",
                                   "material name is required");
    }
  }
  for (size_t i = 0; i < in.process.size(); ++i) {
    if (in.process[i].stage.empty()) {
      return core::InvalidArgument("process[" + std::to_string(i) + "].stage", "required",
                                   "请填写流程环节名称", "stage is required");
    }
  }
  for (size_t i = 0; i < in.conditions.size(); ++i) {
    if (in.conditions[i].empty()) {
      return core::InvalidArgument("conditions[" + std::to_string(i) + "]", "required", "申报条件不能为空",
                                   "a condition is empty");
    }
  }
  // The eligibility rule and the amount formula must be valid against the attribute schema,
  // or matching could not use them; the parser's error names the position.
  if (!in.rule_text.empty()) {
    auto rule = rules::Parse(in.rule_text, schema);
    if (!rule.ok()) return rule.error();
  }
  auto amount = rules::ParseAmountText(in.amount_json, schema);
  if (!amount.ok()) return amount.error();
  return core::Ok();
}

// The guide's deadlines for `in`, carrying over what `before` recorded.
GuideTiming Timing(const ItemInput& in, const Item* before, const Ctx& ctx) {
  GuideTiming t;
  if (before) t = before->timing;
  // 常州办法 第十一条: the guide is published at the latest 5 working days before the window opens.
  t.latest_publication = std::nullopt;
  if (in.period_type != PeriodType::kYearRound && in.window_start) {
    t.latest_publication = ctx.calendar.AddWorkingDays(*in.window_start, -5);
  }
  // 江阴办法 第十一条: a 期限待定 item that gets its window goes live within 3 working days.
  if (before && before->period_type == PeriodType::kPending && !before->window_start && in.window_start) {
    t.window_set_on = ctx.Today();
    t.golive_deadline = ctx.calendar.AddWorkingDays(*t.window_set_on, 3);
    if (before->status == ItemStatus::kPublished) t.published_on = ctx.Today();  // the window goes live now
  }
  if (t.published_on) {
    t.late = t.latest_publication && *t.published_on > *t.latest_publication;
    t.golive_late = t.golive_deadline && *t.published_on > *t.golive_deadline;
  }
  return t;
}

Result<ItemRow> Resolve(Session& s, const Ctx& ctx, const auth::Principal& actor, const Policy& policy,
                        const ItemInput& in, std::optional<int64_t> current_department) {
  HQ_RETURN_IF_ERROR(ValidateGuide(in, ctx.schema));
  ItemRow row{in, 0, {}};
  if (!in.department.empty()) {
    HQ_ASSIGN_OR_RETURN(DepartmentRef d, DepartmentByCode(s, in.department, "department"));
    row.department_id = d.id;
  } else if (current_department) {
    row.department_id = *current_department;
  } else if (actor.department_id && CanManage(&actor, policy.departments)) {
    row.department_id = *actor.department_id;
  } else {
    row.department_id = policy.lead().id;
  }
  // 常州办法 第十二条: the issuing departments split a policy into items.
  bool issuing = std::any_of(policy.departments.begin(), policy.departments.end(),
                             [&](const DepartmentRef& d) { return d.id == row.department_id; });
  if (!issuing) {
    return core::InvalidArgument("department", "not_issuing_department",
                                 "事项责任部门须为该政策的发文部门之一",
                                 "the item's department must be one of the policy's issuing departments");
  }
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, row.department_id));
  HQ_ASSIGN_OR_RETURN(row.tag_ids, TagIds(s, in.tags, "tags"));
  return row;
}

core::Error SimilarNameConflict(const std::string& name, const std::vector<CatalogueEntry>& similar) {
  std::string zh, en;
  for (const auto& e : similar) {
    zh += (zh.empty() ? "" : "、") + ("“" + e.name + "”（" + e.department.name + "）");
    en += (en.empty() ? "" : "; ") + e.name;
  }
  return core::MakeError(
      core::ErrorKind::kConflict, "similar_item_name",
      "事项名称“" + name + "”与事项目录中已有的名称相近：" + zh +
          "。同一事项全市应使用同一名称（常州办法第十三条）：请复用已有名称（catalogue_id），"
          "或确认这是不同的事项（confirm_new_name）",
      "similar catalogue names exist: " + en, "name");
}

// The catalogue entry the item is filed under: reused, or a new governed name.
Result<int64_t> CatalogueFor(Session& s, const Ctx& ctx, const ItemInput& in, int64_t department_id) {
  if (in.catalogue_id) {
    HQ_ASSIGN_OR_RETURN(CatalogueEntry e, CatalogueById(s, *in.catalogue_id));
    return e.id;
  }
  if (in.name.empty()) return core::InvalidArgument("name", "required", "请填写事项名称", "name is required");
  HQ_ASSIGN_OR_RETURN(auto similar, FindSimilarNames(s, in.name));
  std::string normalized = NormalizeName(in.name);
  bool same = std::any_of(similar.begin(), similar.end(),
                          [&](const CatalogueEntry& e) { return NormalizeName(e.name) == normalized; });
  if (!similar.empty() && (!in.confirm_new_name || same)) return SimilarNameConflict(in.name, similar);
  return InsertCatalogueName(s, in.name, normalized, department_id, ctx.Now());
}

// Everything an item needs before publication, listed at once.
std::vector<std::pair<std::string, std::string>> GuideGaps(const Item& it) {
  std::vector<std::pair<std::string, std::string>> gaps;
  if (it.conditions.empty()) gaps.emplace_back("conditions", "申报条件（至少一条）");
  if (it.materials.empty() && !it.no_application) gaps.emplace_back("materials", "申报材料（至少一项）");
  if (it.process.empty()) gaps.emplace_back("process", "办理流程（至少一个环节）");
  if (it.period_type == PeriodType::kFixed && !it.window_start) gaps.emplace_back("window_start", "申报时间");
  return gaps;
}

}  // namespace

Result<std::vector<CatalogueEntry>> FindSimilarNames(Session& s, const std::string& name) {
  HQ_ASSIGN_OR_RETURN(auto catalogue, LoadCatalogue(s));
  std::vector<CatalogueEntry> out;
  for (auto& e : catalogue) {
    if (!SimilarNames(name, e.name)) continue;
    e.similarity = NameSimilarity(name, e.name);
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const CatalogueEntry& a, const CatalogueEntry& b) {
    return a.similarity > b.similarity;
  });
  return out;
}

namespace {

constexpr store::Statement kCurrentRule{"item.current_rule",
                                        "SELECT id, version, rule_text, amount_json FROM item_rules WHERE "
                                        "item_id = ? ORDER BY version DESC LIMIT 1"};
constexpr store::Statement kCloseRule{
    "item.close_rule", "UPDATE item_rules SET effective_to = ? WHERE id = ? AND effective_to IS NULL"};
constexpr store::Statement kInsertRule{"item.insert_rule",
                                       "INSERT INTO item_rules (item_id, version, rule_text, ast_json, "
                                       "amount_json, effective_from, created_by, created_at) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};

// A new version of the item's rule when its text or amount formula changed: the previous one
// ends today (periods are [from, to)), the new one is in force from today.
Status RecordRuleVersion(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t item_id,
                         const ItemInput& in) {
  HQ_ASSIGN_OR_RETURN(auto current, s.QueryOptional(kCurrentRule, {item_id}));
  bool open = current.has_value();
  if (open && current->Text("rule_text") == in.rule_text && current->Text("amount_json") == in.amount_json) {
    return core::Ok();
  }
  if (!open && in.rule_text.empty() && in.amount_json.empty()) return core::Ok();
  std::string today = ctx.Today().ToString();
  if (open) HQ_RETURN_IF_ERROR(s.Exec(kCloseRule, {today, current->Int("id")}));
  std::string ast = "null";
  if (!in.rule_text.empty()) {
    auto rule = rules::Parse(in.rule_text, ctx.schema);
    if (!rule.ok()) return rule.error();
    ast = rules::RuleToJson(*rule).dump();
  }
  int64_t version = open ? current->Int("version") + 1 : 1;
  HQ_RETURN_IF_ERROR(
      s.Exec(kInsertRule, {item_id, version, in.rule_text, ast, in.amount_json, today,
                           actor.user_id > 0 ? store::Value(actor.user_id) : store::Null(), ctx.Now()}));
  return core::Ok();
}

}  // namespace

Result<int64_t> CreateItemTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t policy_id,
                             const ItemInput& in, const std::string& key) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Policy policy, LoadPolicy(s, policy_id));
  if (policy.status == PolicyStatus::kSuperseded || policy.status == PolicyStatus::kRepealed) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "policy_not_current",
                           "政策当前状态为“" + std::string(StatusLabel(policy.status)) + "”，不能再拆分事项",
                           "items can only be added to a current policy", "policy_id");
  }
  HQ_ASSIGN_OR_RETURN(ItemRow row, Resolve(s, ctx, actor, policy, in, std::nullopt));
  HQ_ASSIGN_OR_RETURN(int64_t catalogue_id, CatalogueFor(s, ctx, in, row.department_id));
  NewItemMeta meta{policy.root_id,
                   catalogue_id,
                   key,
                   actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt,
                   ctx.Now(),
                   Timing(in, nullptr, ctx)};
  HQ_ASSIGN_OR_RETURN(int64_t id, InsertItem(s, row, meta));
  HQ_RETURN_IF_ERROR(RecordRuleVersion(s, ctx, actor, id, in));
  HQ_RETURN_IF_ERROR(Audit(s, ctx, actor, "item.create", id, nullptr));
  return id;
}

Status UpdateItemTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                    const ItemInput& in) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Item before, LoadItem(s, id));
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, before.department.id));
  HQ_RETURN_IF_ERROR(ItemMachine().Check(before.status == ItemStatus::kPublished ? "edit_published" : "edit",
                                         ItemStatusCode(before.status)));
  HQ_ASSIGN_OR_RETURN(Policy policy, LoadPolicy(s, before.policy_id));
  HQ_ASSIGN_OR_RETURN(ItemRow row, Resolve(s, ctx, actor, policy, in, before.department.id));
  GuideTiming timing = Timing(in, &before, ctx);
  HQ_RETURN_IF_ERROR(UpdateItemContent(s, id, before.status, row, timing, ctx.Now()));
  HQ_RETURN_IF_ERROR(SetItemStatus(s, id, before.status == ItemStatus::kPublished ? "edit_published" : "edit",
                                   before.status, timing, ctx.Now()));
  HQ_RETURN_IF_ERROR(RecordRuleVersion(s, ctx, actor, id, in));
  return Audit(s, ctx, actor, "item.update", id, ItemToJson(before));
}

Status PublishItemTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                     const PublishOptions& options) {
  HQ_ASSIGN_OR_RETURN(Item before, LoadItem(s, id));
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, before.department.id));
  HQ_RETURN_IF_ERROR(ItemMachine().Check("publish", ItemStatusCode(before.status)));
  HQ_ASSIGN_OR_RETURN(Policy policy, LoadPolicy(s, before.policy_id));
  auto gaps = GuideGaps(before);
  std::string zh, en;
  for (const auto& [field, name] : gaps) {
    zh += (zh.empty() ? "" : "、") + name;
    en += (en.empty() ? "" : ", ") + field;
  }
  // The policy comes first: an item of an unpublished policy cannot go live however complete its
  // guide is, so the error says that, not that the guide is incomplete (issue 12 finding 6).
  if (policy.status != PolicyStatus::kPublished) {
    return core::MakeError(
        core::ErrorKind::kFailedPrecondition, "policy_not_published",
        "所属政策《" + policy.title + "》尚未发布（当前状态：" + std::string(StatusLabel(policy.status)) +
            "），请先发布政策，再发布本事项" + (zh.empty() ? "" : "；此外事项指南还缺：" + zh),
        "the item's policy is not published" + (en.empty() ? "" : "; the guide also lacks: " + en), "policy");
  }
  if (!gaps.empty()) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "guide_incomplete",
                           "事项指南不完整，不能发布（常州办法第十四条）：" + zh, "guide incomplete: " + en,
                           gaps.front().first);
  }
  GuideTiming t = before.timing;
  t.published_on = ctx.Today();
  if (options.published_on && actor.Is(auth::UserKind::kPlatformAdmin))
    t.published_on = *options.published_on;
  t.late = t.latest_publication && *t.published_on > *t.latest_publication;
  t.golive_late = t.golive_deadline && *t.published_on > *t.golive_deadline;
  HQ_RETURN_IF_ERROR(SetItemStatus(s, id, "publish", before.status, t, ctx.Now()));
  return Audit(s, ctx, actor, "item.publish", id, ItemToJson(before));
}

Status WithdrawItemTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Item before, LoadItem(s, id));
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, before.department.id));
  HQ_RETURN_IF_ERROR(ItemMachine().Check("withdraw", ItemStatusCode(before.status)));
  HQ_RETURN_IF_ERROR(SetItemStatus(s, id, "withdraw", before.status, before.timing, ctx.Now()));
  return Audit(s, ctx, actor, "item.withdraw", id, ItemToJson(before));
}

}  // namespace huiqi::policy::detail
