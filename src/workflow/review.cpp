// WorkflowService: the reviewers' side — the queue, 受理 (accept, one deficiency notice, or
// refusal), decisions at every later stage with a sealed opinion, moving on when every department
// of a joint review has signed, and reassignment.
#include <algorithm>
#include <set>

#include "schedule/scheduler.h"
#include "workflow/detail/impl.h"

namespace huiqi::workflow {

using nlohmann::json;
using store::Session;

namespace {

bool SequenceDone(const Application& a, int seq) {
  return std::all_of(a.stages.begin(), a.stages.end(),
                     [&](const StageRecord& st) { return st.seq != seq || st.status == "done"; });
}

std::string_view KindLabel(std::string_view kind) {
  if (kind == "accept") return "受理";
  if (kind == "joint_review") return "会审";
  if (kind == "site_check") return "现场核查";
  if (kind == "third_party") return "第三方评审";
  if (kind == "publicity") return "公示";
  return "审核";
}

}  // namespace

core::Result<std::vector<QueueRow>> WorkflowService::Queue(const auth::Principal& reviewer,
                                                           const QueueFilter& f, int64_t* total) {
  Impl& m = *impl_;
  bool admin = reviewer.Is(auth::UserKind::kPlatformAdmin);
  if (!admin && (!reviewer.Is(auth::UserKind::kDepartmentStaff) || !reviewer.department_id)) {
    return core::PermissionDenied("只有部门工作人员有审核待办", "department staff only");
  }
  int64_t dept = admin ? 0 : *reviewer.department_id;
  const detail::PageWindow w = detail::WindowOf(f.page, f.page_size);
  int64_t item = f.item_id.value_or(0), overdue = f.overdue_only ? 1 : 0;
  store::Params filter{int64_t{dept ? 1 : 0}, dept, f.stage_kind, f.stage_kind, overdue,
                       item ? int64_t{1} : 0, item};
  return m.d.db.ReadValue<std::vector<QueueRow>>([&](Session& s) -> core::Result<std::vector<QueueRow>> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(detail::kQueueCount, filter, "", ""));
      *total = n.Int("n");
    }
    store::Params p = filter;
    p.push_back(int64_t{w.size});
    p.push_back(w.offset());
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kQueue, p));
    std::vector<QueueRow> out;
    for (const auto& r : rows) {
      QueueRow q;
      q.application_id = r.Int("application_id");
      q.stage_id = r.Int("stage_id");
      q.case_no = r.Text("case_no");
      q.item_name = r.Text("item_name");
      q.enterprise_name = r.Text("enterprise_name");
      q.stage_kind = r.Text("kind");
      q.stage_name = r.Text("stage_name");
      q.status = r.Text("status");
      q.channel = r.Text("channel");
      q.submitted_at = r.IsNull("submitted_at") ? "" : r.Text("submitted_at");
      q.due_on = detail::DateOf(r, "due_on");
      q.overdue = r.Bool("overdue");
      out.push_back(std::move(q));
    }
    return out;
  });
}

core::Result<Application> WorkflowService::Accept(const auth::Principal& reviewer, int64_t id,
                                                  const std::string& opinion) {
  Impl& m = *impl_;
  HQ_ASSIGN_OR_RETURN(Application peek, m.Reload(id, reviewer.user_id));
  HQ_ASSIGN_OR_RETURN(StageRecord * stage, m.ActiveStageOf(reviewer, peek, "accept"));
  HQ_ASSIGN_OR_RETURN(SignedOpinion signed_op, m.Sign(reviewer, peek, *stage, "accept",
                                                      opinion.empty() ? "材料齐全，予以受理" : opinion));
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, reviewer.user_id));
    HQ_ASSIGN_OR_RETURN(StageRecord * st, m.ActiveStageOf(reviewer, a, "accept"));
    Application before = a;
    StageRecord done = *st;
    done.status = "done";
    done.finished_at = m.Now();
    done.days_used =
        st->days_used + (st->started_on ? m.d.calendar.WorkingDaysBetween(*st->started_on, m.Today()) : 0);
    HQ_RETURN_IF_ERROR(detail::SaveStage(s, done, "finish", "active"));
    *st = done;
    HQ_RETURN_IF_ERROR(m.StoreOpinion(s, a, signed_op.opinion, signed_op.signature, reviewer.user_id));
    a.status = AppStatus::kInReview;
    a.updated_at = m.Now();
    HQ_ASSIGN_OR_RETURN(bool more, m.StartSequence(s, a, a.stage_seq + 1));
    if (!more) {
      a.status = AppStatus::kApproved;  // a flow of acceptance alone: 直接拨付 (江阴办法 第二十条)
      a.decided_at = a.updated_at;
    }
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, more ? "accept" : "accept_and_approve", before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, reviewer, "application.accept", before, a));
    HQ_RETURN_IF_ERROR(
        m.Log(s, a, reviewer, "accept", done.department_name + "受理：" + signed_op.opinion.text, done.id));
    std::string next_name, next_holder, due;
    for (const auto& x : a.stages) {
      if (x.seq != a.stage_seq || x.status != "active") continue;
      next_name = x.name;
      next_holder += (next_holder.empty() ? "" : "、") + x.department_name;
      due = x.due_on ? x.due_on->ToString() : "";
    }
    if (!more) {
      return m.TellApplicant(s, a, "application.approved", "申报已通过：" + a.item_name,
                             "您的申报（" + a.case_no + "）已受理并通过。", "SMS_DECISION",
                             {{"result", "已通过"}});
    }
    return m.TellApplicant(s, a, "application.accepted", "申报已受理：" + a.item_name,
                           "您的申报（" + a.case_no + "）已受理，进入“" + next_name + "”环节，由" +
                               next_holder + "办理，时限至 " + due + "。",
                           "SMS_STEP", {{"stage", next_name}, {"holder", next_holder}, {"due", due}});
  }));
  return m.Reload(id, reviewer.user_id);
}

