#pragma once
// One enterprise's archive as a record people read and change: values written the way people
// write them ("2.3亿元", "12.5%", "是"), checked against the attribute schema and the reference
// codes; every change kept in the history with its old value and date, and audited in the same
// transaction (which also writes the change log the matching index follows). CSV import with a
// row-by-row report, all or nothing unless asked to skip bad rows, idempotent on re-import.
// Enterprise users see their own archive and propose corrections, which the departments that
// own the data accept or reject (常州办法 第二十一条; 江阴办法 第十四条).
// One file per job: profile_values.cpp (values as written), profile_repository.cpp (load, upsert,
// history), profile_import.cpp (CSV), corrections.cpp, profile_json.cpp; shared internals in detail/.

#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/date.h"
#include "core/error.h"
#include "core/reference_data.h"
#include "enterprise/archive.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::enterprise {

//! The stored attributes (one column each); `tags` and the derived ones are handled apart.
const std::vector<std::string>& StoredAttributes();

//! Parses `value` for `attr` into `facts` (JSON null or "" removes it). Errors name `field`.
core::Status SetFact(rules::Facts& facts, const rules::AttributeDef& attr, const nlohmann::json& value,
                     const core::ReferenceData* reference, const std::string& field);
//! Tags as "高新技术企业@2024-11-20;科技型中小企业" (date optional); sets tags_known.
core::Status SetTags(rules::Facts& facts, std::string_view text, const std::string& field);
//! The value of `attr` in canonical text ("2000万", "3.5%", "2020-01-01", "有限责任公司"), or nullopt.
std::optional<std::string> FactText(const rules::Facts& facts, const rules::AttributeDef& attr);
std::string TagsText(const rules::Facts& facts);

//! The history source of figures an enterprise declared itself, before (or without) the data
//! of the departments: shown as such, trusted less (issue 12 item 6).
inline constexpr std::string_view kSelfDeclaredSource = "企业自报";

struct Profile {
  int64_t id = 0;
  std::string uscc, name;
  rules::Facts facts;
  std::string created_at, updated_at;
  std::set<std::string> self_declared;  // attribute keys whose value is 企业自报
};

//! One figure an enterprise declares: the value typed in `unit` (units.h; "" as people write it).
struct DeclaredValue {
  std::string attribute;
  nlohmann::json value;
  std::string unit;
};

struct UpsertResult {
  int64_t id = 0;
  bool created = false;
  int changed = 0;  // attributes whose value changed (0: nothing written)
};

struct HistoryEntry {
  std::string attribute, old_value, new_value, changed_at, source, actor_login;
  bool has_old = false, has_new = false;
};

struct ImportRowError {
  int row = 0;  // 1-based line of the CSV (the header is line 1)
  std::string field, code, message;
};

struct ImportReport {
  int rows = 0, valid = 0, invalid = 0, created = 0, updated = 0, unchanged = 0;
  bool committed = false;  // false: nothing was written
  std::vector<ImportRowError> errors;
};

struct ImportOptions {
  bool skip_invalid = false;  // import the valid rows even when some are invalid
  std::string source = "导入";
};

enum class CorrectionStatus { kPending, kAccepted, kRejected };
std::string_view CorrectionStatusCode(CorrectionStatus s);   // pending | accepted | rejected
std::string_view CorrectionStatusLabel(CorrectionStatus s);  // 待核实 | 已采纳 | 未采纳

struct Correction {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string uscc, enterprise_name, attribute, current_value, proposed_value, note, data_source;
  bool has_current = false;
  CorrectionStatus status = CorrectionStatus::kPending;
  std::string created_at, resolved_at, resolution_note;
  std::optional<int64_t> department_id;  // who owns the attribute's source; none: the platform office
  std::string department_name;
  // The unit the enterprise typed the value in ("万元"; "" for one without a unit) and both
  // figures written in it ("1.8", "18,000"), as the reviewer reads them (issue 12 item 5).
  std::string unit, current_in_unit, proposed_in_unit;
  bool large_change_confirmed = false;  // the enterprise confirmed a change of more than 10×
};

