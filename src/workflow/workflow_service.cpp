// WorkflowService: access rules, definitions (form and stages), and the effects every change
// writes with it (audit row, timeline event, notices, deadline jobs, decision trace, seals).
#include "workflow/workflow_service.h"

#include <openssl/evp.h>

#include <algorithm>

#include "audit/audit_log.h"
#include "rules/evaluator.h"
#include "rules/rule.h"
#include "rules/trace.h"
#include "schedule/scheduler.h"
#include "seal/opinion.h"
#include "workflow/detail/impl.h"

namespace huiqi::workflow {

using nlohmann::json;
using store::Session;

namespace {

audit::Actor ActorOf(const auth::Principal& p) {
  return {p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt,
          p.login.empty() ? "system" : p.login};
}

json Summary(const Application& a) {
  return {{"case_no", a.case_no},
          {"status", AppStatusCode(a.status)},
          {"stage_seq", a.stage_seq},
          {"round", a.round},
          {"verdict", a.verdict},
          {"amount_approved_fen", a.amount_approved_fen ? json(*a.amount_approved_fen) : json()}};
}

bool IsStaffOf(const auth::Principal& p, int64_t department_id) {
  return p.Is(auth::UserKind::kDepartmentStaff) && p.department_id && *p.department_id == department_id;
}

bool MayReview(const auth::Principal& p) {
  return p.Is(auth::UserKind::kPlatformAdmin) ||
         (p.Is(auth::UserKind::kDepartmentStaff) &&
          (p.HasRole(auth::Role::kReviewer) || p.HasRole(auth::Role::kDepartmentAdmin)));
}

//! A guide stage name → the kind of work it is (常州办法 第十四条: the process in the guide).
std::optional<std::string> KindOfStep(const policy::ProcessStep& step) {
  const std::string& n = step.stage;
  auto has = [&](const char* w) { return n.find(w) != std::string::npos; };
  if (step.department.find("申报") != std::string::npos ||
      step.department.find("申请人") != std::string::npos || has("网上申报") || has("在线申请") ||
      has("网上申请") || has("提交申请")) {
    return std::nullopt;  // the application itself
  }
  if (has("拨付") || has("兑付") || has("放款") || has("发放") || has("退付"))
    return std::nullopt;  // payment (issue 14)
  if (has("公示") || has("公告")) return "publicity";
  if (has("受理") || has("形式审查")) return "accept";
  if (has("现场") || has("核查") || has("实地")) return "site_check";
  if (has("专家") || has("第三方") || has("评审")) return "third_party";
  if (has("会审") || has("联审")) return "joint_review";
  return "review";
}

}  // namespace

WorkflowService::WorkflowService(WorkflowDeps deps, WorkflowOptions options)
    : impl_(std::make_shared<Impl>(Impl{deps, options})) {}

// ---- access ----

core::Status WorkflowService::Impl::RequireOwner(const auth::Principal& p, const Application& a) const {
  if (p.Is(auth::UserKind::kEnterprise) && p.uscc && *p.uscc == a.uscc) return core::Ok();
  // 一窗服务: the counter clerk who created it acts for the enterprise.
  if (a.channel == "counter" && p.HasRole(auth::Role::kCounterStaff) && a.applicant_user_id == p.user_id) {
    return core::Ok();
  }
  return core::NotFound("申报", "application");
}

core::Result<bool> WorkflowService::Impl::MaySee(Session& s, const auth::Principal& p,
                                                 const Application& a) const {
  if (p.Is(auth::UserKind::kPlatformAdmin) || RequireOwner(p, a).ok()) return true;
  if (!p.Is(auth::UserKind::kDepartmentStaff) || !p.department_id) return false;
  if (*p.department_id == a.department_id) return true;
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kStageDepartments, {a.id}));
  for (const auto& r : rows) {
    if (r.Int("department_id") == *p.department_id) return true;
  }
  return false;
}

core::Result<StageRecord*> WorkflowService::Impl::ActiveStageOf(const auth::Principal& p, Application& a,
                                                                std::string_view kind) const {
  if (!MayReview(p)) return core::PermissionDenied("只有审核人员或部门管理员可以办理", "reviewers only");
  for (auto& st : a.stages) {
    if (st.status != "active" || st.seq != a.stage_seq) continue;
    if (!kind.empty() && st.kind != kind) continue;
    if (p.Is(auth::UserKind::kPlatformAdmin) || IsStaffOf(p, st.department_id)) return &st;
  }
  return core::MakeError(core::ErrorKind::kFailedPrecondition, "no_active_stage",
                         "该申报当前没有由本部门办理的" + std::string(kind == "accept" ? "受理" : "") +
                             "环节（" + std::string(AppStatusLabel(a.status)) + "）",
                         "no active stage of the caller's department", "status");
}

