// Corrections an enterprise proposes to its own archive, routed to the department that owns the
// attribute's data source, which accepts (the value is written) or rejects them.
#include <nlohmann/json.hpp>

#include "enterprise/detail/access.h"
#include "enterprise/detail/profile_repository.h"
#include "enterprise/detail/values.h"
#include "enterprise/profile.h"
#include "enterprise/units.h"
#include "state/machine.h"

namespace huiqi::enterprise {

using core::Result;
using detail::Bad;
using detail::IsStaffOrAdmin;
using detail::Load;
using detail::UpsertIn;
using nlohmann::json;
using store::Session;

namespace {

constexpr store::Statement kCorrectionInsert{"profile.correction_insert",
                                             "INSERT INTO enterprise_corrections (enterprise_id, attribute, "
                                             "current_value, proposed_value, note, data_source, "
                                             "status, created_by, created_at, department_id, unit, "
                                             "current_in_unit, proposed_in_unit, large_change_confirmed) "
                                             "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) "
                                             "RETURNING id"};
#define HQ_CORRECTION_SELECT                                                                               \
  "SELECT c.id, c.enterprise_id, e.uscc, e.name, c.attribute, c.current_value, c.proposed_value, c.note, " \
  "c.data_source, c.status, c.created_at, c.resolved_at, c.resolution_note, c.department_id, "             \
  "c.unit, c.current_in_unit, c.proposed_in_unit, c.large_change_confirmed, "                              \
  "d.name AS department_name FROM enterprise_corrections c JOIN enterprises e ON e.id = c.enterprise_id "  \
  "LEFT JOIN departments d ON d.id = c.department_id "
constexpr store::Statement kCorrectionById{"profile.correction_by_id", HQ_CORRECTION_SELECT "WHERE c.id = ?"};
constexpr store::Statement kCorrectionsOf{
    "profile.corrections_of", HQ_CORRECTION_SELECT "WHERE e.uscc = ? ORDER BY c.id DESC LIMIT 200"};
constexpr store::Statement kCorrectionsAll{"profile.corrections_all", HQ_CORRECTION_SELECT
                                           "WHERE (? = '' OR c.status = ?) ORDER BY c.id DESC LIMIT 200"};
//! A department sees the corrections of the data it owns (issue 10 finding 5).
constexpr store::Statement kCorrectionsOfDepartment{
    "profile.corrections_of_department", HQ_CORRECTION_SELECT
    "WHERE c.department_id = ? AND (? = '' OR c.status = ?) ORDER BY c.id DESC LIMIT 200"};
#undef HQ_CORRECTION_SELECT
constexpr store::Statement kSourceOwner{"profile.source_owner",
                                        "SELECT department_id FROM data_source_owners WHERE source = ?"};
constexpr store::Statement kCorrectionResolve{
    "profile.correction_resolve",
    "UPDATE enterprise_corrections SET status = ?, resolved_by = ?, resolved_at = ?, resolution_note = ? "
    "WHERE id = ? AND status = ?"};
constexpr store::Statement kCorrectionStatus{"profile.correction_status",
                                             "SELECT status FROM enterprise_corrections WHERE id = ?"};

//! pending → accepted | rejected, once (the department owning the data decides).
const state::Machine& CorrectionMachine() {
  static const state::Machine m(
      "enterprise_correction", "档案更正",
      {{"pending", "待核实"}, {"accepted", "已采纳"}, {"rejected", "未采纳"}},
      {{"accept", "采纳", {"pending"}, "accepted"}, {"reject", "不予采纳", {"pending"}, "rejected"}},
      kCorrectionStatus);
  return m;
}

Correction CorrectionFrom(const store::Row& r) {
  Correction c;
  c.id = r.Int("id");
  c.enterprise_id = r.Int("enterprise_id");
  c.uscc = r.Text("uscc");
  c.enterprise_name = r.Text("name");
  c.attribute = r.Text("attribute");
  c.has_current = !r.IsNull("current_value");
  c.current_value = c.has_current ? r.Text("current_value") : "";
  c.proposed_value = r.Text("proposed_value");
  c.note = r.Text("note");
  c.data_source = r.Text("data_source");
  std::string st = r.Text("status");
  c.status = st == "accepted"   ? CorrectionStatus::kAccepted
             : st == "rejected" ? CorrectionStatus::kRejected
                                : CorrectionStatus::kPending;
  c.created_at = r.Text("created_at");
  c.resolved_at = r.IsNull("resolved_at") ? "" : r.Text("resolved_at");
  c.resolution_note = r.Text("resolution_note");
  c.department_id = r.OptInt("department_id");
  c.department_name = r.IsNull("department_name") ? "" : r.Text("department_name");
  c.unit = r.Text("unit");
  c.current_in_unit = r.IsNull("current_in_unit") ? "" : r.Text("current_in_unit");
  c.proposed_in_unit = r.Text("proposed_in_unit");
  c.large_change_confirmed = r.Bool("large_change_confirmed");
  return c;
}

audit::Actor ActorOf(const auth::Principal& p) {
  return audit::Actor{p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt, p.login};
}

store::Value UserValue(const auth::Principal& p) {
  return p.user_id > 0 ? store::Value(p.user_id) : store::Null();
}

}  // namespace

std::string_view CorrectionStatusCode(CorrectionStatus s) {
  switch (s) {
    case CorrectionStatus::kPending:
      return "pending";
    case CorrectionStatus::kAccepted:
      return "accepted";
    case CorrectionStatus::kRejected:
      return "rejected";
  }
  return "";
}

std::string_view CorrectionStatusLabel(CorrectionStatus s) {
  switch (s) {
    case CorrectionStatus::kPending:
      return "待核实";
    case CorrectionStatus::kAccepted:
      return "已采纳";
    case CorrectionStatus::kRejected:
      return "未采纳";
  }
  return "";
}

Result<Correction> ProfileService::ProposeCorrection(const auth::Principal& actor,
                                                     const std::string& attribute, const json& value,
                                                     const std::string& note) {
  return ProposeCorrection(actor, CorrectionRequest{.attribute = attribute, .value = value, .note = note});
}

namespace {

// The proposed value in the archive's scale, parsed in the unit the enterprise chose.
core::Status ParseProposed(const rules::AttributeDef& a, const CorrectionRequest& req,
                           const core::ReferenceData* reference, rules::Facts& out) {
  if (req.unit.empty() || UnitsFor(a).empty()) return SetFact(out, a, req.value, reference, "value");
  if (!req.value.is_string() && !req.value.is_number()) {
    return Bad("value", "请填写更正后的值", "value is required");
  }
  std::string text = req.value.is_string() ? req.value.get<std::string>() : req.value.dump();
  HQ_ASSIGN_OR_RETURN(int64_t v, ParseInUnit(a, text, req.unit, "value"));
  out.numbers[a.key] = v;
  return core::Ok();
}

// A figure more than ten times larger or smaller than the recorded one is most often a unit
// slip (18000 typed for 1.8 万元): the enterprise confirms it before it goes to the department.
bool IsLargeChange(std::optional<int64_t> before, int64_t after) {
  if (!before || *before <= 0 || after <= 0) return false;
  return after > *before * 10 || after * 10 < *before;
}

std::optional<int64_t> NumberOf(const rules::Facts& f, const std::string& key) {
  auto it = f.numbers.find(key);
  return it == f.numbers.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

}  // namespace

Result<Correction> ProfileService::ProposeCorrection(const auth::Principal& actor,
                                                     const CorrectionRequest& req) {
  if (!actor.Is(auth::UserKind::kEnterprise) || !actor.uscc) {
    return core::PermissionDenied("只有企业用户可以更正本企业档案", "enterprise users only");
  }
  const rules::AttributeDef* a = schema_.Find(req.attribute);
  if (!a || a->derived) {
    return Bad("attribute", "“" + req.attribute + "”不是可更正的档案属性", "unknown or derived attribute");
  }
  if (req.note.size() > 2000) return Bad("note", "说明不能超过 2000 字节", "note is too long");
  rules::Facts proposed;
  HQ_RETURN_IF_ERROR(ParseProposed(*a, req, reference_, proposed));
  auto proposed_text = FactText(proposed, *a);
  if (!proposed_text) return Bad("value", "请填写更正后的值", "value is required");
  std::string unit = req.unit.empty() ? DefaultUnit(*a) : req.unit;
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.WriteValue<Correction>([&](Session& s) -> Result<Correction> {
    HQ_ASSIGN_OR_RETURN(auto p, Load(s, *actor.uscc, schema_));
    if (!p) return core::NotFound("本企业的档案（尚未归集）", "the enterprise's archive");
    auto current = FactText(p->facts, *a);
    if (current == proposed_text) return Bad("value", "更正值与档案中的值相同", "the value is unchanged");
    auto before = NumberOf(p->facts, a->key);
    auto after = NumberOf(proposed, a->key);
    std::optional<std::string> current_in, proposed_in;
    if (before) current_in = FormatInUnit(*a, *before, unit);
    if (after) proposed_in = FormatInUnit(*a, *after, unit);
    std::string suffix = unit.empty() || unit == "%" ? unit : " " + unit;
    if (after && IsLargeChange(before, *after) && !req.confirm_large_change) {
      core::Error e = core::InvalidArgument(
          "value", "large_change",
          "更正后的" + a->label + " " + proposed_in.value_or(*proposed_text) + suffix + " 与档案中的 " +
              current_in.value_or(current.value_or("")) + suffix + " 相差十倍以上，请核对单位后确认提交",
          "the new value differs from the recorded one by more than ten times: confirm it");
      return e;
    }
    // The correction goes to the department that owns the attribute's source (the platform
    // office sees those whose source has no owner on record).
    HQ_ASSIGN_OR_RETURN(auto owner, s.QueryOptional(kSourceOwner, {a->source}));
    HQ_ASSIGN_OR_RETURN(
        auto row,
        s.QueryOne(kCorrectionInsert,
                   {p->id, a->key, store::OptionalText(current), *proposed_text, req.note, a->source,
                    UserValue(actor), now, owner ? store::Value(owner->Int("department_id")) : store::Null(),
                    unit, store::OptionalText(current_in), proposed_in.value_or(*proposed_text),
                    int64_t{after && IsLargeChange(before, *after) ? 1 : 0}},
                   "", ""));
    int64_t id = row.Int("id");
    HQ_ASSIGN_OR_RETURN(auto created, s.QueryOne(kCorrectionById, {id}, "", ""));
    Correction c = CorrectionFrom(created);
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "enterprise.correction.propose",
                                     "enterprise_correction", std::to_string(id), json(), CorrectionJson(c)));
    return c;
  });
}

