// Policy state changes (常州办法 第七、八、十条; 江阴办法 第十二条).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "policy/detail/lifecycle.h"
#include "policy/detail/machines.h"
#include "policy/detail/repository.h"
#include "policy/policy_json.h"

namespace huiqi::policy::detail {

using core::Result;
using core::Status;
using store::Session;

namespace {

audit::Actor ActorOf(const auth::Principal& p) {
  return audit::Actor{p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt, p.login};
}

bool HasAnyRole(const auth::Principal& p, std::initializer_list<auth::Role> roles) {
  if (p.Is(auth::UserKind::kPlatformAdmin)) return true;
  if (!p.Is(auth::UserKind::kDepartmentStaff)) return false;
  return std::any_of(roles.begin(), roles.end(), [&](auth::Role r) { return p.HasRole(r); });
}

Status Audit(Session& s, const Ctx& ctx, const auth::Principal& actor, std::string_view action, int64_t id,
             const nlohmann::json& before) {
  HQ_ASSIGN_OR_RETURN(Policy after, LoadPolicy(s, id));
  return audit::Record(s, ctx.clock, ActorOf(actor), action, "policy", std::to_string(id), before,
                       PolicyToJson(after));
}

// Loads a policy the actor may change: right role checked by the caller, lead department here.
Result<Policy> LoadOwned(Session& s, const auth::Principal& actor, int64_t id) {
  HQ_ASSIGN_OR_RETURN(Policy p, LoadPolicy(s, id));
  // 常州办法 第七条: the lead department of a joint issue publishes it.
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, p.lead().id));
  return p;
}

Result<std::vector<int64_t>> ResolveDepartments(Session& s, const auth::Principal& actor,
                                                const PolicyInput& in) {
  std::vector<std::string> codes = in.departments;
  std::vector<int64_t> ids;
  if (codes.empty()) {
    if (!actor.department_id) {
      return core::InvalidArgument("departments", "required", "请填写发文部门（牵头部门在前）",
                                   "departments are required");
    }
    ids.push_back(*actor.department_id);
    return ids;
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    HQ_ASSIGN_OR_RETURN(DepartmentRef d,
                        DepartmentByCode(s, codes[i], "departments[" + std::to_string(i) + "]"));
    if (std::find(ids.begin(), ids.end(), d.id) == ids.end()) ids.push_back(d.id);
  }
  return ids;
}

Status ValidateInput(const PolicyInput& in) {
  if (in.title.empty())
    return core::InvalidArgument("title", "required", "请填写政策标题", "title is required");
  if (in.valid_from && in.valid_to && *in.valid_to < *in.valid_from) {
    return core::InvalidArgument("valid_to", "invalid_period", "有效期截止日期早于起始日期",
                                 "valid_to is before valid_from");
  }
  for (size_t i = 0; i < in.highlights.size(); ++i) {
    if (in.highlights[i].empty()) {
      return core::InvalidArgument("highlights[" + std::to_string(i) + "]", "required",
                                   "政策干货条目不能为空", "a highlight is empty");
    }
  }
  return core::Ok();
}

Result<PolicyRow> Resolve(Session& s, const auth::Principal& actor, const PolicyInput& in) {
  HQ_RETURN_IF_ERROR(ValidateInput(in));
  PolicyRow row{in, {}, 0, {}};
  HQ_ASSIGN_OR_RETURN(row.department_ids, ResolveDepartments(s, actor, in));
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(actor, row.department_ids.front()));
  row.interpretation_department_id = row.department_ids.front();
  if (!in.interpretation_department.empty()) {
    HQ_ASSIGN_OR_RETURN(DepartmentRef d, DepartmentByCode(s, in.interpretation_department,
                                                          "interpretation.author_department"));
    row.interpretation_department_id = d.id;
  }
  HQ_RETURN_IF_ERROR(RequirePolicyTypes(s, in.types));
  HQ_ASSIGN_OR_RETURN(row.tag_ids, TagIds(s, in.tags, "tags"));
  for (size_t i = 0; i < in.links.size(); ++i) {
    auto target = LoadPolicy(s, in.links[i].target_id);
    if (!target.ok()) {
      return core::InvalidArgument("links[" + std::to_string(i) + "].target_id", "unknown_policy",
                                   "关联的政策不存在", "linked policy not found");
    }
  }
  return row;
}

// A draft of the next version: the content of `p` with its resolved ids.
Result<PolicyRow> RowOf(Session& s, const Policy& p) {
  PolicyRow row;
  PolicyInput& in = row.in;
  in.title = p.title;
  in.doc_number = p.doc_number;
  in.level = p.level;
  for (const auto& t : p.types) in.types.push_back(t.code);
  in.region = p.region;
  in.signed_on = p.signed_on;
  in.upstream_released_on = p.upstream_released_on;
  in.valid_from = p.valid_from;
  in.valid_to = p.valid_to;
  in.full_text = p.full_text;
  in.interpretation_text = p.interpretation_text;
  in.highlights = p.highlights;
  in.attachments = p.attachments;
  in.tags = p.tags;
  in.links = p.links;
  for (const auto& d : p.departments) row.department_ids.push_back(d.id);
  row.interpretation_department_id =
      p.interpretation_department ? p.interpretation_department->id : p.lead().id;
  HQ_ASSIGN_OR_RETURN(row.tag_ids, TagIds(s, in.tags, "tags"));
  return row;
}