// ---- definitions ----

core::Result<FormDef> WorkflowService::Impl::FormOf(Session& s, const policy::Item& item) const {
  HQ_ASSIGN_OR_RETURN(auto saved, detail::LoadForm(s, item.id));
  if (saved) return *saved;
  // The default 一表: every archive attribute the rule asks about, filled from the archive, and
  // the amount asked for.
  FormDef f;
  f.item_id = item.id;
  if (!item.rule_text.empty()) {
    auto rule = rules::Parse(item.rule_text, d.schema);
    if (rule.ok()) {
      std::vector<std::string> seen;
      for (const rules::Node* leaf : rules::Leaves(*rule)) {
        if (leaf->attr.empty() || leaf->attr == "tags") continue;
        const rules::AttributeDef* a = d.schema.Find(leaf->attr);
        if (!a || a->derived || std::find(seen.begin(), seen.end(), a->key) != seen.end()) continue;
        seen.push_back(a->key);
        FormField field;
        field.key = a->key;
        field.label = a->label;
        field.attribute = a->key;
        field.unit = a->unit;
        field.type = a->type == rules::AttrType::kMoney                                       ? "money"
                     : a->type == rules::AttrType::kDate                                      ? "date"
                     : a->type == rules::AttrType::kEnum                                      ? "choice"
                     : a->type == rules::AttrType::kCode || a->type == rules::AttrType::kBool ? "text"
                                                                                              : "number";
        field.options = a->enum_values;
        f.fields.push_back(std::move(field));
      }
    }
  }
  f.fields.push_back({"amount", "申请金额", "money", false, "", "元", {}, {}, "按奖补标准测算，可不填"});
  f.fields.push_back({"contact", "联系人及电话", "text", true, "", "", {}, {}, ""});
  return f;
}

core::Result<FlowDef> WorkflowService::Impl::FlowOf(Session& s, const policy::Item& item) const {
  HQ_ASSIGN_OR_RETURN(auto saved, detail::LoadFlow(s, item.id));
  if (saved) return *saved;
  FlowDef f;
  f.item_id = item.id;
  for (const auto& step : item.process) {
    auto kind = KindOfStep(step);
    if (!kind) continue;
    StageDef st;
    st.kind = *kind;
    st.name = step.stage;
    st.days = step.days > 0 ? step.days : (*kind == "publicity" ? options.publicity_days : 5);
    HQ_ASSIGN_OR_RETURN(auto dept, s.QueryOptional(detail::kDepartmentByName, {step.department}));
    st.departments.push_back(dept ? dept->Text("code") : item.department.code);
    f.stages.push_back(std::move(st));
  }
  // Every application is accepted first (江阴办法 第十九条), by the item's department.
  if (f.stages.empty() || f.stages.front().kind != "accept") {
    f.stages.insert(f.stages.begin(), StageDef{"accept", "受理", {item.department.code}, 2});
  }
  return f;
}

core::Result<FormDef> WorkflowService::Form(int64_t item_id) {
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl_->d.policies.GetItem(nullptr, item_id));
  return impl_->d.db.ReadValue<FormDef>([&](Session& s) { return impl_->FormOf(s, item); });
}

core::Result<FlowDef> WorkflowService::Flow(int64_t item_id) {
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl_->d.policies.GetItem(nullptr, item_id));
  return impl_->d.db.ReadValue<FlowDef>([&](Session& s) { return impl_->FlowOf(s, item); });
}