Result<std::vector<Correction>> ProfileService::ListCorrections(const auth::Principal& viewer,
                                                                const std::string& status) {
  if (!status.empty() && status != "pending" && status != "accepted" && status != "rejected") {
    return Bad("status", "状态应为 pending、accepted 或 rejected", "bad status");
  }
  bool own = viewer.Is(auth::UserKind::kEnterprise);
  if (!own && !IsStaffOrAdmin(viewer)) return core::PermissionDenied();
  if (own && !viewer.uscc) return core::PermissionDenied();
  return db_.ReadValue<std::vector<Correction>>([&](Session& s) -> Result<std::vector<Correction>> {
    std::vector<Correction> out;
    if (own) {
      HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kCorrectionsOf, {*viewer.uscc}));
      for (const auto& r : rows) {
        Correction c = CorrectionFrom(r);
        if (status.empty() || CorrectionStatusCode(c.status) == status) out.push_back(std::move(c));
      }
    } else if (viewer.Is(auth::UserKind::kPlatformAdmin)) {
      HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kCorrectionsAll, {status, status}));
      for (const auto& r : rows) out.push_back(CorrectionFrom(r));
    } else {
      if (!viewer.department_id) return out;
      HQ_ASSIGN_OR_RETURN(auto rows,
                          s.Query(kCorrectionsOfDepartment, {*viewer.department_id, status, status}));
      for (const auto& r : rows) out.push_back(CorrectionFrom(r));
    }
    return out;
  });
}

