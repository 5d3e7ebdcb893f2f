#include "workflow/detail/repository.h"

#include <array>

namespace huiqi::workflow::detail {

using nlohmann::json;
using store::Row;
using store::Session;

namespace {

constexpr Statement kAppStatus{"workflow.app_status", "SELECT status FROM applications WHERE id = ?"};
constexpr Statement kStageStatus{"workflow.stage_status",
                                 "SELECT status FROM application_stages WHERE id = ?"};

#define HQ_APP_COLS                                                                                          \
  "a.id, a.case_no, a.item_id, c.name AS item_name, a.department_id, d.name AS department_name, a.uscc, "    \
  "a.enterprise_name, a.applicant_user_id, a.channel, a.authorization_note, a.status, a.form_version, "      \
  "a.flow, "                                                                                                 \
  "a.form_values, a.archive_values, a.mismatches, a.verdict, a.rule_version_id, a.rule_text, a.trace, "      \
  "a.facts, "                                                                                                \
  "a.amount_requested_fen, a.amount_approved_fen, a.round, a.stage_seq, a.decision_note, a.decision_basis, " \
  "a.publicity_ends_on, a.created_at, a.submitted_at, a.decided_at, a.updated_at"
constexpr Statement kAppById{"workflow.app_by_id",
                             "SELECT " HQ_APP_COLS
                             " FROM applications a JOIN items i ON i.id = a.item_id "
                             "JOIN item_catalogue c ON c.id = i.catalogue_id "
                             "JOIN departments d ON d.id = a.department_id WHERE a.id = ?"};
#undef HQ_APP_COLS
constexpr Statement kInsertApp{
    "workflow.insert_app",
    "INSERT INTO applications (case_no, item_id, department_id, uscc, enterprise_name, applicant_user_id, "
    "channel, "
    "counter_user_id, authorization_note, status, form_version, flow, form_values, archive_values, "
    "created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id"};
constexpr Statement kSaveApp{
    "workflow.save_app",
    "UPDATE applications SET status = ?, stage_seq = ?, round = ?, form_values = ?, archive_values = ?, "
    "mismatches = ?, verdict = ?, rule_version_id = ?, rule_text = ?, trace = ?, facts = ?, "
    "amount_requested_fen = ?, "
    "amount_approved_fen = ?, decision_note = ?, decision_basis = ?, publicity_ends_on = ?, submitted_at = "
    "?, "
    "decided_at = ?, updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kNextCase{"workflow.next_case",
                              "INSERT INTO case_counters (year, last) VALUES (?, 1) ON CONFLICT (year) DO "
                              "UPDATE SET last = case_counters.last + 1 "
                              "RETURNING last"};
constexpr Statement kInsertMaterial{
    "workflow.insert_material",
    "INSERT INTO application_materials (application_id, position, name, file_id, provided, round, added_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"};
constexpr Statement kMaterials{
    "workflow.materials",
    "SELECT m.position, m.name, m.file_id, m.provided, m.round, f.original_name, f.sha256 FROM "
    "application_materials m "
    "LEFT JOIN files f ON f.id = m.file_id WHERE m.application_id = ? ORDER BY m.position, m.id"};
constexpr Statement kInsertStage{
    "workflow.insert_stage",
    "INSERT INTO application_stages (application_id, seq, kind, name, department_id, status, days) "
    "VALUES (?, ?, ?, ?, ?, 'waiting', ?) RETURNING id"};
#define HQ_STAGE_COLS                                                                                  \
  "st.id, st.seq, st.kind, st.name, st.department_id, d.name AS department_name, st.status, "          \
  "st.assignee_user_id, "                                                                              \
  "u.display_name AS assignee_name, st.days, st.days_used, st.started_on, st.due_on, st.finished_at, " \
  "st.overdue"
constexpr Statement kStages{
    "workflow.stages",
    "SELECT " HQ_STAGE_COLS
    " FROM application_stages st "
    "JOIN departments d ON d.id = st.department_id LEFT JOIN users u ON u.id = st.assignee_user_id "
    "WHERE st.application_id = ? ORDER BY st.seq, st.id"};
constexpr Statement kStage{
    "workflow.stage",
    "SELECT st.application_id, " HQ_STAGE_COLS
    " FROM application_stages st "
    "JOIN departments d ON d.id = st.department_id LEFT JOIN users u ON u.id = st.assignee_user_id "
    "WHERE st.id = ?"};
#undef HQ_STAGE_COLS
constexpr Statement kSaveStage{"workflow.save_stage",
                               "UPDATE application_stages SET status = ?, assignee_user_id = ?, days_used = "
                               "?, started_on = ?, due_on = ?, "
                               "finished_at = ?, overdue = ? WHERE id = ? AND status = ?"};
constexpr Statement kInsertNotice{
    "workflow.insert_deficiency",
    "INSERT INTO deficiency_notices (application_id, stage_id, round, items, note, issued_by, issued_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"};
constexpr Statement kAnswerNotice{
    "workflow.answer_deficiency",
    "UPDATE deficiency_notices SET answered_at = ? WHERE id = ? AND answered_at IS NULL"};
constexpr Statement kNotices{
    "workflow.deficiencies",
    "SELECT n.id, n.round, n.items, n.note, n.issued_at, n.answered_at, u.login AS issued_by "
    "FROM deficiency_notices n LEFT JOIN users u ON u.id = n.issued_by "
    "WHERE n.application_id = ? ORDER BY n.id"};
constexpr Statement kInsertOpinion{
    "workflow.insert_opinion",
    "INSERT INTO opinions (application_id, stage_id, department_id, reviewer_user_id, reviewer_login, "
    "stage_kind, "
    "decision, text, material_hashes, reviewed_at, signature, seal_serial, data_sm3) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
#define HQ_OPINION_COLS                                                                            \
  "o.id, o.application_id, o.stage_id, o.department_id, d.name AS department_name, o.stage_kind, " \
  "o.decision, "                                                                                   \
  "o.text, o.reviewer_login, o.reviewed_at, o.material_hashes, o.signature, o.seal_serial, o.data_sm3"
constexpr Statement kOpinions{"workflow.opinions",
                              "SELECT " HQ_OPINION_COLS
                              " FROM opinions o JOIN departments d ON d.id = o.department_id "
                              "WHERE o.application_id = ? ORDER BY o.id"};
constexpr Statement kOpinion{"workflow.opinion",
                             "SELECT " HQ_OPINION_COLS
                             " FROM opinions o JOIN departments d ON d.id = o.department_id "
                             "WHERE o.id = ?"};
#undef HQ_OPINION_COLS
constexpr Statement kInsertObjection{
    "workflow.insert_objection",
    "INSERT INTO objections (application_id, user_id, text, filed_at) VALUES (?, ?, ?, ?) RETURNING id"};
constexpr Statement kObjections{"workflow.objections",
                                "SELECT id, user_id, text, filed_at, answer, answered_at FROM objections "
                                "WHERE application_id = ? ORDER BY id"};
constexpr Statement kInsertEvent{
    "workflow.insert_event",
    "INSERT INTO application_events (application_id, at, actor_login, action, status, stage_id, text) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"};
constexpr Statement kEvents{"workflow.events",
                            "SELECT at, actor_login, action, status, stage_id, text FROM application_events "
                            "WHERE application_id = ? ORDER BY id"};
constexpr Statement kForm{"workflow.form", "SELECT version, fields FROM item_forms WHERE item_id = ?"};
constexpr Statement kStoreForm{
    "workflow.store_form",
    "INSERT INTO item_forms (item_id, version, fields, updated_by, updated_at) VALUES (?, 1, ?, ?, ?) "
    "ON CONFLICT (item_id) DO UPDATE SET version = item_forms.version + 1, fields = excluded.fields, "
    "updated_by = excluded.updated_by, updated_at = excluded.updated_at"};
constexpr Statement kFlow{"workflow.flow",
                          "SELECT version, stages, confidential FROM item_workflows WHERE item_id = ?"};
constexpr Statement kStoreFlow{
    "workflow.store_flow",
    "INSERT INTO item_workflows (item_id, version, stages, confidential, updated_by, updated_at) "
    "VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET version = item_workflows.version + 1, "
    "stages = excluded.stages, confidential = excluded.confidential, updated_by = excluded.updated_by, "
    "updated_at = excluded.updated_at"};

constexpr std::array<std::pair<AppStatus, std::string_view>, 8> kStatusCodes = {{
    {AppStatus::kDraft, "draft"},
    {AppStatus::kSubmitted, "submitted"},
    {AppStatus::kReturned, "returned"},
    {AppStatus::kInReview, "in_review"},
    {AppStatus::kPublicity, "publicity"},
    {AppStatus::kApproved, "approved"},
    {AppStatus::kRejected, "rejected"},
    {AppStatus::kWithdrawn, "withdrawn"},
}};

store::Value DateValue(const std::optional<core::Date>& d) {
  return d ? store::Value(d->ToString()) : store::Null();
}
json JsonOf(const Row& r, std::string_view col, json fallback) {
  auto j = json::parse(r.Text(col), nullptr, false);
  return j.is_discarded() ? fallback : j;
}
std::string TextOr(const Row& r, std::string_view col) { return r.IsNull(col) ? "" : r.Text(col); }

StageRecord StageOf(const Row& r) {
  StageRecord st;
  st.id = r.Int("id");
  st.seq = static_cast<int>(r.Int("seq"));
  st.kind = r.Text("kind");
  st.name = r.Text("name");
  st.department_id = r.Int("department_id");
  st.department_name = r.Text("department_name");
  st.status = r.Text("status");
  st.assignee_user_id = r.OptInt("assignee_user_id");
  st.assignee_name = TextOr(r, "assignee_name");
  st.days = static_cast<int>(r.Int("days"));
  st.days_used = static_cast<int>(r.Int("days_used"));
  st.started_on = DateOf(r, "started_on");
  st.due_on = DateOf(r, "due_on");
  st.finished_at = TextOr(r, "finished_at");
  st.overdue = r.Bool("overdue");
  return st;
}

Opinion OpinionOf(const Row& r) {
  Opinion o;
  o.id = r.Int("id");
  o.stage_id = r.Int("stage_id");
  o.department_id = r.Int("department_id");
  o.department_name = r.Text("department_name");
  o.stage_kind = r.Text("stage_kind");
  o.decision = r.Text("decision");
  o.text = r.Text("text");
  o.reviewer_login = r.Text("reviewer_login");
  o.reviewed_at = r.Text("reviewed_at");
  for (const auto& h : JsonOf(r, "material_hashes", json::array())) {
    if (h.is_string()) o.material_hashes.push_back(h.get<std::string>());
  }
  o.seal_serial = r.Text("seal_serial");
  o.data_sm3 = r.Text("data_sm3");
  o.signed_ = !r.Text("signature").empty();
  return o;
}

}  // namespace

std::optional<core::Date> DateOf(const Row& r, std::string_view col) {
  if (r.IsNull(col)) return std::nullopt;
  auto d = core::Date::Parse(r.Text(col), "date");
  return d.ok() ? std::optional<core::Date>(*d) : std::nullopt;
}

const state::Machine& ApplicationMachine() {
  static const state::Machine m(
      "application", "申报",
      {{"draft", "草稿"},
       {"submitted", "已提交待受理"},
       {"returned", "待补正"},
       {"in_review", "审核中"},
       {"publicity", "公示中"},
       {"approved", "已通过"},
       {"rejected", "未通过"},
       {"withdrawn", "已撤回"}},
      {{"save", "保存", {"draft"}, "draft"},
       {"submit", "提交", {"draft"}, "submitted"},
       {"return", "退回补正", {"submitted"}, "returned"},
       {"resubmit", "补正后重新提交", {"returned"}, "submitted"},
       {"accept", "受理", {"submitted"}, "in_review"},
       {"accept_and_approve", "受理并办结", {"submitted"}, "approved"},
       {"advance", "进入下一环节", {"in_review"}, "in_review"},
       {"publicize", "进入公示", {"in_review"}, "publicity"},
       {"advance_after_publicity", "公示期满进入下一环节", {"publicity"}, "in_review"},
       {"approve", "审核通过", {"in_review", "publicity"}, "approved"},
       {"refuse", "不予通过", {"submitted", "in_review"}, "rejected"},
       {"object", "受理异议", {"publicity"}, "publicity"},
       {"withdraw", "撤回", {"draft", "submitted", "returned", "in_review"}, "withdrawn"}},
      kAppStatus);
  return m;
}

const state::Machine& StageMachine() {
  static const state::Machine m("application_stage", "审核环节",
                                {{"waiting", "未开始"},
                                 {"active", "办理中"},
                                 {"paused", "待补正（计时暂停）"},
                                 {"done", "已完成"},
                                 {"refused", "不予通过"},
                                 {"cancelled", "已终止"}},
                                {{"start", "开始", {"waiting"}, "active"},
                                 {"pause", "退回补正", {"active"}, "paused"},
                                 {"resume", "恢复办理", {"paused"}, "active"},
                                 {"finish", "完成", {"active"}, "done"},
                                 {"refuse", "不予通过", {"active"}, "refused"},
                                 {"assign", "分派", {"active"}, "active"},
                                 {"flag", "超期标记", {"active"}, "active"},
                                 {"cancel", "终止", {"waiting", "active", "paused"}, "cancelled"}},
                                kStageStatus);
  return m;
}

core::Result<AppStatus> ParseAppStatus(std::string_view code) {
  for (const auto& [s, c] : kStatusCodes) {
    if (c == code) return s;
  }
  return core::InvalidArgument("status", "invalid_enum", "未知的申报状态", "unknown application status");
}

core::Result<std::string> NextCaseNo(Session& s, int year) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kNextCase, {int64_t{year}}, "", ""));
  std::string n = std::to_string(r.Int("last"));
  return "SB-" + std::to_string(year) + "-" + std::string(n.size() < 6 ? 6 - n.size() : 0, '0') + n;
}