namespace {

core::Status RequireItemEditor(const auth::Principal& actor, const policy::Item& item) {
  bool editor = actor.Is(auth::UserKind::kPlatformAdmin) ||
                (actor.HasRole(auth::Role::kPolicyOfficer) || actor.HasRole(auth::Role::kDepartmentAdmin));
  if (!editor)
    return core::PermissionDenied("只有政策专员或部门管理员可以设置申报表和办理环节", "editors only");
  return auth::RequireDepartment(actor, item.department.id);
}

core::Status ValidateFields(const std::vector<FormField>& fields, const rules::Schema& schema) {
  static const std::vector<std::string> kTypes = {"text", "number", "money", "date", "choice", "table"};
  std::vector<std::string> keys;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FormField& f = fields[i];
    std::string at = "fields[" + std::to_string(i) + "]";
    if (f.key.empty() || f.key.size() > 40 ||
        f.key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      return core::InvalidArgument(at + ".key", "invalid_key", "字段标识须为小写字母、数字或下划线",
                                   "bad field key");
    }
    if (std::find(keys.begin(), keys.end(), f.key) != keys.end()) {
      return core::InvalidArgument(at + ".key", "duplicate", "字段标识“" + f.key + "”重复",
                                   "duplicate field key");
    }
    keys.push_back(f.key);
    if (f.label.empty())
      return core::InvalidArgument(at + ".label", "required", "请填写字段名称", "label required");
    if (std::find(kTypes.begin(), kTypes.end(), f.type) == kTypes.end()) {
      return core::InvalidArgument(at + ".type", "invalid_enum",
                                   "字段类型应为 text、number、money、date、choice、table", "bad field type");
    }
    if (f.type == "choice" && f.options.empty()) {
      return core::InvalidArgument(at + ".options", "required", "选择题须列出选项", "options required");
    }
    if (!f.attribute.empty() && !schema.Find(f.attribute)) {
      return core::InvalidArgument(at + ".attribute", "unknown_attribute",
                                   "档案中没有属性“" + f.attribute + "”", "unknown attribute");
    }
  }
  return core::Ok();
}

}  // namespace

core::Result<FormDef> WorkflowService::SetForm(const auth::Principal& actor, int64_t item_id,
                                               std::vector<FormField> fields) {
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl_->d.policies.GetItem(&actor, item_id));
  HQ_RETURN_IF_ERROR(RequireItemEditor(actor, item));
  HQ_RETURN_IF_ERROR(ValidateFields(fields, impl_->d.schema));
  FormDef f{item_id, 0, std::move(fields)};
  HQ_RETURN_IF_ERROR(impl_->d.db.Write([&](Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(detail::StoreForm(s, f, actor.user_id, impl_->Now()));
    return audit::Record(s, impl_->d.clock, ActorOf(actor), "item.form", "item", std::to_string(item_id),
                         nullptr, {{"fields", detail::FieldsJson(f.fields)}});
  }));
  return Form(item_id);
}

core::Result<FlowDef> WorkflowService::SetFlow(const auth::Principal& actor, int64_t item_id,
                                               std::vector<StageDef> stages, bool confidential) {
  static const std::vector<std::string> kKinds = {"accept",     "review",      "joint_review",
                                                  "site_check", "third_party", "publicity"};
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl_->d.policies.GetItem(&actor, item_id));
  HQ_RETURN_IF_ERROR(RequireItemEditor(actor, item));
  if (stages.empty() || stages.front().kind != "accept") {
    return core::InvalidArgument("stages", "accept_first", "第一个环节须为受理（江阴办法第十九条）",
                                 "accept first");
  }
  HQ_RETURN_IF_ERROR(impl_->d.db.Write([&](Session& s) -> core::Status {
    for (size_t i = 0; i < stages.size(); ++i) {
      std::string at = "stages[" + std::to_string(i) + "]";
      StageDef& st = stages[i];
      if (std::find(kKinds.begin(), kKinds.end(), st.kind) == kKinds.end()) {
        return core::InvalidArgument(at + ".kind", "invalid_enum", "环节类型无效", "bad stage kind");
      }
      if (st.days < 0 || st.days > 120) {
        return core::InvalidArgument(at + ".days", "out_of_range", "时限应为 0–120 个工作日",
                                     "days out of range");
      }
      if (st.name.empty())
        return core::InvalidArgument(at + ".name", "required", "请填写环节名称", "name required");
      if (st.departments.empty()) st.departments.push_back(item.department.code);
      if (st.kind != "joint_review" && st.departments.size() > 1) {
        return core::InvalidArgument(at + ".departments", "one_department", "只有会审环节可由多个部门办理",
                                     "only joint reviews have several departments");
      }
      for (const auto& code : st.departments) {
        HQ_ASSIGN_OR_RETURN(auto dept, s.QueryOptional(detail::kDepartmentByCode, {code}));
        if (!dept)
          return core::InvalidArgument(at + ".departments", "not_found", "部门“" + code + "”不存在",
                                       "no dept");
      }
    }
    FlowDef f{item_id, 0, stages, confidential};
    HQ_RETURN_IF_ERROR(detail::StoreFlow(s, f, actor.user_id, impl_->Now()));
    return audit::Record(s, impl_->d.clock, ActorOf(actor), "item.flow", "item", std::to_string(item_id),
                         nullptr, {{"stages", detail::StagesJson(stages)}, {"confidential", confidential}});
  }));
  return Flow(item_id);
}

// ---- effects ----

