// WorkflowService: the applicant's side — a draft filled from the archive, saving, submitting
// with every problem listed at once, answering a deficiency notice, withdrawing.
#include <algorithm>

#include "core/money.h"
#include "workflow/detail/impl.h"

namespace huiqi::workflow {

using nlohmann::json;
using store::Session;

namespace {

bool WindowOpen(const policy::Item& item, core::Date today) {
  if (item.period_type == policy::PeriodType::kYearRound) return true;
  if (!item.window_start) return false;
  return *item.window_start <= today && (!item.window_end || today <= *item.window_end);
}

std::string ValueText(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

//! One field's value as typed: "" when empty; an error naming the field when it cannot be read.
core::Status CheckValue(const FormField& f, const json& v) {
  std::string text = ValueText(v);
  if (text.empty()) return core::Ok();
  auto bad = [&](const std::string& why) {
    return core::InvalidArgument("values." + f.key, "invalid_value", f.label + why, "bad value of " + f.key);
  };
  if (f.type == "money") {
    if (!core::ParseMoney(text + (text.find_first_not_of("0123456789.") == std::string::npos ? f.unit : ""),
                          f.key)
             .ok()) {
      return bad("应为金额，如 30万元");
    }
  } else if (f.type == "number") {
    if (text.find_first_not_of("0123456789.-%") != std::string::npos) return bad("应为数字");
  } else if (f.type == "date") {
    if (!core::Date::Parse(text, f.key).ok()) return bad("应为日期，如 2026-12-01");
  } else if (f.type == "choice") {
    if (std::find(f.options.begin(), f.options.end(), text) == f.options.end())
      return bad("应为所列选项之一");
  } else if (f.type == "table") {
    if (!v.is_array()) return bad("应为表格行");
  }
  if (text.size() > 4000) return bad("过长");
  return core::Ok();
}

//! Every problem of a submission at once (江阴办法 第十九条: 一次性告知 starts with the applicant).
core::Status Complete(const FormDef& form, const Application& a, const policy::Item& item) {
  json problems = json::array();
  for (const auto& f : form.fields) {
    json v = a.form_values.contains(f.key) ? a.form_values[f.key] : json();
    if (f.required && ValueText(v).empty()) {
      problems.push_back({{"field", "values." + f.key}, {"message", "请填写“" + f.label + "”"}});
    }
  }
  for (size_t i = 0; i < item.materials.size(); ++i) {
    const policy::Material& m = item.materials[i];
    if (!m.required || m.exempt) continue;
    auto it = std::find_if(a.materials.begin(), a.materials.end(),
                           [&](const MaterialEntry& e) { return e.position == static_cast<int>(i); });
    if (it == a.materials.end() || it->provided == "missing" || !it->file_id) {
      problems.push_back(
          {{"field", "materials." + std::to_string(i)}, {"message", "请上传“" + m.name + "”"}});
    }
  }
  if (problems.empty()) return core::Ok();
  std::string zh = "申报尚不完整（共 " + std::to_string(problems.size()) + " 项）：";
  for (size_t i = 0; i < problems.size(); ++i)
    zh += (i ? "；" : "") + problems[i]["message"].get<std::string>();
  core::Error e = core::InvalidArgument(problems[0]["field"].get<std::string>(), "incomplete", zh,
                                        std::to_string(problems.size()) + " problems");
  e.details = problems.dump();
  return e;
}

std::vector<Mismatch> Compare(const FormDef& form, const Application& a) {
  std::vector<Mismatch> out;
  for (const auto& f : form.fields) {
    if (f.attribute.empty() || !a.archive_values.contains(f.key)) continue;
    std::string archive = ValueText(a.archive_values[f.key]);
    std::string typed = a.form_values.contains(f.key) ? ValueText(a.form_values[f.key]) : "";
    // 数据比对: a changed value is flagged to the reviewer, never written into the archive.
    if (!typed.empty() && typed != archive) out.push_back({f.key, f.label, archive, typed});
  }
  return out;
}

std::optional<int64_t> AmountOf(const FormDef& form, const json& values) {
  for (const auto& f : form.fields) {
    if (f.type != "money" || f.key != "amount" || !values.contains(f.key)) continue;
    std::string text = ValueText(values[f.key]);
    if (text.empty()) return std::nullopt;
    if (text.find_first_not_of("0123456789.") == std::string::npos) text += f.unit.empty() ? "元" : f.unit;
    auto fen = core::ParseMoney(text, "amount");
    if (fen.ok()) return *fen;
  }
  return std::nullopt;
}

}  // namespace

// ---- drafts ----

core::Result<Application> WorkflowService::StartDraft(const auth::Principal& actor, int64_t item_id,
                                                      const std::string& uscc_in,
                                                      const std::string& authorization) {
  Impl& m = *impl_;
  std::string uscc;
  bool counter = actor.HasRole(auth::Role::kCounterStaff) && actor.Is(auth::UserKind::kDepartmentStaff);
  if (actor.Is(auth::UserKind::kEnterprise) && actor.uscc) {
    uscc = *actor.uscc;
  } else if (counter) {
    // 一窗服务 (江阴办法 第二十一条): the enterprise's authorization is recorded with the case.
    if (uscc_in.empty())
      return core::InvalidArgument("uscc", "required", "请填写申报企业的统一社会信用代码", "uscc");
    if (authorization.size() < 4) {
      return core::InvalidArgument("authorization", "required", "请记录企业的授权（授权人、时间、凭证）",
                                   "the enterprise's authorization is required");
    }
    uscc = uscc_in;
  } else {
    return core::PermissionDenied("只有企业用户或窗口工作人员可以申报", "enterprises and counter staff only");
  }
  HQ_ASSIGN_OR_RETURN(policy::Item item, m.d.policies.GetItem(nullptr, item_id));
  if (item.status != policy::ItemStatus::kPublished) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "item_closed", "该事项未发布，不能申报",
                           "not published");
  }
  if (item.no_application) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "no_application",
                           "该事项免申即享，无需申报：符合条件的企业将收到确认通知", "no application needed");
  }
  if (item.target == policy::Target::kIndividual) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "individual_item",
                           "该事项面向个人，企业不能申报", "the item is for individuals");
  }
  auto profile = m.d.profiles.Get(uscc);
  if (!profile.ok() && counter) {
    return core::InvalidArgument("uscc", "not_found", "档案中没有该企业，请核对统一社会信用代码",
                                 "unknown enterprise");
  }
  Application a;
  a.item_id = item.id;
  a.item_name = item.name;
  a.department_id = item.department.id;
  a.department_name = item.department.name;
  a.uscc = uscc;
  a.enterprise_name = profile.ok() && !profile->name.empty() ? profile->name : actor.display_name;
  a.applicant_user_id = actor.user_id;
  a.channel = counter ? "counter" : "online";
  a.authorization_note = counter ? authorization : "";
  a.created_at = a.updated_at = m.Now();
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto open, s.QueryOptional(detail::kOpenOf, {uscc, item_id}));
    if (open) {
      core::Error e =
          core::MakeError(core::ErrorKind::kConflict, "already_open",
                          "本企业已有该事项的申报（" + open->Text("case_no") + "），请继续办理该申报",
                          "an application is already open", "item_id");
      // The open one, so a page can take the applicant there.
      e.details = nlohmann::json::array({{{"field", "item_id"},
                                          {"message", e.message},
                                          {"application_id", open->Int("id")},
                                          {"case_no", open->Text("case_no")}}})
                      .dump();
      return e;
    }
    HQ_ASSIGN_OR_RETURN(FormDef form, m.FormOf(s, item));
    HQ_ASSIGN_OR_RETURN(a.flow, m.FlowOf(s, item));
    a.form_version = form.version;
    // 一表申请: bound fields filled from the archive, marked as such for the applicant.
    if (profile.ok()) {
      for (const auto& f : form.fields) {
        const rules::AttributeDef* attr = f.attribute.empty() ? nullptr : m.d.schema.Find(f.attribute);
        if (!attr) continue;
        auto text = enterprise::FactText(profile->facts, *attr);
        if (!text) continue;
        a.form_values[f.key] = *text;
        a.archive_values[f.key] = *text;
      }
    }
    HQ_ASSIGN_OR_RETURN(a.case_no, detail::NextCaseNo(s, m.Today().year()));
    HQ_ASSIGN_OR_RETURN(a.id, detail::InsertApplication(s, a));
    for (size_t i = 0; i < item.materials.size(); ++i) {
      if (!item.materials[i].exempt) continue;  // 免提交: obtained by data sharing (常州办法 第十四条)
      MaterialEntry e{
          static_cast<int>(i), item.materials[i].name, true, true, "data_sharing", std::nullopt, "", "", 0};
      HQ_RETURN_IF_ERROR(detail::InsertMaterial(s, a.id, e, a.created_at));
    }
    // The stages, pinned to the application (a later change of the item's flow strands nobody).
    int seq = 0;
    for (const auto& def : a.flow.stages) {
      ++seq;
      for (const auto& code : def.departments) {
        HQ_ASSIGN_OR_RETURN(auto dept, s.QueryOne(detail::kDepartmentByCode, {code}, "部门", "department"));
        StageRecord st;
        st.seq = seq;
        st.kind = def.kind;
        st.name = def.name;
        st.department_id = dept.Int("id");
        st.days = def.days;
        HQ_RETURN_IF_ERROR(detail::InsertStage(s, a.id, st));
      }
    }
    HQ_RETURN_IF_ERROR(m.Audit(s, actor, "application.create", Application{}, a));
    return m.Log(
        s, a, actor, "create",
        counter ? "窗口代为创建申报（授权：" + authorization + "）" : "创建申报草稿，已从企业档案预填");
  }));
  return m.Reload(a.id, actor.user_id);
}