//! What an enterprise user proposes for one attribute of its own archive.
struct CorrectionRequest {
  std::string attribute;  // key, label or alias
  nlohmann::json value;   // a plain number typed in `unit`, or text for codes, dates and enumerations
  std::string unit;       // one of UnitsFor(attribute) (units.h); "" parses `value` as people write it
  std::string note;       // 说明及依据: what the figure is taken from (the reviewer's evidence)
  bool confirm_large_change = false;  // needed when the new figure is more than 10× or under 1/10 the old
};

class ProfileService {
 public:
  //! Nothing is owned; `reference` may be null (codes are then checked for shape only).
  ProfileService(store::Database& db, const core::Clock& clock, const rules::Schema& schema,
                 const core::ReferenceData* reference)
      : db_(db), clock_(clock), schema_(schema), reference_(reference) {}

  const rules::Schema& schema() const { return schema_; }

  //! kNotFound when no enterprise has this USCC.
  core::Result<Profile> Get(std::string_view uscc);
  //! By row id (the change log names enterprises by id).
  core::Result<Profile> GetById(int64_t id);
  //! The same, for a viewer: the enterprise's own users, department staff and admins.
  core::Result<Profile> GetFor(const auth::Principal& viewer, std::string_view uscc);

  //! Creates or updates one enterprise in one transaction: only the attributes in `touched`
  //! are written (absent from `record.facts` = cleared), "tags" replaces the tag set; the scale
  //! is derived again. Each changed attribute gets a history row; one audit row.
  core::Result<UpsertResult> Upsert(const audit::Actor& actor, const EnterpriseRecord& record,
                                    const std::vector<std::string>& touched, const std::string& source);

  //! CSV with a header: uscc, name, then attribute keys or Chinese labels, and optionally tags.
  core::Result<ImportReport> ImportCsv(const audit::Actor& actor, std::istream& csv,
                                       const ImportOptions& options);

  core::Result<std::vector<HistoryEntry>> History(const auth::Principal& viewer, std::string_view uscc,
                                                  int limit = 100);

  //! An enterprise user declares figures of its own enterprise itself (企业自报) while no
  //! department has provided them: creates the archive (named `name`, else the user's display
  //! name) when there is none. An attribute that already holds a department's value is refused
  //! (field "values.<key>": propose a correction instead). One transaction, history source
  //! 企业自报, one audit row. Returns the profile after the change.
  core::Result<Profile> Declare(const auth::Principal& actor, const std::string& name,
                                const std::vector<DeclaredValue>& values);

  //! An enterprise user proposes a value for one attribute of its own archive. It goes to the
  //! department owning the attribute's data source. Errors: kInvalidArgument naming "attribute",
  //! "unit", "value" (code "large_change" with both figures when a change of more than 10× is
  //! not confirmed) or "note"; kNotFound when the enterprise has no archive yet.
  core::Result<Correction> ProposeCorrection(const auth::Principal& actor, const CorrectionRequest& request);
  //! The same with the value as people write it ("2.3亿元") and no confirmation.
  core::Result<Correction> ProposeCorrection(const auth::Principal& actor, const std::string& attribute,
                                             const nlohmann::json& value, const std::string& note);
  //! Enterprise users: their own; department staff: those routed to their department (the
  //! owner of the attribute's data source); platform admins: all. Optionally by status code.
  core::Result<std::vector<Correction>> ListCorrections(const auth::Principal& viewer,
                                                        const std::string& status);
  //! A reviewer or department admin of the owning department, or a platform admin: accepting
  //! writes the value (source "企业更正"). kConflict when another reviewer resolved it first.
  core::Result<Correction> ResolveCorrection(const auth::Principal& actor, int64_t id, bool accept,
                                             const std::string& note);

 private:
  store::Database& db_;
  const core::Clock& clock_;
  const rules::Schema& schema_;
  const core::ReferenceData* reference_;
};

//! JSON of a profile for people: {id, uscc, name, attributes: [{key, label, type, unit, source,
//! value (canonical text or null), display, derived}], tags: [{name, acquired_on}], tags_known}.
nlohmann::json ProfileJson(const Profile& p, const rules::Schema& schema, core::Date today);
nlohmann::json CorrectionJson(const Correction& c);
nlohmann::json HistoryJson(const HistoryEntry& h);
nlohmann::json ImportReportJson(const ImportReport& r);

}  // namespace huiqi::enterprise
