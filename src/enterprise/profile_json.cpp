// Profiles, corrections, history and import reports as the API's JSON.
#include <nlohmann/json.hpp>

#include "enterprise/detail/values.h"
#include "enterprise/profile.h"
#include "enterprise/units.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::enterprise {

using detail::IsText;
using nlohmann::json;
using rules::AttrType;

json ProfileJson(const Profile& p, const rules::Schema& schema, core::Date today) {
  json attrs = json::array();
  for (const auto& a : schema.attributes()) {
    if (a.type == AttrType::kTagSet) continue;
    json v, display;
    if (a.key == "age") {
      auto it = p.facts.numbers.find("established_on");
      if (it != p.facts.numbers.end()) {
        int age = rules::AgeInYears(core::Date::FromDays(static_cast<int32_t>(it->second)), today);
        v = std::to_string(age);
        display = std::to_string(age) + "年";
      }
    } else if (auto text = FactText(p.facts, a)) {
      v = *text;
      if (!IsText(a.type)) {
        auto it = p.facts.numbers.find(a.key);
        display = rules::HumanValue(a, it->second);
      } else {
        display = *text;
      }
    }
    // The figure in the unit the correction and declaration forms use (资产总额 in 万元), so
    // what the enterprise typed reads back the same (issue 12 item 5).
    std::string unit = DefaultUnit(a);
    json in_unit;
    if (auto it = p.facts.numbers.find(a.key); it != p.facts.numbers.end() && !unit.empty() && !a.derived) {
      if (auto f = FormatInUnit(a, it->second, unit)) in_unit = *f;
    }
    attrs.push_back({{"key", a.key},
                     {"label", a.label},
                     {"type", rules::AttrTypeCode(a.type)},
                     {"unit", a.unit},
                     {"units", UnitsFor(a)},
                     {"input_unit", unit},
                     {"in_unit", in_unit},
                     {"source", a.source},
                     {"self_declared", p.self_declared.count(a.key) > 0},
                     {"derived", a.derived},
                     {"value", v},
                     {"display", display}});
  }
  json tags = json::array();
  for (const auto& [name, day] : p.facts.tags) {
    tags.push_back(
        {{"name", name}, {"acquired_on", day ? json(core::Date::FromDays(*day).ToString()) : json()}});
  }
  return {{"id", p.id},
          {"uscc", p.uscc},
          {"name", p.name},
          {"attributes", attrs},
          {"tags", tags},
          {"tags_known", p.facts.tags_known},
          {"self_declared", p.self_declared},
          {"updated_at", p.updated_at}};
}

json CorrectionJson(const Correction& c) {
  return {{"id", c.id},
          {"uscc", c.uscc},
          {"enterprise_name", c.enterprise_name},
          {"attribute", c.attribute},
          {"current_value", c.has_current ? json(c.current_value) : json()},
          {"proposed_value", c.proposed_value},
          {"note", c.note},
          {"data_source", c.data_source},
          {"department_id", c.department_id ? json(*c.department_id) : json()},
          {"department_name", c.department_name.empty() ? json() : json(c.department_name)},
          {"status", CorrectionStatusCode(c.status)},
          {"status_label", CorrectionStatusLabel(c.status)},
          {"created_at", c.created_at},
          {"resolved_at", c.resolved_at.empty() ? json() : json(c.resolved_at)},
          {"resolution_note", c.resolution_note},
          {"unit", c.unit},
          {"current_in_unit", c.has_current && !c.current_in_unit.empty() ? json(c.current_in_unit) : json()},
          {"proposed_in_unit", c.proposed_in_unit},
          {"large_change_confirmed", c.large_change_confirmed}};
}

json HistoryJson(const HistoryEntry& h) {
  return {{"attribute", h.attribute},
          {"old_value", h.has_old ? json(h.old_value) : json()},
          {"new_value", h.has_new ? json(h.new_value) : json()},
          {"changed_at", h.changed_at},
          {"source", h.source},
          {"actor", h.actor_login}};
}

json ImportReportJson(const ImportReport& r) {
  json errors = json::array();
  for (const auto& e : r.errors) {
    errors.push_back({{"row", e.row}, {"field", e.field}, {"code", e.code}, {"message", e.message}});
  }
  return {{"rows", r.rows},           {"valid", r.valid},     {"invalid", r.invalid},
          {"created", r.created},     {"updated", r.updated}, {"unchanged", r.unchanged},
          {"committed", r.committed}, {"errors", errors}};
}

}  // namespace huiqi::enterprise
