// WorkflowService: 公示 (objections and the end of the public notice), 结果公开, the deadline job,
// and verifying a sealed opinion.
#include <openssl/evp.h>

#include <algorithm>

#include "audit/audit_log.h"
#include "schedule/scheduler.h"
#include "seal/opinion.h"
#include "workflow/detail/impl.h"

namespace huiqi::workflow {

using nlohmann::json;
using store::Session;

namespace {

auth::Principal System() {
  auth::Principal p;
  p.login = "system";
  p.kind = auth::UserKind::kPlatformAdmin;
  return p;
}

std::string Unbase64(const std::string& in) {
  if (in.empty() || in.size() % 4) return "";
  std::string out(3 * in.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return "";
  size_t pad = (in.back() == '=') + (in.size() > 1 && in[in.size() - 2] == '=');
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace

core::Result<Objection> WorkflowService::FileObjection(const auth::Principal& who, int64_t id,
                                                       const std::string& text) {
  Impl& m = *impl_;
  if (text.size() < 4 || text.size() > 4000) {
    return core::InvalidArgument("text", "required", "请写明异议的内容和理由（4–4000 字节）",
                                 "text required");
  }
  int64_t objection_id = 0;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, id));
    // 江阴办法 第二十一条 结果公开: anyone logged in may object while the notice runs.
    if (a.status != AppStatus::kPublicity) {
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "not_in_publicity", "该申报不在公示期内",
                             "not in public notice", "status");
    }
    HQ_ASSIGN_OR_RETURN(objection_id, detail::InsertObjection(s, id, who.user_id, text, m.Now()));
    HQ_RETURN_IF_ERROR(m.Log(s, a, who, "objection", "收到公示异议，待" + a.department_name + "答复"));
    HQ_RETURN_IF_ERROR(m.TellDepartment(s, a, a.department_id, "application.objection",
                                        "公示异议：" + a.item_name + "（" + a.case_no + "）",
                                        "公示期收到异议，请及时答复：" + text));
    return audit::Record(s, m.d.clock, {who.user_id, who.login}, "application.objection", "application",
                         std::to_string(id), nullptr, {{"objection_id", objection_id}});
  }));
  return Objection{objection_id, text, m.Now(), "", "", true};
}

core::Status WorkflowService::RequireObjectionOf(const auth::Principal& p, int64_t objection_id) {
  Impl& m = *impl_;
  return m.d.db.Read([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(detail::kObjectionById, {objection_id}, "异议", "objection"));
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, row.Int("application_id")));
    if (!auth::RequireDepartment(p, a.department_id).ok()) return core::NotFound("本部门的异议", "objection");
    return core::Ok();
  });
}

core::Result<Objection> WorkflowService::AnswerObjection(const auth::Principal& reviewer,
                                                         int64_t objection_id, const std::string& answer) {
  Impl& m = *impl_;
  if (answer.empty()) return core::InvalidArgument("answer", "required", "请填写答复", "answer required");
  Objection out;
  HQ_RETURN_IF_ERROR(m.d.db.Write([&](Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(detail::kObjectionById, {objection_id}, "异议", "objection"));
    HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, row.Int("application_id")));
    HQ_RETURN_IF_ERROR(auth::RequireDepartment(reviewer, a.department_id));
    HQ_ASSIGN_OR_RETURN(int64_t n,
                        s.Exec(detail::kAnswerObjection, {answer, reviewer.user_id, m.Now(), objection_id}));
    if (n != 1)
      return core::MakeError(core::ErrorKind::kConflict, "already_answered", "该异议已答复", "answered");
    HQ_RETURN_IF_ERROR(m.Log(s, a, reviewer, "objection_answer", "答复公示异议：" + answer));
    out = {objection_id, row.Text("text"), row.Text("filed_at"), answer, m.Now(), false};
    return audit::Record(s, m.d.clock, {reviewer.user_id, reviewer.login}, "application.objection_answer",
                         "application", std::to_string(a.id), nullptr, {{"objection_id", objection_id}});
  }));
  return out;
}