namespace {

//! Applies the submission's values and files to the application (types checked).
core::Status Merge(WorkflowService::Impl& m, Session& s, const auth::Principal& actor, Application& a,
                   const FormDef& form, const policy::Item& item, const Submission& sub,
                   std::vector<std::string>* changed) {
  if (!sub.values.is_object())
    return core::InvalidArgument("values", "invalid_type", "values 应为对象", "values object");
  for (const auto& [key, v] : sub.values.items()) {
    auto f = std::find_if(form.fields.begin(), form.fields.end(),
                          [&](const FormField& x) { return x.key == key; });
    if (f == form.fields.end()) {
      return core::InvalidArgument("values." + key, "unknown_field", "申报表中没有字段“" + key + "”",
                                   "unknown field");
    }
    HQ_RETURN_IF_ERROR(CheckValue(*f, v));
    if (a.form_values.value(key, json()) != v) {
      if (changed) changed->push_back("field:" + key);
      a.form_values[key] = v;
    }
  }
  for (const auto& [position, file_id] : sub.files) {
    if (position < 0 || position >= static_cast<int>(item.materials.size())) {
      return core::InvalidArgument("materials." + std::to_string(position), "unknown_material",
                                   "没有这项材料", "unknown material");
    }
    HQ_ASSIGN_OR_RETURN(files::StoredFile file, m.d.files.Get(file_id));
    // A file of another enterprise cannot be attached by guessing its id.
    if (!file.owner_uscc || *file.owner_uscc != a.uscc) {
      if (!(a.channel == "counter" && file.uploaded_by == actor.user_id)) {
        return core::InvalidArgument("materials." + std::to_string(position), "not_found", "文件不存在",
                                     "no such file");
      }
    }
    MaterialEntry e{position,
                    item.materials[position].name,
                    item.materials[position].required,
                    item.materials[position].exempt,
                    "upload",
                    file_id,
                    file.original_name,
                    file.sha256,
                    a.round};
    HQ_RETURN_IF_ERROR(detail::InsertMaterial(s, a.id, e, m.Now()));
    if (changed) changed->push_back("material:" + std::to_string(position));
  }
  return core::Ok();
}

}  // namespace