core::Result<int64_t> InsertApplication(Session& s, const Application& a) {
  json flow = {{"version", a.flow.version},
               {"confidential", a.flow.confidential},
               {"stages", StagesJson(a.flow.stages)}};
  HQ_ASSIGN_OR_RETURN(
      auto r, s.QueryOne(kInsertApp,
                         {a.case_no, a.item_id, a.department_id, a.uscc, a.enterprise_name,
                          store::OptionalInt(a.applicant_user_id), a.channel,
                          a.channel == "counter" ? store::OptionalInt(a.applicant_user_id) : store::Null(),
                          a.authorization_note, a.form_version, flow.dump(), a.form_values.dump(),
                          a.archive_values.dump(), a.created_at, a.updated_at},
                         "", ""));
  return r.Int("id");
}

core::Status SaveApplication(Session& s, const Application& a, std::string_view action, AppStatus from) {
  json mismatches = json::array();
  for (const auto& m : a.mismatches) {
    mismatches.push_back(
        {{"field", m.field}, {"label", m.label}, {"archive", m.archive_value}, {"form", m.form_value}});
  }
  return ApplicationMachine().Apply(
      s, action, a.id, AppStatusCode(from), kSaveApp,
      {std::string(AppStatusCode(a.status)), int64_t{a.stage_seq}, a.round, a.form_values.dump(),
       a.archive_values.dump(), mismatches.dump(), a.verdict, store::OptionalInt(a.rule_version), a.rule_text,
       a.trace.dump(), a.facts.dump(), store::OptionalInt(a.amount_requested_fen),
       store::OptionalInt(a.amount_approved_fen), a.decision_note, a.decision_basis,
       DateValue(a.publicity_ends_on), a.submitted_at.empty() ? store::Null() : store::Value(a.submitted_at),
       a.decided_at.empty() ? store::Null() : store::Value(a.decided_at), a.updated_at});
}

