#pragma once

#include <algorithm>
// The workflow module's SQL and row mapping. Not for other modules.

#include <string>
#include <vector>

#include "state/machine.h"
#include "store/database.h"
#include "workflow/workflow.h"

namespace huiqi::workflow::detail {

using store::Statement;

//! draft → submitted → (returned → submitted)* → in_review … → publicity → approved; refused or
//! withdrawn on the way.
//! A date column (NULL or unparsable: none).
std::optional<core::Date> DateOf(const store::Row& r, std::string_view col);

//! A list page as every list of this module takes it: page from 1, page_size 1..100 (else `fallback`).
struct PageWindow {
  int page = 1, size = 20;
  int64_t offset() const { return int64_t{page - 1} * size; }
};
inline PageWindow WindowOf(int page, int page_size, int fallback = 20) {
  return {std::max(page, 1), page_size < 1 || page_size > 100 ? fallback : page_size};
}

const state::Machine& ApplicationMachine();
//! waiting → active → (paused → active)* → done | refused; cancelled when the application ends.
const state::Machine& StageMachine();

core::Result<AppStatus> ParseAppStatus(std::string_view code);

// Applications.
core::Result<int64_t> InsertApplication(store::Session& s, const Application& a);
//! Every mutable column, guarded by the status `from` (StateMachine::Apply: 409 on a lost race).
core::Status SaveApplication(store::Session& s, const Application& a, std::string_view action,
                             AppStatus from);
core::Result<Application> LoadApplication(store::Session& s, int64_t id);
//! With materials, stages, notices, opinions, objections and events.
core::Result<Application> LoadFull(store::Session& s, int64_t id, std::optional<int64_t> viewer_user);
core::Result<std::string> NextCaseNo(store::Session& s, int year);

// Materials.
core::Status InsertMaterial(store::Session& s, int64_t app, const MaterialEntry& m, const std::string& now);
core::Result<std::vector<MaterialEntry>> LoadMaterials(store::Session& s, int64_t app);

// Stages.
core::Result<int64_t> InsertStage(store::Session& s, int64_t app, const StageRecord& st);
core::Result<std::vector<StageRecord>> LoadStages(store::Session& s, int64_t app);
core::Result<StageRecord> LoadStage(store::Session& s, int64_t stage_id);
//! The stage's mutable columns, guarded by its status `from`.
core::Status SaveStage(store::Session& s, const StageRecord& st, std::string_view action,
                       std::string_view from);

// Notices, opinions, objections, events.
core::Result<int64_t> InsertDeficiency(store::Session& s, int64_t app, int64_t stage,
                                       const DeficiencyNotice& n, std::optional<int64_t> issued_by);
core::Status AnswerDeficiency(store::Session& s, int64_t notice_id, const std::string& now);
core::Result<int64_t> InsertOpinion(store::Session& s, int64_t app, const Opinion& o,
                                    std::optional<int64_t> reviewer, const std::string& signature);
core::Result<Opinion> LoadOpinion(store::Session& s, int64_t id, int64_t* application_id,
                                  std::string* signature);
core::Result<int64_t> InsertObjection(store::Session& s, int64_t app, int64_t user, const std::string& text,
                                      const std::string& now);
core::Status InsertEvent(store::Session& s, int64_t app, const Event& e);

// Definitions.
core::Result<std::optional<FormDef>> LoadForm(store::Session& s, int64_t item_id);
core::Status StoreForm(store::Session& s, const FormDef& f, std::optional<int64_t> by,
                       const std::string& now);
core::Result<std::optional<FlowDef>> LoadFlow(store::Session& s, int64_t item_id);
core::Status StoreFlow(store::Session& s, const FlowDef& f, std::optional<int64_t> by,
                       const std::string& now);

// JSON of the definitions as stored.
nlohmann::json FieldsJson(const std::vector<FormField>& fields);
core::Result<std::vector<FormField>> FieldsFrom(const nlohmann::json& j);
nlohmann::json StagesJson(const std::vector<StageDef>& stages);
core::Result<std::vector<StageDef>> StagesFrom(const nlohmann::json& j);

// Queries.
inline constexpr Statement kQueue{
    "workflow.queue",
    "SELECT a.id AS application_id, st.id AS stage_id, a.case_no, i_name.name AS item_name, "
    "a.enterprise_name, "
    "st.kind, st.name AS stage_name, a.status, a.channel, a.submitted_at, st.due_on, st.overdue "
    "FROM application_stages st JOIN applications a ON a.id = st.application_id "
    "JOIN items i ON i.id = a.item_id JOIN item_catalogue i_name ON i_name.id = i.catalogue_id "
    "WHERE st.status = 'active' AND (? = 0 OR st.department_id = ?) AND (? = '' OR st.kind = ?) "
    "AND (? = 0 OR st.overdue = 1) AND (? = 0 OR a.item_id = ?) "
    "ORDER BY st.due_on, a.id LIMIT ? OFFSET ?"};
inline constexpr Statement kQueueCount{
    "workflow.queue_count",
    "SELECT COUNT(*) AS n FROM application_stages st JOIN applications a ON a.id = st.application_id "
    "WHERE st.status = 'active' AND (? = 0 OR st.department_id = ?) AND (? = '' OR st.kind = ?) "
    "AND (? = 0 OR st.overdue = 1) AND (? = 0 OR a.item_id = ?)"};
inline constexpr Statement kMine{
    "workflow.mine", "SELECT id FROM applications WHERE uscc = ? ORDER BY id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kMineCount{"workflow.mine_count",
                                      "SELECT COUNT(*) AS n FROM applications WHERE uscc = ?"};
inline constexpr Statement kOpenOf{
    "workflow.open_of",
    "SELECT id, case_no FROM applications WHERE uscc = ? AND item_id = ? "
    "AND status IN ('draft', 'submitted', 'returned', 'in_review', 'publicity')"};
inline constexpr Statement kStageDepartments{"workflow.stage_departments",
                                             "SELECT DISTINCT department_id FROM application_stages "
                                             "WHERE application_id = ?"};
inline constexpr Statement kResults{
    "workflow.results",
    "SELECT a.case_no, a.enterprise_name, c.name AS item_name, d.name AS department_name, a.decided_at, "
    "a.amount_approved_fen FROM applications a JOIN items i ON i.id = a.item_id "
    "JOIN item_catalogue c ON c.id = i.catalogue_id JOIN departments d ON d.id = a.department_id "
    "LEFT JOIN item_workflows w ON w.item_id = a.item_id "
    "WHERE a.status = 'approved' AND COALESCE(w.confidential, 0) = 0 ORDER BY a.decided_at DESC, a.id DESC "
    "LIMIT ? OFFSET ?"};
inline constexpr Statement kResultsCount{
    "workflow.results_count",
    "SELECT COUNT(*) AS n FROM applications a LEFT JOIN item_workflows w ON w.item_id = a.item_id "
    "WHERE a.status = 'approved' AND COALESCE(w.confidential, 0) = 0"};
// 公示中: what anyone may look at and object to during the notice (not confidential items).
inline constexpr Statement kInPublicity{
    "workflow.in_publicity",
    "SELECT a.id, a.case_no, a.enterprise_name, c.name AS item_name, d.name AS department_name, "
    "a.publicity_ends_on, a.amount_approved_fen FROM applications a JOIN items i ON i.id = a.item_id "
    "JOIN item_catalogue c ON c.id = i.catalogue_id JOIN departments d ON d.id = a.department_id "
    "LEFT JOIN item_workflows w ON w.item_id = a.item_id "
    "WHERE a.status = 'publicity' AND COALESCE(w.confidential, 0) = 0 "
    "ORDER BY a.publicity_ends_on, a.id LIMIT ? OFFSET ?"};
inline constexpr Statement kInPublicityCount{
    "workflow.in_publicity_count",
    "SELECT COUNT(*) AS n FROM applications a LEFT JOIN item_workflows w ON w.item_id = a.item_id "
    "WHERE a.status = 'publicity' AND COALESCE(w.confidential, 0) = 0"};
inline constexpr Statement kObjectionById{
    "workflow.objection_by_id",
    "SELECT id, application_id, user_id, text, filed_at, answer, answered_at "
    "FROM objections WHERE id = ?"};
inline constexpr Statement kAnswerObjection{"workflow.answer_objection",
                                            "UPDATE objections SET answer = ?, answered_by = ?, answered_at "
                                            "= ? WHERE id = ? AND answered_at IS NULL"};
inline constexpr Statement kOpenObjections{
    "workflow.open_objections",
    "SELECT COUNT(*) AS n FROM objections WHERE application_id = ? AND answered_at IS NULL"};
inline constexpr Statement kDepartmentUsers{"workflow.department_users",
                                            "SELECT id, roles, display_name FROM users WHERE department_id = "
                                            "? AND active = 1 AND kind = 'department_staff'"};
inline constexpr Statement kDepartmentByCode{"workflow.department_by_code",
                                             "SELECT id, name FROM departments WHERE code = ?"};
inline constexpr Statement kDepartmentByName{"workflow.department_by_name",
                                             "SELECT id, code FROM departments WHERE name = ?"};
inline constexpr Statement kUserPhone{"workflow.user_phone",
                                      "SELECT phone FROM users WHERE id = ? AND active = 1"};
inline constexpr Statement kUsersOfEnterprise{
    "workflow.users_of_enterprise",
    "SELECT id, phone FROM users WHERE uscc = ? AND kind = 'enterprise' AND active = 1 ORDER BY id"};
inline constexpr Statement kPlatformOffice{
    "workflow.platform_admins", "SELECT id FROM users WHERE kind = 'platform_admin' AND active = 1"};

}  // namespace huiqi::workflow::detail