core::Result<Application> WorkflowService::SaveDraft(const auth::Principal& actor, int64_t id,
                                                     const Submission& sub) {
  Impl& m = *impl_;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, actor.user_id));
    HQ_RETURN_IF_ERROR(m.RequireOwner(actor, a));
    HQ_ASSIGN_OR_RETURN(policy::Item item, m.d.policies.GetItem(nullptr, a.item_id));
    HQ_ASSIGN_OR_RETURN(FormDef form, m.FormOf(s, item));
    Application before = a;
    HQ_RETURN_IF_ERROR(Merge(m, s, actor, a, form, item, sub, nullptr));
    a.amount_requested_fen = AmountOf(form, a.form_values);
    a.updated_at = m.Now();
    return detail::SaveApplication(s, a, "save", before.status);
  }));
  return m.Reload(id, actor.user_id);
}

core::Result<Application> WorkflowService::Submit(const auth::Principal& actor, int64_t id,
                                                  const Submission& sub) {
  Impl& m = *impl_;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, actor.user_id));
    HQ_RETURN_IF_ERROR(m.RequireOwner(actor, a));
    HQ_RETURN_IF_ERROR(detail::ApplicationMachine().Check("submit", AppStatusCode(a.status)));
    HQ_ASSIGN_OR_RETURN(policy::Item item, m.d.policies.GetItem(nullptr, a.item_id));
    if (!WindowOpen(item, m.Today())) {
      return core::MakeError(
          core::ErrorKind::kFailedPrecondition, "window_closed",
          "不在申报期内" + (item.window_start
                                ? "（" + item.window_start->ToString() + " 至 " +
                                      (item.window_end ? item.window_end->ToString() : "") + "）"
                                : std::string("（申报期待定）")),
          "outside the application window");
    }
    HQ_ASSIGN_OR_RETURN(FormDef form, m.FormOf(s, item));
    Application before = a;
    HQ_RETURN_IF_ERROR(Merge(m, s, actor, a, form, item, sub, nullptr));
    HQ_ASSIGN_OR_RETURN(a.materials, detail::LoadMaterials(s, id));
    HQ_RETURN_IF_ERROR(Complete(form, a, item));
    a.mismatches = Compare(form, a);
    a.amount_requested_fen = AmountOf(form, a.form_values);
    // The decision trace: the rule in force, its verdict and the facts it used. An applicant who
    // does not meet the rule may still apply; the reviewer sees why not.
    HQ_RETURN_IF_ERROR(m.Trace(a, item));
    a.status = AppStatus::kSubmitted;
    a.submitted_at = a.updated_at = m.Now();
    HQ_ASSIGN_OR_RETURN(bool started, m.StartSequence(s, a, 1));
    if (!started) return core::Internal("the flow has no stage");
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, "submit", before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, actor, "application.submit", before, a));
    const StageRecord& first =
        *std::find_if(a.stages.begin(), a.stages.end(), [](const auto& x) { return x.seq == 1; });
    std::string due = first.due_on ? first.due_on->ToString() : "";
    HQ_RETURN_IF_ERROR(m.Log(s, a, actor, "submit",
                             "提交申报，" + first.department_name + "受理，时限至 " + due +
                                 (a.mismatches.empty() ? ""
                                                       : "；" + std::to_string(a.mismatches.size()) +
                                                             " 项与档案不一致，已提示审核人员"),
                             first.id));
    return m.TellApplicant(
        s, a, "application.submitted", "申报已提交：" + a.item_name,
        "您的申报（" + a.case_no + "）已提交，由" + first.department_name + "受理，时限至 " + due + "。",
        "SMS_STEP", {{"stage", first.name}, {"holder", first.department_name}, {"due", due}});
  }));
  return m.Reload(id, actor.user_id);
}