core::Result<Application> LoadApplication(Session& s, int64_t id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kAppById, {id}, "申报", "application"));
  Application a;
  a.id = r.Int("id");
  a.case_no = r.Text("case_no");
  a.item_id = r.Int("item_id");
  a.item_name = r.Text("item_name");
  a.department_id = r.Int("department_id");
  a.department_name = r.Text("department_name");
  a.uscc = r.Text("uscc");
  a.enterprise_name = r.Text("enterprise_name");
  a.applicant_user_id = r.OptInt("applicant_user_id");
  a.channel = r.Text("channel");
  a.authorization_note = r.Text("authorization_note");
  HQ_ASSIGN_OR_RETURN(a.status, ParseAppStatus(r.Text("status")));
  a.form_version = r.Int("form_version");
  json flow = JsonOf(r, "flow", json::object());
  a.flow.item_id = a.item_id;
  a.flow.version = flow.value("version", int64_t{0});
  a.flow.confidential = flow.value("confidential", false);
  HQ_ASSIGN_OR_RETURN(a.flow.stages, StagesFrom(flow.value("stages", json::array())));
  a.form_values = JsonOf(r, "form_values", json::object());
  a.archive_values = JsonOf(r, "archive_values", json::object());
  for (const auto& m : JsonOf(r, "mismatches", json::array())) {
    a.mismatches.push_back(
        {m.value("field", ""), m.value("label", ""), m.value("archive", ""), m.value("form", "")});
  }
  a.verdict = r.Text("verdict");
  a.rule_version = r.OptInt("rule_version_id");
  a.rule_text = r.Text("rule_text");
  a.trace = JsonOf(r, "trace", json::array());
  a.facts = JsonOf(r, "facts", json::object());
  a.amount_requested_fen = r.OptInt("amount_requested_fen");
  a.amount_approved_fen = r.OptInt("amount_approved_fen");
  a.round = r.Int("round");
  a.stage_seq = static_cast<int>(r.Int("stage_seq"));
  a.decision_note = r.Text("decision_note");
  a.decision_basis = r.Text("decision_basis");
  a.publicity_ends_on = DateOf(r, "publicity_ends_on");
  a.created_at = r.Text("created_at");
  a.submitted_at = TextOr(r, "submitted_at");
  a.decided_at = TextOr(r, "decided_at");
  a.updated_at = r.Text("updated_at");
  return a;
}