core::Status WorkflowService::Impl::Audit(Session& s, const auth::Principal& actor, std::string_view action,
                                          const Application& before, const Application& after) const {
  return audit::Record(s, d.clock, ActorOf(actor), action, "application", std::to_string(after.id),
                       before.id == 0 ? json() : Summary(before), Summary(after));
}

core::Status WorkflowService::Impl::Log(Session& s, const Application& a, const auth::Principal& actor,
                                        std::string_view action, std::string text,
                                        std::optional<int64_t> stage) const {
  return detail::InsertEvent(s, a.id,
                             {Now(), actor.login.empty() ? "system" : actor.login, std::string(action),
                              std::string(AppStatusCode(a.status)), std::move(text), stage});
}

core::Status WorkflowService::Impl::TellApplicant(Session& s, const Application& a, std::string kind,
                                                  std::string title, std::string body,
                                                  std::string sms_template,
                                                  std::map<std::string, std::string> params) const {
  // 江阴办法 第二十一条 闭环管理: every step told by SMS and in the 法人空间.
  HQ_ASSIGN_OR_RETURN(auto users, s.Query(detail::kUsersOfEnterprise, {a.uscc}));
  std::vector<int64_t> ids;
  for (const auto& r : users) ids.push_back(r.Int("id"));
  if (a.applicant_user_id && std::find(ids.begin(), ids.end(), *a.applicant_user_id) == ids.end()) {
    ids.push_back(*a.applicant_user_id);  // the counter clerk who applied for it
  }
  params["case"] = a.case_no;
  params["item"] = a.item_name;
  for (int64_t user : ids) {
    notify::Notice n;
    n.user_id = user;
    n.kind = kind;
    n.title = title;
    n.body = body;
    n.link = "/space/applications/" + std::to_string(a.id);
    n.entity = "application";
    n.entity_id = std::to_string(a.id);
    std::vector<notify::Delivery> deliveries;
    HQ_ASSIGN_OR_RETURN(auto sms, d.notifier.SmsTo(s, user, sms_template, params));
    if (sms) deliveries.push_back(*sms);
    HQ_RETURN_IF_ERROR(d.notifier.Send(s, n, deliveries));
  }
  return core::Ok();
}

core::Status WorkflowService::Impl::TellDepartment(Session& s, const Application& a, int64_t department_id,
                                                   std::string kind, std::string title,
                                                   std::string body) const {
  notify::Notice n;
  n.department_id = department_id;
  n.kind = std::move(kind);
  n.title = std::move(title);
  n.body = std::move(body);
  n.link = "/dept/applications/" + std::to_string(a.id);
  n.entity = "application";
  n.entity_id = std::to_string(a.id);
  return d.notifier.Send(s, n, {}).ok() ? core::Ok() : core::Internal("notice to department failed");
}

core::Status WorkflowService::Impl::ScheduleDeadline(Session& s, const StageRecord& st, int64_t round) const {
  if (!st.due_on) return core::Ok();
  std::string key = "stage-deadline-" + std::to_string(st.id) + "-r" + std::to_string(round);
  HQ_RETURN_IF_ERROR(schedule::Scheduler::Schedule(s, d.clock, "workflow.stage_deadline", key,
                                                   EndOf(*st.due_on), json{{"stage_id", st.id}}.dump()));
  return core::Ok();
}

core::Result<bool> WorkflowService::Impl::StartSequence(Session& s, Application& a, int seq) const {
  bool any = false;
  core::Date today = Today();
  for (auto& st : a.stages) {
    if (st.seq != seq) continue;
    any = true;
    StageRecord next = st;
    next.status = "active";
    next.started_on = today;
    next.due_on = Due(today, st.days);
    HQ_RETURN_IF_ERROR(detail::SaveStage(s, next, "start", "waiting"));
    st = next;
    HQ_RETURN_IF_ERROR(ScheduleDeadline(s, st, a.round));
    HQ_RETURN_IF_ERROR(TellDepartment(
        s, a, st.department_id, "application.stage",
        "待办：" + a.item_name + "（" + a.case_no + "）· " + st.name,
        a.enterprise_name + " 的申报进入“" + st.name + "”环节，请于 " + st.due_on->ToString() + " 前办结。"));
  }
  if (any) a.stage_seq = seq;
  return any;
}

// ---- the decision trace ----