core::Result<Application> WorkflowService::Resubmit(const auth::Principal& actor, int64_t id,
                                                    const Submission& sub) {
  Impl& m = *impl_;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, actor.user_id));
    HQ_RETURN_IF_ERROR(m.RequireOwner(actor, a));
    HQ_RETURN_IF_ERROR(detail::ApplicationMachine().Check("resubmit", AppStatusCode(a.status)));
    if (a.notices.empty()) return core::Internal("returned without a notice");
    const DeficiencyNotice& notice = a.notices.back();
    HQ_ASSIGN_OR_RETURN(policy::Item item, m.d.policies.GetItem(nullptr, a.item_id));
    HQ_ASSIGN_OR_RETURN(FormDef form, m.FormOf(s, item));
    // Only what the notice listed may change (GovAlta #3386: the fix list is the edit list).
    for (const auto& [key, v] : sub.values.items()) {
      bool listed = std::any_of(notice.items.begin(), notice.items.end(), [&](const DeficiencyItem& it) {
        return it.type == "field" && it.key == key;
      });
      if (!listed && a.form_values.value(key, json()) != v) {
        return core::InvalidArgument("values." + key, "not_in_notice", "补正通知未列出此项，不能修改",
                                     "not in the notice");
      }
    }
    for (const auto& [position, _] : sub.files) {
      bool listed = std::any_of(notice.items.begin(), notice.items.end(), [&](const DeficiencyItem& it) {
        return it.type == "material" && it.key == std::to_string(position);
      });
      if (!listed) {
        return core::InvalidArgument("materials." + std::to_string(position), "not_in_notice",
                                     "补正通知未列出此项材料，不能更换", "not in the notice");
      }
    }
    Application before = a;
    a.round += 1;
    std::vector<std::string> changed;
    HQ_RETURN_IF_ERROR(Merge(m, s, actor, a, form, item, sub, &changed));
    HQ_ASSIGN_OR_RETURN(a.materials, detail::LoadMaterials(s, id));
    HQ_RETURN_IF_ERROR(Complete(form, a, item));
    a.mismatches = Compare(form, a);
    a.amount_requested_fen = AmountOf(form, a.form_values);
    HQ_RETURN_IF_ERROR(m.Trace(a, item));
    a.status = AppStatus::kSubmitted;
    a.updated_at = m.Now();
    // The clock resumes with the working days the stage had left (the 补正 time is not counted).
    for (auto& st : a.stages) {
      if (st.status != "paused") continue;
      StageRecord next = st;
      next.status = "active";
      next.due_on = m.Due(m.Today(), std::max(st.days - st.days_used, 1));
      HQ_RETURN_IF_ERROR(detail::SaveStage(s, next, "resume", "paused"));
      st = next;
      HQ_RETURN_IF_ERROR(m.ScheduleDeadline(s, st, a.round));
      HQ_RETURN_IF_ERROR(m.TellDepartment(
          s, a, st.department_id, "application.resubmitted",
          "补正已提交：" + a.item_name + "（" + a.case_no + "）",
          a.enterprise_name + " 已按补正通知补齐，请于 " + st.due_on->ToString() + " 前受理。"));
    }
    HQ_RETURN_IF_ERROR(detail::AnswerDeficiency(s, notice.id, a.updated_at));
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, "resubmit", before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, actor, "application.resubmit", before, a));
    std::string what;
    for (const auto& c : changed) what += (what.empty() ? "" : "、") + c;
    HQ_RETURN_IF_ERROR(
        m.Log(s, a, actor, "resubmit", "按补正通知补正后重新提交（第 " + std::to_string(a.round) + " 轮）"));
    return m.TellApplicant(s, a, "application.resubmitted", "补正已提交：" + a.item_name,
                           "您的补正（" + a.case_no + "）已提交，部门将继续受理。", "SMS_NOTICE",
                           {{"text", "您的申报" + a.case_no + "补正已提交，部门将继续受理。"}});
  }));
  return m.Reload(id, actor.user_id);
}