core::Result<Application> LoadFull(Session& s, int64_t id, std::optional<int64_t> viewer_user) {
  HQ_ASSIGN_OR_RETURN(Application a, LoadApplication(s, id));
  HQ_ASSIGN_OR_RETURN(a.materials, LoadMaterials(s, id));
  HQ_ASSIGN_OR_RETURN(a.stages, LoadStages(s, id));
  HQ_ASSIGN_OR_RETURN(auto notices, s.Query(kNotices, {id}));
  for (const auto& r : notices) {
    DeficiencyNotice n;
    n.id = r.Int("id");
    n.round = r.Int("round");
    for (const auto& it : JsonOf(r, "items", json::array())) {
      n.items.push_back(
          {it.value("type", ""), it.value("key", ""), it.value("name", ""), it.value("reason", "")});
    }
    n.note = r.Text("note");
    n.issued_at = r.Text("issued_at");
    n.issued_by = TextOr(r, "issued_by");
    n.answered_at = TextOr(r, "answered_at");
    a.notices.push_back(std::move(n));
  }
  HQ_ASSIGN_OR_RETURN(auto opinions, s.Query(kOpinions, {id}));
  for (const auto& r : opinions) a.opinions.push_back(OpinionOf(r));
  HQ_ASSIGN_OR_RETURN(auto objections, s.Query(kObjections, {id}));
  for (const auto& r : objections) {
    Objection o;
    o.id = r.Int("id");
    o.text = r.Text("text");
    o.filed_at = r.Text("filed_at");
    o.answer = r.Text("answer");
    o.answered_at = TextOr(r, "answered_at");
    o.mine = viewer_user && r.OptInt("user_id") == viewer_user;
    a.objections.push_back(std::move(o));
  }
  HQ_ASSIGN_OR_RETURN(auto events, s.Query(kEvents, {id}));
  for (const auto& r : events) {
    a.events.push_back({r.Text("at"), r.Text("actor_login"), r.Text("action"), r.Text("status"),
                        r.Text("text"), r.OptInt("stage_id")});
  }
  return a;
}