core::Result<std::optional<int64_t>> WorkflowService::OnPublicityEnd(Session& s, int64_t id) {
  Impl& m = *impl_;
  HQ_ASSIGN_OR_RETURN(Application a, detail::LoadFull(s, id, std::nullopt));
  if (a.status != AppStatus::kPublicity) return std::optional<int64_t>{};  // withdrawn or decided meanwhile
  HQ_ASSIGN_OR_RETURN(auto open, s.QueryOne(detail::kOpenObjections, {id}, "", ""));
  if (open.Int("n") > 0) {
    // An unanswered objection keeps the notice open: looked at again the next working day.
    core::Date next = m.Due(m.Today(), 1);
    return std::optional<int64_t>{m.EndOf(next) - 86400};
  }
  Application before = a;
  for (auto& st : a.stages) {
    if (st.seq == a.stage_seq && st.status == "active") {
      StageRecord done = st;
      done.status = "done";
      done.finished_at = m.Now();
      HQ_RETURN_IF_ERROR(detail::SaveStage(s, done, "finish", "active"));
      st = done;
    }
  }
  auth::Principal system = System();
  HQ_ASSIGN_OR_RETURN(bool more, m.StartSequence(s, a, a.stage_seq + 1));
  a.updated_at = m.Now();
  if (!more) {
    a.status = AppStatus::kApproved;
    a.decided_at = a.updated_at;
  } else {
    a.status = AppStatus::kInReview;
  }
  HQ_RETURN_IF_ERROR(
      detail::SaveApplication(s, a, more ? "advance_after_publicity" : "approve", before.status));
  HQ_RETURN_IF_ERROR(m.Audit(s, system, more ? "application.advance" : "application.approve", before, a));
  HQ_RETURN_IF_ERROR(m.Log(s, a, system, "publicity_end",
                           "公示期满无异议" + std::string(more ? "，进入下一环节" : "，审核通过")));
  if (more) return std::optional<int64_t>{};
  HQ_RETURN_IF_ERROR(m.TellApplicant(s, a, "application.approved", "申报已通过：" + a.item_name,
                                     "您的申报（" + a.case_no + "）公示期满，审核通过。", "SMS_DECISION",
                                     {{"result", "已通过"}}));
  return std::optional<int64_t>{};
}

core::Status WorkflowService::OnStageDeadline(Session& s, int64_t stage_id) {
  Impl& m = *impl_;
  HQ_ASSIGN_OR_RETURN(StageRecord st, detail::LoadStage(s, stage_id));
  if (st.status != "active" || !st.due_on || m.Today() <= *st.due_on || st.overdue) return core::Ok();
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne({"workflow.stage_app",
                                            "SELECT application_id FROM application_stages WHERE id = ?"},
                                           {stage_id}, "", ""));
  HQ_ASSIGN_OR_RETURN(Application a, detail::LoadApplication(s, row.Int("application_id")));
  StageRecord flagged = st;
  flagged.overdue = true;
  HQ_RETURN_IF_ERROR(detail::SaveStage(s, flagged, "flag", "active"));
  auth::Principal system = System();
  HQ_RETURN_IF_ERROR(m.Log(
      s, a, system, "overdue",
      st.name + "已超过办理时限（" + st.due_on->ToString() + "），已提醒" + st.department_name + "和平台督查",
      stage_id));
  // 江阴办法 第二十一条: every department's progress supervised online.
  HQ_RETURN_IF_ERROR(m.TellDepartment(
      s, a, st.department_id, "application.overdue", "超期提醒：" + a.item_name + "（" + a.case_no + "）",
      st.name + "应于 " + st.due_on->ToString() + " 前办结，现已超期，请尽快办理。"));
  HQ_ASSIGN_OR_RETURN(auto admins, s.Query(detail::kPlatformOffice));
  for (const auto& r : admins) {
    notify::Notice n;
    n.user_id = r.Int("id");
    n.kind = "application.overdue";
    n.title = "督办：" + st.department_name + " " + a.case_no + " 超期";
    n.body = a.enterprise_name + "申报的“" + a.item_name + "”在“" + st.name + "”环节超过时限（应于 " +
             st.due_on->ToString() + " 前办结）。";
    n.link = "/admin/supervision";
    n.entity = "application";
    n.entity_id = std::to_string(a.id);
    HQ_RETURN_IF_ERROR(m.d.notifier.Send(s, n, {}));
  }
  return audit::Record(s, m.d.clock, {std::nullopt, "system"}, "application.overdue", "application_stage",
                       std::to_string(stage_id), {{"overdue", false}}, {{"overdue", true}});
}