bool AboveMunicipal(Level l) { return l == Level::kNational || l == Level::kProvincial; }

// Everything a publication needs, listed at once (常州办法 第八条: 原文、解读、干货同步发布).
std::vector<std::pair<std::string, std::string>> PublishGaps(const Policy& p) {
  std::vector<std::pair<std::string, std::string>> gaps;  // field, Chinese name
  if (p.full_text.empty()) gaps.emplace_back("full_text", "政策原文");
  if (p.interpretation_text.empty()) gaps.emplace_back("interpretation", "政策解读");
  if (p.highlights.empty()) gaps.emplace_back("highlights", "政策干货");
  if (p.doc_number.empty()) gaps.emplace_back("doc_number", "文号");
  if (AboveMunicipal(p.level) && !p.upstream_released_on) {
    gaps.emplace_back("upstream_released_on", "国家或省级部门对外发布日期");
  }
  if (!AboveMunicipal(p.level) && !p.signed_on) gaps.emplace_back("signed_on", "签发日期");
  return gaps;
}

core::Error GapsError(const std::vector<std::pair<std::string, std::string>>& gaps, std::string_view code,
                      std::string_view lead_zh) {
  std::string zh, en;
  for (const auto& [field, name] : gaps) {
    zh += (zh.empty() ? "" : "、") + name;
    en += (en.empty() ? "" : ", ") + field;
  }
  return core::MakeError(core::ErrorKind::kFailedPrecondition, std::string(code), std::string(lead_zh) + zh,
                         "missing: " + en, gaps.front().first);
}

}  // namespace

Status RequireEditor(const auth::Principal& p) {
  if (HasAnyRole(p, {auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin})) return core::Ok();
  return core::PermissionDenied("只有政策专员或部门管理员可以编辑政策和事项", "policy officer role required");
}

Status RequireApprover(const auth::Principal& p) {
  if (HasAnyRole(p, {auth::Role::kReviewer, auth::Role::kDepartmentAdmin})) return core::Ok();
  return core::PermissionDenied("只有审核人员或部门管理员可以审核发布", "reviewer role required");
}

Status RequireAdmin(const auth::Principal& p, std::string_view what_zh) {
  if (p.Is(auth::UserKind::kPlatformAdmin)) return core::Ok();
  return core::PermissionDenied("只有平台管理员可以" + std::string(what_zh), "platform admin only");
}

bool CanManage(const auth::Principal* p, const std::vector<DepartmentRef>& departments) {
  if (!p) return false;
  if (p->Is(auth::UserKind::kPlatformAdmin)) return true;
  if (!p->Is(auth::UserKind::kDepartmentStaff) || !p->department_id) return false;
  return std::any_of(departments.begin(), departments.end(),
                     [&](const DepartmentRef& d) { return d.id == *p->department_id; });
}

PublishRecord ComputePublishRecord(const Policy& p, core::Date published_on, const core::WorkCalendar& cal) {
  PublishRecord r;
  // 常州办法 第十条 / 江阴办法 第十二条: within 3 working days of signing; national and provincial
  // policies within 3 working days of their release by the national or provincial department.
  r.basis_on = AboveMunicipal(p.level) ? p.upstream_released_on : p.signed_on;
  r.published_on = published_on;
  if (r.basis_on) {
    r.deadline = cal.AddWorkingDays(*r.basis_on, 3);
    r.late = published_on > *r.deadline;
    r.working_days_late = r.late ? cal.WorkingDaysBetween(*r.deadline, published_on) : 0;
  }
  return r;
}

Result<int64_t> CreatePolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor,
                               const PolicyInput& in, const std::string& key) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(PolicyRow row, Resolve(s, actor, in));
  NewPolicyMeta meta{std::nullopt, 1, key,
                     actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt, ctx.Now()};
  HQ_ASSIGN_OR_RETURN(int64_t id, InsertPolicy(s, row, meta));
  HQ_RETURN_IF_ERROR(Audit(s, ctx, actor, "policy.create", id, nullptr));
  return id;
}

Status UpdatePolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                      const PolicyInput& in) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Policy before, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("edit", StatusCode(before.status)));
  HQ_ASSIGN_OR_RETURN(PolicyRow row, Resolve(s, actor, in));
  HQ_RETURN_IF_ERROR(UpdatePolicyContent(s, id, before.status, row, ctx.Now()));
  return Audit(s, ctx, actor, "policy.update", id, PolicyToJson(before));
}

