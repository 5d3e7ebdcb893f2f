#pragma once
// Applications and their review (江阴办法 第十九—二十一条; 常州办法 第十四、二十三、二十四、二十六、
// 二十八条). One form per item filled from the enterprise's archive, each changed value shown
// beside the archive's (数据比对); submission stores the decision trace (rule version, verdict,
// facts); stages come from the item's process, each with its department and its limit in working
// days; at 受理 one deficiency notice lists everything missing at once (一次性告知) and stops the
// clock; joint reviews (会审) run in parallel and move on when all have signed; every opinion is
// signed with the department's electronic seal; a public-notice stage (公示) takes objections;
// approved applications are published as results (结果公开) unless the item is confidential.
// Every change is one transaction with its audit row, its timeline event, its notices and its
// deadline jobs; status changes are guarded by the status read (state/machine.h).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace huiqi::workflow {

enum class AppStatus {
  kDraft,
  kSubmitted,
  kReturned,
  kInReview,
  kPublicity,
  kApproved,
  kRejected,
  kWithdrawn
};
std::string_view AppStatusCode(AppStatus s);  // draft, submitted, returned, in_review, publicity, approved, …
std::string_view AppStatusLabel(
    AppStatus s);  // 草稿, 已提交待受理, 待补正, 审核中, 公示中, 已通过, 未通过, 已撤回

//! One field of an item's application form (一表申请), defined by its department.
struct FormField {
  std::string key;            // ASCII, unique in the form
  std::string label;          // 中文
  std::string type = "text";  // text | number | money | date | choice | table
  bool required = true;
  std::string attribute;             // archive attribute it is filled from and compared with ("" = none)
  std::string unit;                  // money: 元 / 万元; number: 人 …
  std::vector<std::string> options;  // choice
  std::vector<std::string> columns;  // table
  std::string hint;
};

struct FormDef {
  int64_t item_id = 0;
  int64_t version = 0;  // 0: the default form (the rule's attributes + amount), never saved
  std::vector<FormField> fields;
};

//! One stage of an item's review. Kinds: accept (受理: one department, may return a deficiency
//! notice or refuse), review (审核), joint_review (会审: every listed department signs),
//! site_check (现场核查), third_party (第三方评审), publicity (公示: objections may be filed).
struct StageDef {
  std::string kind = "review";
  std::string name;                      // as the guide names it: 受理审核
  std::vector<std::string> departments;  // codes; empty = the item's department
  int days = 5;                          // working days the stage may take
};

struct FlowDef {
  int64_t item_id = 0;
  int64_t version = 0;  // 0: derived from the guide's process, never saved
  std::vector<StageDef> stages;
  bool confidential = false;  // results not published (涉密、不宜公开)
};

struct Mismatch {
  std::string field, label, archive_value, form_value;
};

struct MaterialEntry {
  int position = 0;
  std::string name;
  bool required = true, exempt = false;
  std::string provided;  // upload | data_sharing | missing
  std::optional<int64_t> file_id;
  std::string file_name, file_sha256;
  int64_t round = 0;
};

struct StageRecord {
  int64_t id = 0;
  int seq = 0;
  std::string kind, name, status;  // status: waiting | active | paused | done | refused | cancelled
  int64_t department_id = 0;
  std::string department_name;
  std::optional<int64_t> assignee_user_id;
  std::string assignee_name;
  int days = 0, days_used = 0;
  std::optional<core::Date> started_on, due_on;
  std::string finished_at;
  bool overdue = false;
};

struct DeficiencyItem {
  std::string type;  // material | field
  std::string key;   // the material's position ("2") or the field's key
  std::string name;  // 中文
  std::string reason;
};

struct DeficiencyNotice {
  int64_t id = 0;
  int64_t round = 0;
  std::vector<DeficiencyItem> items;
  std::string note, issued_at, issued_by, answered_at;
  std::optional<core::Date> due_on;
};

struct Opinion {
  int64_t id = 0, stage_id = 0, department_id = 0;
  std::string department_name, stage_kind, decision, text, reviewer_login, reviewed_at, seal_serial, data_sm3;
  std::vector<std::string> material_hashes;
  bool signed_ = false;
};

struct Objection {
  int64_t id = 0;
  std::string text, filed_at, answer, answered_at;
  bool mine = false;
};

struct Event {
  std::string at, actor, action, status, text;
  std::optional<int64_t> stage_id;
};

struct Application {
  int64_t id = 0;
  std::string case_no;
  int64_t item_id = 0;
  std::string item_name;
  int64_t department_id = 0;
  std::string department_name;
  std::string uscc, enterprise_name;
  std::string channel;  // online | counter
  std::string authorization_note;
  AppStatus status = AppStatus::kDraft;
  int64_t form_version = 0;
  FlowDef flow;
  nlohmann::json form_values = nlohmann::json::object();     // field key → value as typed
  nlohmann::json archive_values = nlohmann::json::object();  // field key → the archive's value then
  std::vector<Mismatch> mismatches;
  std::string verdict;  // pass | fail | unknown (the rule at submission)
  std::string rule_text;
  std::optional<int64_t> rule_version;
  nlohmann::json trace = nlohmann::json::array();
  nlohmann::json facts = nlohmann::json::object();
  std::optional<int64_t> amount_requested_fen, amount_approved_fen;
  int64_t round = 0;
  int stage_seq = 0;
  std::string decision_note, decision_basis;
  std::optional<core::Date> publicity_ends_on;
  std::string created_at, submitted_at, decided_at, updated_at;
  std::optional<int64_t> applicant_user_id;

  // Loaded with the application for its viewers.
  std::vector<MaterialEntry> materials;
  std::vector<StageRecord> stages;
  std::vector<DeficiencyNotice> notices;
  std::vector<Opinion> opinions;
  std::vector<Objection> objections;
  std::vector<Event> events;
};

//! A row of a reviewer's queue.
struct QueueRow {
  int64_t application_id = 0, stage_id = 0;
  std::string case_no, item_name, enterprise_name, stage_kind, stage_name, status, channel, submitted_at;
  std::optional<core::Date> due_on;
  bool overdue = false;
};

struct QueueFilter {
  std::string stage_kind;  // "" = any
  bool overdue_only = false;
  std::optional<int64_t> item_id;
  int page = 1, page_size = 20;
};

struct PublicResult {
  std::string case_no, enterprise_name, item_name, department_name, decided_at;
  std::optional<int64_t> amount_fen;
};

//! An application in its public notice (公示中), for anyone to see and object to.
struct PublicNotice {
  int64_t application_id = 0;
  std::string case_no, enterprise_name, item_name, department_name;
  std::optional<core::Date> ends_on;
  std::optional<int64_t> amount_fen;
};

//! The form's fields and the stages as their JSON is written (the API and the stored definitions).
core::Result<std::vector<FormField>> FieldsFromJson(const nlohmann::json& j);
core::Result<std::vector<StageDef>> StagesFromJson(const nlohmann::json& j);

}  // namespace huiqi::workflow