core::Result<Application> WorkflowService::ReturnForCorrection(const auth::Principal& reviewer, int64_t id,
                                                               std::vector<DeficiencyItem> items,
                                                               const std::string& note) {
  Impl& m = *impl_;
  if (items.empty()) {
    return core::InvalidArgument("items", "required", "补正通知须列出需补齐或更正的全部内容",
                                 "items required");
  }
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, reviewer.user_id));
    HQ_ASSIGN_OR_RETURN(StageRecord * st, m.ActiveStageOf(reviewer, a, "accept"));
    HQ_ASSIGN_OR_RETURN(policy::Item item, m.d.policies.GetItem(nullptr, a.item_id));
    HQ_ASSIGN_OR_RETURN(FormDef form, m.FormOf(s, item));
    // Each item names a real material or field, so the applicant sees exactly what to do.
    std::set<std::string> seen;
    for (size_t i = 0; i < items.size(); ++i) {
      DeficiencyItem& it = items[i];
      std::string at = "items[" + std::to_string(i) + "]";
      if (it.type == "material") {
        int pos = -1;
        try {
          pos = std::stoi(it.key);
        } catch (...) {
        }
        if (pos < 0 || pos >= static_cast<int>(item.materials.size())) {
          return core::InvalidArgument(at + ".key", "unknown_material", "指南中没有这项材料",
                                       "unknown material");
        }
        it.name = item.materials[pos].name;
      } else if (it.type == "field") {
        auto f = std::find_if(form.fields.begin(), form.fields.end(),
                              [&](const FormField& x) { return x.key == it.key; });
        if (f == form.fields.end()) {
          return core::InvalidArgument(at + ".key", "unknown_field", "申报表中没有这个字段", "unknown field");
        }
        it.name = f->label;
      } else {
        return core::InvalidArgument(at + ".type", "invalid_enum", "应为 material 或 field", "bad item type");
      }
      if (it.reason.empty())
        return core::InvalidArgument(at + ".reason", "required", "请说明原因", "reason required");
      if (!seen.insert(it.type + ":" + it.key).second) {
        return core::InvalidArgument(at + ".key", "duplicate", "同一项只需列出一次", "listed twice");
      }
    }
    // 一次性告知: a second notice may only name what the last resubmission changed — everything
    // else could have been named the first time.
    if (!a.notices.empty()) {
      for (size_t i = 0; i < items.size(); ++i) {
        const DeficiencyItem& it = items[i];
        bool changed_since = false;
        if (it.type == "material") {
          for (const auto& mat : a.materials)
            changed_since |= std::to_string(mat.position) == it.key && mat.round == a.round;
        } else {
          for (const auto& prev : a.notices.back().items)
            changed_since |= prev.type == "field" && prev.key == it.key;
        }
        if (!changed_since) {
          return core::MakeError(
              core::ErrorKind::kConflict, "already_notified",
              "“" + it.name +
                  "”本可在第一次补正通知中一并告知；补正通知须一次性列出全部问题（江阴办法第十九条）",
              "could have been named in the first notice", "items[" + std::to_string(i) + "]");
        }
      }
    }
    Application before = a;
    StageRecord paused = *st;
    paused.status = "paused";
    paused.days_used =
        st->days_used + (st->started_on ? m.d.calendar.WorkingDaysBetween(*st->started_on, m.Today()) : 0);
    HQ_RETURN_IF_ERROR(detail::SaveStage(s, paused, "pause", "active"));
    *st = paused;
    DeficiencyNotice n;
    n.round = a.round;
    n.items = items;
    n.note = note;
    n.issued_at = m.Now();
    HQ_RETURN_IF_ERROR(detail::InsertDeficiency(s, a.id, st->id, n, reviewer.user_id));
    a.status = AppStatus::kReturned;
    a.updated_at = m.Now();
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, "return", before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, reviewer, "application.return", before, a));
    std::string list;
    for (const auto& it : items) list += (list.empty() ? "" : "；") + it.name + "（" + it.reason + "）";
    core::Date answer_by = m.Due(m.Today(), m.options.deficiency_days);
    HQ_RETURN_IF_ERROR(m.Log(
        s, a, reviewer, "return",
        "一次性告知需补正 " + std::to_string(items.size()) + " 项：" + list + "；受理计时暂停", st->id));
    return m.TellApplicant(s, a, "application.returned", "补正通知：" + a.item_name,
                           "您的申报（" + a.case_no + "）需补正以下 " + std::to_string(items.size()) +
                               " 项：" + list + (note.empty() ? "" : "。说明：" + note) + "。请于 " +
                               answer_by.ToString() + " 前在“我的申报”中一次补齐。",
                           "SMS_RETURNED", {{"due", answer_by.ToString()}});
  }));
  return m.Reload(id, reviewer.user_id);
}