core::Status WorkflowService::Impl::Trace(Application& a, const policy::Item& item) const {
  a.trace = json::array();
  a.facts = json::object();
  a.rule_text = item.rule_text;
  a.verdict = "unknown";
  auto profile = d.profiles.Get(a.uscc);
  rules::Facts facts = profile.ok() ? profile->facts : rules::Facts{};
  if (item.rule_text.empty()) {
    a.verdict = "pass";
    return core::Ok();
  }
  HQ_ASSIGN_OR_RETURN(rules::Node rule, rules::Parse(item.rule_text, d.schema));
  rules::CodeNamer namer = d.reference ? rules::ReferenceNamer(*d.reference) : rules::CodeNamer{};
  rules::Evaluation e = rules::Explain(rule, d.schema, facts, Today(), namer);
  a.verdict = std::string(rules::TruthCode(e.verdict));
  // As 为您匹配 shows it: a condition of an "or" another branch satisfied did not matter.
  std::vector<rules::Truth> outcomes;
  for (const auto& c : e.conditions) outcomes.push_back(c.outcome);
  std::vector<bool> not_needed = rules::NotNeeded(rule, outcomes);
  for (size_t i = 0; i < e.conditions.size(); ++i) {
    const auto& c = e.conditions[i];
    bool needed = i >= not_needed.size() || !not_needed[i];
    a.trace.push_back({{"condition", c.description},
                       {"canonical", c.canonical},
                       {"actual", c.actual},
                       {"result", rules::TruthCode(c.outcome)},
                       {"result_label", needed ? std::string(rules::TruthLabel(c.outcome))
                                               : std::string("无需满足（同组其他条件已满足）")},
                       {"needed", needed},
                       {"attribute", c.attr}});
    if (c.attr.empty()) continue;
    const rules::AttributeDef* def = d.schema.Find(c.attr);
    // The facts the verdict rests on, with where they come from and as of when.
    a.facts[c.attr] = {{"value", c.actual},
                       {"source", def ? def->source : ""},
                       {"as_of", profile.ok() ? profile->updated_at : ""}};
  }
  auto versions = d.policies.RuleVersions(nullptr, item.id);
  if (versions.ok() && !versions->empty()) a.rule_version = versions->back().version;
  return core::Ok();
}

// ---- seals ----

core::Result<SignedOpinion> WorkflowService::Impl::Sign(const auth::Principal& reviewer, const Application& a,
                                                        const StageRecord& st, std::string decision,
                                                        std::string text) const {
  SignedOpinion out;
  Opinion& o = out.opinion;
  o.stage_id = st.id;
  o.department_id = st.department_id;
  o.department_name = st.department_name;
  o.stage_kind = st.kind;
  o.decision = std::move(decision);
  o.text = std::move(text);
  o.reviewer_login = reviewer.login;
  core::TimePoint at = std::chrono::time_point_cast<std::chrono::seconds>(d.clock.Now());
  o.reviewed_at = core::FormatTimestamp(at);
  for (const auto& m : a.materials) {
    if (!m.file_sha256.empty()) o.material_hashes.push_back("sha256:" + m.file_sha256);
  }
  if (d.seals == nullptr) return out;
  seal::ReviewOpinion ro{a.id, o.stage_kind, o.decision, o.text, o.reviewer_login, at, o.material_hashes};
  std::string bytes = seal::CanonicalOpinion(ro);
  auto signed_data = d.seals->Sign(st.department_id, bytes, seal::OpinionPropertyInfo(ro));
  if (!signed_data.ok()) {
    core::Error e = signed_data.error();
    if (e.kind == core::ErrorKind::kNotFound) {
      e = core::MakeError(core::ErrorKind::kFailedPrecondition, "no_seal",
                          st.department_name + "尚无有效的电子印章，请平台管理员签发后再办理",
                          "the department has no seal");
    }
    return e;
  }
  out.signature = signed_data->signature_der;
  o.seal_serial = signed_data->cert_serial;
  o.data_sm3 = signed_data->data_sm3;
  o.signed_ = true;
  return out;
}

core::Status WorkflowService::Impl::StoreOpinion(Session& s, const Application& a, const Opinion& o,
                                                 const std::string& signature,
                                                 std::optional<int64_t> reviewer) const {
  // DER is binary: stored as base64 text (the store sends text parameters).
  std::string b64;
  if (!signature.empty()) {
    b64.assign(4 * ((signature.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                            reinterpret_cast<const unsigned char*>(signature.data()),
                            static_cast<int>(signature.size()));
    b64.resize(static_cast<size_t>(n));
  }
  HQ_RETURN_IF_ERROR(detail::InsertOpinion(s, a.id, o, reviewer, b64));
  return core::Ok();
}

core::Result<Application> WorkflowService::Impl::Reload(int64_t id, std::optional<int64_t> viewer) const {
  return d.db.ReadValue<Application>([&](Session& s) { return detail::LoadFull(s, id, viewer); });
}

}  // namespace huiqi::workflow