core::Status InsertMaterial(Session& s, int64_t app, const MaterialEntry& m, const std::string& now) {
  HQ_RETURN_IF_ERROR(s.Exec(kInsertMaterial, {app, int64_t{m.position}, m.name, store::OptionalInt(m.file_id),
                                              m.provided, m.round, now}));
  return core::Ok();
}

core::Result<std::vector<MaterialEntry>> LoadMaterials(Session& s, int64_t app) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kMaterials, {app}));
  // The latest row per position is what the application holds now; earlier rounds are history.
  std::map<int, MaterialEntry> latest;
  for (const auto& r : rows) {
    MaterialEntry m;
    m.position = static_cast<int>(r.Int("position"));
    m.name = r.Text("name");
    m.file_id = r.OptInt("file_id");
    m.provided = r.Text("provided");
    m.round = r.Int("round");
    m.file_name = TextOr(r, "original_name");
    m.file_sha256 = TextOr(r, "sha256");
    latest[m.position] = std::move(m);
  }
  std::vector<MaterialEntry> out;
  for (auto& [_, m] : latest) out.push_back(std::move(m));
  return out;
}

core::Result<int64_t> InsertStage(Session& s, int64_t app, const StageRecord& st) {
  HQ_ASSIGN_OR_RETURN(
      auto r,
      s.QueryOne(kInsertStage, {app, int64_t{st.seq}, st.kind, st.name, st.department_id, int64_t{st.days}},
                 "", ""));
  return r.Int("id");
}