core::Result<Application> WorkflowService::Decide(const auth::Principal& reviewer, int64_t id, bool approve,
                                                  const std::string& opinion, const std::string& basis,
                                                  std::optional<int64_t> amount_approved_fen) {
  Impl& m = *impl_;
  if (opinion.empty())
    return core::InvalidArgument("opinion", "required", "请填写审核意见", "opinion required");
  if (!approve && basis.empty()) {
    return core::InvalidArgument("basis", "required", "不予通过须写明依据（未满足的条件或缺少的材料）",
                                 "basis required");
  }
  HQ_ASSIGN_OR_RETURN(Application peek, m.Reload(id, reviewer.user_id));
  HQ_ASSIGN_OR_RETURN(StageRecord * stage, m.ActiveStageOf(reviewer, peek));
  if (stage->kind == "accept" && approve) return Accept(reviewer, id, opinion);
  if (stage->kind == "publicity") {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "publicity_running",
                           "公示期内不能作出决定；公示期满后自动办结", "publicity decides by itself");
  }
  std::string decision = approve ? (stage->kind == "accept" ? "accept" : "approve") : "refuse";
  HQ_ASSIGN_OR_RETURN(SignedOpinion signed_op, m.Sign(reviewer, peek, *stage, decision, opinion));
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, reviewer.user_id));
    HQ_ASSIGN_OR_RETURN(StageRecord * st, m.ActiveStageOf(reviewer, a));
    if (st->id != signed_op.opinion.stage_id) {
      return core::MakeError(core::ErrorKind::kConflict, "state_conflict", "该环节刚被他人办理，请刷新后再试",
                             "moved on");
    }
    Application before = a;
    StageRecord next = *st;
    next.status = approve ? "done" : "refused";
    next.finished_at = m.Now();
    next.days_used =
        st->days_used + (st->started_on ? m.d.calendar.WorkingDaysBetween(*st->started_on, m.Today()) : 0);
    HQ_RETURN_IF_ERROR(detail::SaveStage(s, next, approve ? "finish" : "refuse", "active"));
    *st = next;
    HQ_RETURN_IF_ERROR(m.StoreOpinion(s, a, signed_op.opinion, signed_op.signature, reviewer.user_id));
    a.updated_at = m.Now();
    if (amount_approved_fen) a.amount_approved_fen = amount_approved_fen;
    std::string action = "advance";
    if (!approve) {
      for (auto& other : a.stages) {
        if (other.status != "waiting" && other.status != "active" && other.status != "paused") continue;
        std::string from = other.status;
        other.status = "cancelled";
        HQ_RETURN_IF_ERROR(detail::SaveStage(s, other, "cancel", from));
      }
      a.status = AppStatus::kRejected;
      a.decision_note = opinion;
      a.decision_basis = basis;
      a.decided_at = a.updated_at;
      action = "refuse";
    } else if (SequenceDone(a, a.stage_seq)) {
      // A joint review moves on only when every department has signed.
      HQ_ASSIGN_OR_RETURN(bool more, m.StartSequence(s, a, a.stage_seq + 1));
      auto current = std::find_if(a.stages.begin(), a.stages.end(), [&](const StageRecord& x) {
        return x.seq == a.stage_seq && x.status == "active";
      });
      if (!more) {
        a.status = AppStatus::kApproved;
        a.decided_at = a.updated_at;
        action = "approve";
      } else if (current != a.stages.end() && current->kind == "publicity") {
        a.status = AppStatus::kPublicity;
        a.publicity_ends_on = current->due_on;
        action = "publicize";
        HQ_RETURN_IF_ERROR(schedule::Scheduler::Schedule(
            s, m.d.clock, "workflow.publicity_end", "publicity-end-" + std::to_string(a.id),
            m.EndOf(*current->due_on), json{{"application_id", a.id}}.dump()));
      }
    }
    HQ_RETURN_IF_ERROR(detail::SaveApplication(s, a, action, before.status));
    HQ_RETURN_IF_ERROR(m.Audit(s, reviewer, "application." + action, before, a));
    HQ_RETURN_IF_ERROR(m.Log(s, a, reviewer, approve ? "sign" : "refuse",
                             next.department_name + std::string(KindLabel(next.kind)) +
                                 (approve ? "同意：" : "不予通过：") + opinion +
                                 (basis.empty() ? "" : "（依据：" + basis + "）"),
                             next.id));
    if (action == "refuse") {
      return m.TellApplicant(s, a, "application.rejected", "申报未通过：" + a.item_name,
                             "您的申报（" + a.case_no + "）未通过" + next.department_name + "的" +
                                 std::string(KindLabel(next.kind)) + "：" + opinion + "。依据：" + basis +
                                 "。",
                             "SMS_DECISION", {{"result", "未通过（依据：" + basis + "）"}});
    }
    if (action == "approve") {
      return m.TellApplicant(s, a, "application.approved", "申报已通过：" + a.item_name,
                             "您的申报（" + a.case_no + "）已审核通过。", "SMS_DECISION",
                             {{"result", "已通过"}});
    }
    for (const auto& x : a.stages) {
      if (x.seq != a.stage_seq || x.status != "active" || before.stage_seq == a.stage_seq) continue;
      std::string due = x.due_on ? x.due_on->ToString() : "";
      return m.TellApplicant(s, a, "application.stage", "申报进入" + x.name + "：" + a.item_name,
                             "您的申报（" + a.case_no + "）进入“" + x.name + "”环节，由" + x.department_name +
                                 "办理，时限至 " + due + "。" +
                                 (x.kind == "publicity" ? "公示期内任何人可对结果提出异议。" : ""),
                             "SMS_STEP", {{"stage", x.name}, {"holder", x.department_name}, {"due", due}});
    }
    return core::Ok();  // one department of a joint review signed; the others still hold it
  }));
  return m.Reload(id, reviewer.user_id);
}