Status SubmitPolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Policy before, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("submit", StatusCode(before.status)));
  std::vector<std::pair<std::string, std::string>> gaps;
  if (before.full_text.empty()) gaps.emplace_back("full_text", "政策原文");
  if (before.doc_number.empty()) gaps.emplace_back("doc_number", "文号");
  if (before.types.empty()) gaps.emplace_back("types", "政策类型");
  if (!gaps.empty()) return GapsError(gaps, "submit_incomplete", "提交审核前请补全：");
  HQ_RETURN_IF_ERROR(SetPolicySubmitted(s, id, ctx.Now()));
  return Audit(s, ctx, actor, "policy.submit", id, PolicyToJson(before));
}

Status RejectPolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                      const std::string& reason) {
  HQ_RETURN_IF_ERROR(RequireApprover(actor));
  HQ_ASSIGN_OR_RETURN(Policy before, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("reject", StatusCode(before.status)));
  if (reason.empty())
    return core::InvalidArgument("reason", "required", "请填写退回理由", "reason is required");
  HQ_RETURN_IF_ERROR(SetPolicyRejected(s, id, reason, ctx.Now()));
  return Audit(s, ctx, actor, "policy.reject", id, PolicyToJson(before));
}

Status PublishPolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id,
                       const PublishOptions& options) {
  HQ_RETURN_IF_ERROR(RequireApprover(actor));
  HQ_ASSIGN_OR_RETURN(Policy before, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("publish", StatusCode(before.status)));
  auto gaps = PublishGaps(before);
  if (!gaps.empty()) {
    return GapsError(gaps, "publish_incomplete",
                     "政策原文、解读和干货须同步审签、同步发布（常州办法第八条），尚缺：");
  }
  core::Date on = ctx.Today();
  if (options.published_on && actor.Is(auth::UserKind::kPlatformAdmin)) on = *options.published_on;
  PublishRecord rec = ComputePublishRecord(before, on, ctx.calendar);
  std::string now = ctx.Now();
  HQ_RETURN_IF_ERROR(SetPolicyPublished(
      s, id, rec, actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt, now));
  // A revision replaces the published version of its lineage, which stays readable.
  HQ_ASSIGN_OR_RETURN(auto versions, LoadVersions(s, before.root_id));
  for (const auto& v : versions) {
    if (v.id != id && v.status == PolicyStatus::kPublished) {
      HQ_ASSIGN_OR_RETURN(Policy old, LoadPolicy(s, v.id));
      HQ_RETURN_IF_ERROR(SetPolicySuperseded(s, v.id, id, now));
      HQ_RETURN_IF_ERROR(Audit(s, ctx, actor, "policy.supersede", v.id, PolicyToJson(old)));
    }
  }
  return Audit(s, ctx, actor, "policy.publish", id, PolicyToJson(before));
}

Result<int64_t> RevisePolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id) {
  HQ_RETURN_IF_ERROR(RequireEditor(actor));
  HQ_ASSIGN_OR_RETURN(Policy current, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("revise", StatusCode(current.status)));
  HQ_ASSIGN_OR_RETURN(bool open, HasOpenVersion(s, current.root_id));
  if (open) {
    return core::MakeError(core::ErrorKind::kConflict, "revision_open", "该政策已有未发布的修订稿，请先处理",
                           "the policy already has an unpublished revision");
  }
  HQ_ASSIGN_OR_RETURN(auto versions, LoadVersions(s, current.root_id));
  HQ_ASSIGN_OR_RETURN(PolicyRow row, RowOf(s, current));
  NewPolicyMeta meta{current.root_id, versions.back().version + 1, "",
                     actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt, ctx.Now()};
  auto inserted = InsertPolicy(s, row, meta);
  if (!inserted.ok() && inserted.error().code == "duplicate") {
    // Another officer opened a revision since the check above (policies_one_open_version).
    return core::MakeError(core::ErrorKind::kConflict, "revision_open",
                           "该政策刚被他人修订，已有未发布的修订稿", "the policy was revised concurrently");
  }
  HQ_ASSIGN_OR_RETURN(int64_t new_id, std::move(inserted));
  HQ_RETURN_IF_ERROR(Audit(s, ctx, actor, "policy.revise", new_id, nullptr));
  return new_id;
}

Status RepealPolicyTx(Session& s, const Ctx& ctx, const auth::Principal& actor, int64_t id, core::Date on,
                      const std::string& reason) {
  HQ_RETURN_IF_ERROR(RequireApprover(actor));
  HQ_ASSIGN_OR_RETURN(Policy before, LoadOwned(s, actor, id));
  HQ_RETURN_IF_ERROR(PolicyMachine().Check("repeal", StatusCode(before.status)));
  if (reason.empty())
    return core::InvalidArgument("reason", "required", "请填写废止理由", "reason is required");
  HQ_RETURN_IF_ERROR(SetPolicyRepealed(s, id, on, reason, ctx.Now()));
  return Audit(s, ctx, actor, "policy.repeal", id, PolicyToJson(before));
}

}  // namespace huiqi::policy::detail