core::Result<Application> WorkflowService::Withdraw(const auth::Principal& actor, int64_t id,
                                                    const std::string& reason) {
  Impl& m = *impl_;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, actor.user_id));
    HQ_RETURN_IF_ERROR(m.RequireOwner(actor, a));
    Application before = a;
    HQ_RETURN_IF_ERROR(detail::ApplicationMachine().Check("withdraw", AppStatusCode(a.status)));
    for (auto& st : a.stages) {
      if (st.status != "waiting" && st.status != "active" && st.status != "paused") continue;
      std::string from = st.status;
      st.status = "cancelled";
      HQ_RETURN_IF_ERROR(detail::SaveStage(s, st, "cancel", from));
    }
    a.status = AppStatus::kWithdrawn;
    a.decision_note = reason;
    a.updated_at = m.Now();
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, "withdraw", before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, actor, "application.withdraw", before, a));
    return m.Log(s, a, actor, "withdraw", "申请人撤回" + (reason.empty() ? "" : "：" + reason));
  }));
  return m.Reload(id, actor.user_id);
}

// ---- reading ----

core::Result<Application> WorkflowService::Get(const auth::Principal& viewer, int64_t id) {
  Impl& m = *impl_;
  return m.d.db.ReadValue<Application>([&](Session& s) -> core::Result<Application> {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, viewer.user_id));
    HQ_ASSIGN_OR_RETURN(bool may, m.MaySee(s, viewer, a));
    if (!may) return core::NotFound("申报", "application");  // nobody learns which ids exist
    return a;
  });
}

core::Result<std::vector<Application>> WorkflowService::Mine(const auth::Principal& applicant, int page,
                                                             int page_size, int64_t* total) {
  Impl& m = *impl_;
  if (!applicant.Is(auth::UserKind::kEnterprise) || !applicant.uscc) {
    return core::PermissionDenied("只有企业用户有“我的申报”", "enterprise users only");
  }
  return m.d.db.ReadValue<std::vector<Application>>([&](Session& s)
                                                        -> core::Result<std::vector<Application>> {
    const detail::PageWindow w = detail::WindowOf(page, page_size, 100);
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(detail::kMineCount, {*applicant.uscc}, "", ""));
      *total = n.Int("n");
    }
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kMine, {*applicant.uscc, int64_t{w.size}, w.offset()}));
    std::vector<Application> out;
    for (const auto& r : rows) {
      HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, r.Int("id")));
      HQ_ASSIGN_OR_RETURN(a.stages, detail::LoadStages(s, a.id));
      out.push_back(std::move(a));
    }
    return out;
  });
}

}  // namespace huiqi::workflow