core::Status WorkflowService::RequireStageOf(const auth::Principal& p, int64_t stage_id) {
  Impl& m = *impl_;
  return m.d.db.Read([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(StageRecord st, detail::LoadStage(s, stage_id));
    if (!auth::RequireDepartment(p, st.department_id).ok()) return core::NotFound("本部门的环节", "stage");
    return core::Ok();
  });
}

core::Result<Application> WorkflowService::Reassign(const auth::Principal& admin, int64_t stage_id,
                                                    int64_t user_id) {
  Impl& m = *impl_;
  int64_t app_id = 0;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(StageRecord st, detail::LoadStage(s, stage_id));
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne({"workflow.stage_app",
                                              "SELECT application_id FROM application_stages WHERE id = ?"},
                                             {stage_id}, "", ""));
    app_id = row.Int("application_id");
    bool may = admin.Is(auth::UserKind::kPlatformAdmin) ||
               (admin.HasRole(auth::Role::kDepartmentAdmin) && admin.department_id == st.department_id) ||
               (admin.HasRole(auth::Role::kReviewer) && admin.department_id == st.department_id &&
                admin.user_id == user_id);
    if (!may)
      return core::PermissionDenied("只有本部门管理员可以分派（审核人员可认领）", "department admin only");
    HQ_ASSIGN_OR_RETURN(auto staff, s.Query(detail::kDepartmentUsers, {st.department_id}));
    std::string name;
    for (const auto& r : staff) {
      if (r.Int("id") == user_id && r.Text("roles").find("reviewer") != std::string::npos)
        name = r.Text("display_name");
    }
    if (name.empty())
      return core::InvalidArgument("user_id", "not_reviewer", "只能分派给本部门的审核人员", "not a reviewer");
    StageRecord next = st;
    next.assignee_user_id = user_id;
    HQ_RETURN_IF_ERROR(detail::SaveStage(s, next, "assign", st.status));
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, app_id));
    HQ_RETURN_IF_ERROR(m.Log(s, a, admin, "assign", st.name + "分派给 " + name, stage_id));
    return audit::Record(s, m.d.clock, {admin.user_id, admin.login}, "application.assign",
                         "application_stage", std::to_string(stage_id),
                         {{"assignee", st.assignee_user_id ? json(*st.assignee_user_id) : json()}},
                         {{"assignee", user_id}});
  }));
  return m.Reload(app_id, admin.user_id);
}

}  // namespace huiqi::workflow