core::Result<std::vector<StageRecord>> LoadStages(Session& s, int64_t app) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kStages, {app}));
  std::vector<StageRecord> out;
  for (const auto& r : rows) out.push_back(StageOf(r));
  return out;
}

core::Result<StageRecord> LoadStage(Session& s, int64_t stage_id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kStage, {stage_id}, "审核环节", "stage"));
  return StageOf(r);
}

core::Status SaveStage(Session& s, const StageRecord& st, std::string_view action, std::string_view from) {
  return StageMachine().Apply(
      s, action, st.id, from, kSaveStage,
      {st.status, store::OptionalInt(st.assignee_user_id), int64_t{st.days_used}, DateValue(st.started_on),
       DateValue(st.due_on), st.finished_at.empty() ? store::Null() : store::Value(st.finished_at),
       int64_t{st.overdue ? 1 : 0}});
}

core::Result<int64_t> InsertDeficiency(Session& s, int64_t app, int64_t stage, const DeficiencyNotice& n,
                                       std::optional<int64_t> issued_by) {
  json items = json::array();
  for (const auto& it : n.items) {
    items.push_back({{"type", it.type}, {"key", it.key}, {"name", it.name}, {"reason", it.reason}});
  }
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertNotice,
                                         {app, stage, n.round, items.dump(), n.note,
                                          store::OptionalInt(issued_by), n.issued_at},
                                         "", ""));
  return r.Int("id");
}

core::Status AnswerDeficiency(Session& s, int64_t notice_id, const std::string& now) {
  HQ_RETURN_IF_ERROR(s.Exec(kAnswerNotice, {now, notice_id}));
  return core::Ok();
}

core::Result<int64_t> InsertOpinion(Session& s, int64_t app, const Opinion& o,
                                    std::optional<int64_t> reviewer, const std::string& signature) {
  json hashes(o.material_hashes);
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertOpinion,
                                         {app, o.stage_id, o.department_id, store::OptionalInt(reviewer),
                                          o.reviewer_login, o.stage_kind, o.decision, o.text, hashes.dump(),
                                          o.reviewed_at, signature, o.seal_serial, o.data_sm3},
                                         "", ""));
  return r.Int("id");
}

core::Result<Opinion> LoadOpinion(Session& s, int64_t id, int64_t* application_id, std::string* signature) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kOpinion, {id}, "审核意见", "opinion"));
  if (application_id) *application_id = r.Int("application_id");
  if (signature) *signature = r.Text("signature");
  return OpinionOf(r);
}

core::Result<int64_t> InsertObjection(Session& s, int64_t app, int64_t user, const std::string& text,
                                      const std::string& now) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertObjection, {app, user, text, now}, "", ""));
  return r.Int("id");
}

core::Status InsertEvent(Session& s, int64_t app, const Event& e) {
  HQ_RETURN_IF_ERROR(
      s.Exec(kInsertEvent, {app, e.at, e.actor, e.action, e.status, store::OptionalInt(e.stage_id), e.text}));
  return core::Ok();
}

core::Result<std::optional<FormDef>> LoadForm(Session& s, int64_t item_id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kForm, {item_id}));
  if (!r) return std::optional<FormDef>{};
  FormDef f;
  f.item_id = item_id;
  f.version = r->Int("version");
  HQ_ASSIGN_OR_RETURN(f.fields, FieldsFrom(JsonOf(*r, "fields", json::array())));
  return std::optional<FormDef>{std::move(f)};
}