core::Result<std::vector<PublicResult>> WorkflowService::PublicResults(int page, int page_size,
                                                                       int64_t* total) {
  const detail::PageWindow w = detail::WindowOf(page, page_size);
  return impl_->d.db.ReadValue<std::vector<PublicResult>>(
      [&](Session& s) -> core::Result<std::vector<PublicResult>> {
        if (total) {
          HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(detail::kResultsCount, {}, "", ""));
          *total = n.Int("n");
        }
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kResults, {int64_t{w.size}, w.offset()}));
        std::vector<PublicResult> out;
        for (const auto& r : rows) {
          out.push_back({r.Text("case_no"), r.Text("enterprise_name"), r.Text("item_name"),
                         r.Text("department_name"), r.IsNull("decided_at") ? "" : r.Text("decided_at"),
                         r.OptInt("amount_approved_fen")});
        }
        return out;
      });
}

core::Result<std::vector<PublicNotice>> WorkflowService::InPublicity(int page, int page_size,
                                                                     int64_t* total) {
  const detail::PageWindow w = detail::WindowOf(page, page_size);
  return impl_->d.db.ReadValue<std::vector<PublicNotice>>(
      [&](Session& s) -> core::Result<std::vector<PublicNotice>> {
        if (total) {
          HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(detail::kInPublicityCount, {}, "", ""));
          *total = n.Int("n");
        }
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kInPublicity, {int64_t{w.size}, w.offset()}));
        std::vector<PublicNotice> out;
        for (const auto& r : rows) {
          PublicNotice n;
          n.application_id = r.Int("id");
          n.case_no = r.Text("case_no");
          n.enterprise_name = r.Text("enterprise_name");
          n.item_name = r.Text("item_name");
          n.department_name = r.Text("department_name");
          n.ends_on = detail::DateOf(r, "publicity_ends_on");
          n.amount_fen = r.OptInt("amount_approved_fen");
          out.push_back(std::move(n));
        }
        return out;
      });
}

core::Result<bool> WorkflowService::ReviewsFile(const auth::Principal& p, int64_t file_id) {
  if (!p.Is(auth::UserKind::kDepartmentStaff) || !p.department_id) return false;
  return impl_->d.db.ReadValue<bool>([&](Session& s) -> core::Result<bool> {
    HQ_ASSIGN_OR_RETURN(
        auto row, s.QueryOptional({"workflow.reviews_file",
                                   "SELECT 1 AS x FROM application_materials m JOIN application_stages st "
                                   "ON st.application_id = m.application_id WHERE m.file_id = ? "
                                   "AND st.department_id = ? LIMIT 1"},
                                  {file_id, *p.department_id}));
    return row.has_value();
  });
}

core::Result<OpinionSignature> LoadSignedOpinion(store::Database& db, int64_t opinion_id) {
  return db.ReadValue<OpinionSignature>([&](Session& s) -> core::Result<OpinionSignature> {
    int64_t app = 0;
    std::string signature;
    HQ_ASSIGN_OR_RETURN(Opinion o, detail::LoadOpinion(s, opinion_id, &app, &signature));
    HQ_ASSIGN_OR_RETURN(core::TimePoint at, core::ParseTimestamp(o.reviewed_at));
    seal::ReviewOpinion ro{app, o.stage_kind, o.decision, o.text, o.reviewer_login, at, o.material_hashes};
    return OpinionSignature{seal::CanonicalOpinion(ro), signature.empty() ? "" : Unbase64(signature)};
  });
}

core::Result<std::string> WorkflowService::OpinionBytes(int64_t opinion_id) {
  HQ_ASSIGN_OR_RETURN(OpinionSignature o, LoadSignedOpinion(impl_->d.db, opinion_id));
  return o.data;
}

core::Result<seal::VerifyReport> WorkflowService::VerifyOpinion(int64_t opinion_id) {
  Impl& m = *impl_;
  if (m.d.seals == nullptr)
    return core::MakeError(core::ErrorKind::kUnavailable, "no_seals", "未配置电子印章服务", "no seals");
  HQ_ASSIGN_OR_RETURN(OpinionSignature o, LoadSignedOpinion(m.d.db, opinion_id));
  if (o.signature_der.empty()) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "unsigned", "该意见未加盖电子印章",
                           "not signed");
  }
  return m.d.seals->Verify(o.signature_der, o.data);
}

}  // namespace huiqi::workflow