Result<Correction> ProfileService::ResolveCorrection(const auth::Principal& actor, int64_t id, bool accept,
                                                     const std::string& note) {
  bool may = actor.Is(auth::UserKind::kPlatformAdmin) ||
             (actor.Is(auth::UserKind::kDepartmentStaff) &&
              (actor.HasRole(auth::Role::kReviewer) || actor.HasRole(auth::Role::kDepartmentAdmin)));
  if (!may) return core::PermissionDenied("只有审核人员或部门管理员可以处理档案更正", "reviewers only");
  if (!accept && note.empty()) return Bad("note", "不采纳时请说明理由", "a reason is required to reject");
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.WriteValue<Correction>([&](Session& s) -> Result<Correction> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kCorrectionById, {id}, "档案更正", "correction"));
    Correction before = CorrectionFrom(row);
    // Only the department that owns the data decides on it (or the platform office).
    if (!actor.Is(auth::UserKind::kPlatformAdmin) &&
        (!before.department_id || !actor.department_id || *before.department_id != *actor.department_id)) {
      return core::PermissionDenied(
          "该更正涉及" + (before.department_name.empty() ? std::string("平台") : before.department_name) +
              "负责的数据，只能由该部门处理",
          "only the department owning the data source may resolve this correction");
    }
    // The status is in the UPDATE's WHERE: a reviewer who lost the race changes nothing (409).
    auto applied = CorrectionMachine().Apply(
        s, accept ? "accept" : "reject", id, CorrectionStatusCode(before.status), kCorrectionResolve,
        {std::string(accept ? "accepted" : "rejected"), UserValue(actor), now, note});
    if (!applied.ok()) {
      core::Error e = applied.error();
      if (e.code == "illegal_transition" || e.code == "state_conflict") e.code = "already_resolved";
      return e;
    }
    if (accept) {
      EnterpriseRecord rec;
      rec.uscc = before.uscc;
      const rules::AttributeDef* a = schema_.Find(before.attribute);
      HQ_RETURN_IF_ERROR(SetFact(rec.facts, *a, json(before.proposed_value), reference_, "value"));
      HQ_RETURN_IF_ERROR(UpsertIn(s, clock_, schema_, ActorOf(actor), rec, {a->key}, "企业更正",
                                  before.department_id ? before.department_id : actor.department_id));
    }
    HQ_ASSIGN_OR_RETURN(auto after_row, s.QueryOne(kCorrectionById, {id}, "", ""));
    Correction after = CorrectionFrom(after_row);
    HQ_RETURN_IF_ERROR(audit::Record(
        s, clock_, ActorOf(actor), accept ? "enterprise.correction.accept" : "enterprise.correction.reject",
        "enterprise_correction", std::to_string(id), CorrectionJson(before), CorrectionJson(after)));
    return after;
  });
}

}  // namespace huiqi::enterprise