core::Status StoreForm(Session& s, const FormDef& f, std::optional<int64_t> by, const std::string& now) {
  HQ_RETURN_IF_ERROR(
      s.Exec(kStoreForm, {f.item_id, FieldsJson(f.fields).dump(), store::OptionalInt(by), now}));
  return core::Ok();
}

core::Result<std::optional<FlowDef>> LoadFlow(Session& s, int64_t item_id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kFlow, {item_id}));
  if (!r) return std::optional<FlowDef>{};
  FlowDef f;
  f.item_id = item_id;
  f.version = r->Int("version");
  f.confidential = r->Bool("confidential");
  HQ_ASSIGN_OR_RETURN(f.stages, StagesFrom(JsonOf(*r, "stages", json::array())));
  return std::optional<FlowDef>{std::move(f)};
}

core::Status StoreFlow(Session& s, const FlowDef& f, std::optional<int64_t> by, const std::string& now) {
  HQ_RETURN_IF_ERROR(s.Exec(kStoreFlow, {f.item_id, StagesJson(f.stages).dump(),
                                         int64_t{f.confidential ? 1 : 0}, store::OptionalInt(by), now}));
  return core::Ok();
}

json FieldsJson(const std::vector<FormField>& fields) {
  json out = json::array();
  for (const auto& f : fields) {
    out.push_back({{"key", f.key},
                   {"label", f.label},
                   {"type", f.type},
                   {"required", f.required},
                   {"attribute", f.attribute},
                   {"unit", f.unit},
                   {"options", f.options},
                   {"columns", f.columns},
                   {"hint", f.hint}});
  }
  return out;
}

core::Result<std::vector<FormField>> FieldsFrom(const json& j) {
  if (!j.is_array())
    return core::InvalidArgument("fields", "invalid_type", "字段应为数组", "fields must be an array");
  std::vector<FormField> out;
  for (const auto& f : j) {
    if (!f.is_object())
      return core::InvalidArgument("fields", "invalid_type", "字段应为对象", "a field must be an object");
    FormField x;
    x.key = f.value("key", "");
    x.label = f.value("label", "");
    x.type = f.value("type", "text");
    x.required = f.value("required", true);
    x.attribute = f.value("attribute", "");
    x.unit = f.value("unit", "");
    x.hint = f.value("hint", "");
    for (const char* list : {"options", "columns"}) {
      if (!f.contains(list)) continue;
      if (!f[list].is_array())
        return core::InvalidArgument(std::string("fields.") + list, "invalid_type", "应为数组", "array");
      for (const auto& v : f[list]) {
        if (v.is_string())
          (std::string_view(list) == "options" ? x.options : x.columns).push_back(v.get<std::string>());
      }
    }
    out.push_back(std::move(x));
  }
  return out;
}

json StagesJson(const std::vector<StageDef>& stages) {
  json out = json::array();
  for (const auto& s : stages) {
    out.push_back({{"kind", s.kind}, {"name", s.name}, {"departments", s.departments}, {"days", s.days}});
  }
  return out;
}

core::Result<std::vector<StageDef>> StagesFrom(const json& j) {
  if (!j.is_array())
    return core::InvalidArgument("stages", "invalid_type", "环节应为数组", "stages must be an array");
  std::vector<StageDef> out;
  for (const auto& s : j) {
    if (!s.is_object())
      return core::InvalidArgument("stages", "invalid_type", "环节应为对象", "a stage must be an object");
    StageDef d;
    d.kind = s.value("kind", "review");
    d.name = s.value("name", "");
    d.days = s.value("days", 5);
    if (s.contains("departments") && s["departments"].is_array()) {
      for (const auto& c : s["departments"]) {
        if (c.is_string()) d.departments.push_back(c.get<std::string>());
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace huiqi::workflow::detail

namespace huiqi::workflow {

std::string_view AppStatusCode(AppStatus s) {
  for (const auto& [st, c] : detail::kStatusCodes) {
    if (st == s) return c;
  }
  return "draft";
}

std::string_view AppStatusLabel(AppStatus s) { return detail::ApplicationMachine().Label(AppStatusCode(s)); }

core::Result<std::vector<FormField>> FieldsFromJson(const nlohmann::json& j) { return detail::FieldsFrom(j); }
core::Result<std::vector<StageDef>> StagesFromJson(const nlohmann::json& j) { return detail::StagesFrom(j); }

}  // namespace huiqi::workflow
