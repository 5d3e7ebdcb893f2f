#include "policy/policy_json.h"

namespace huiqi::policy {

using nlohmann::json;

namespace {

json DateJson(const std::optional<core::Date>& d) { return d ? json(d->ToString()) : json(); }

json DepartmentJson(const DepartmentRef& d) { return {{"id", d.id}, {"code", d.code}, {"name", d.name}}; }

json DepartmentsJson(const std::vector<DepartmentRef>& list) {
  json out = json::array();
  for (size_t i = 0; i < list.size(); ++i) {
    json d = DepartmentJson(list[i]);
    d["lead"] = i == 0;
    out.push_back(d);
  }
  return out;
}

json TypesJson(const std::vector<CodeLabel>& types) {
  json out = json::array();
  for (const auto& t : types) out.push_back({{"code", t.code}, {"label", t.label}});
  return out;
}

json PublishJson(const PublishRecord& r) {
  return {{"basis_on", DateJson(r.basis_on)},
          {"deadline", DateJson(r.deadline)},
          {"published_on", DateJson(r.published_on)},
          {"late", r.late},
          {"working_days_late", r.working_days_late}};
}

json LinksJson(const std::vector<PolicyLink>& links) {
  json out = json::array();
  for (const auto& l : links) {
    out.push_back({{"type", LinkKindCode(l.kind)},
                   {"type_label", LinkKindLabel(l.kind)},
                   {"target_id", l.target_id},
                   {"target_title", l.target_title}});
  }
  return out;
}

json AttachmentsJson(const std::vector<Attachment>& list) {
  json out = json::array();
  for (const auto& a : list) {
    out.push_back({{"name", a.name},
                   {"url", a.url},
                   {"sha256", a.sha256},
                   {"size", a.size},
                   {"content_type", a.content_type}});
  }
  return out;
}

json TimingJson(const GuideTiming& t) {
  return {{"latest_guide_publication", DateJson(t.latest_publication)},
          {"guide_published_on", DateJson(t.published_on)},
          {"guide_late", t.late},
          {"window_set_on", DateJson(t.window_set_on)},
          {"golive_deadline", DateJson(t.golive_deadline)},
          {"golive_late", t.golive_late}};
}

// --- parsing helpers -----------------------------------------------------------------------

core::Error FieldError(const std::string& field, const std::string& what_zh, const std::string& what_en) {
  return core::InvalidArgument(field, "invalid_field", field + " " + what_zh, field + " " + what_en);
}

core::Result<std::string> Text(const json& j, const std::string& key, const std::string& field) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return FieldError(field, "应为字符串", "must be a string");
  return it->get<std::string>();
}

core::Result<bool> Flag(const json& j, const std::string& key, const std::string& field, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return FieldError(field, "应为 true 或 false", "must be a boolean");
  return it->get<bool>();
}

core::Result<std::optional<core::Date>> OptDate(const json& j, const std::string& key) {
  HQ_ASSIGN_OR_RETURN(std::string text, Text(j, key, key));
  if (text.empty()) return std::optional<core::Date>();
  HQ_ASSIGN_OR_RETURN(core::Date d, core::Date::Parse(text, key));
  return std::optional<core::Date>(d);
}

core::Result<std::vector<std::string>> Strings(const json& j, const std::string& key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return FieldError(key, "应为字符串数组", "must be an array of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return FieldError(key + "[" + std::to_string(i) + "]", "应为字符串", "must be a string");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

core::Result<const json*> Array(const json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array()) return FieldError(key, "应为数组", "must be an array");
  return &*it;
}

core::Status RequireObject(const json& j, const std::string& field) {
  if (!j.is_object()) return FieldError(field, "应为对象", "must be an object");
  return core::Ok();
}

core::Result<std::vector<Attachment>> AttachmentsFrom(const json& j) {
  std::vector<Attachment> out;
  HQ_ASSIGN_OR_RETURN(const json* arr, Array(j, "attachments"));
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& a = (*arr)[i];
    std::string f = "attachments[" + std::to_string(i) + "]";
    HQ_RETURN_IF_ERROR(RequireObject(a, f));
    Attachment at;
    HQ_ASSIGN_OR_RETURN(at.name, Text(a, "name", f + ".name"));
    HQ_ASSIGN_OR_RETURN(at.url, Text(a, "url", f + ".url"));
    HQ_ASSIGN_OR_RETURN(at.sha256, Text(a, "sha256", f + ".sha256"));
    HQ_ASSIGN_OR_RETURN(at.content_type, Text(a, "content_type", f + ".content_type"));
    at.size = a.contains("size") && a["size"].is_number_integer() ? a["size"].get<int64_t>() : 0;
    out.push_back(std::move(at));
  }
  return out;
}

core::Result<std::vector<PolicyLink>> LinksFrom(const json& j) {
  std::vector<PolicyLink> out;
  HQ_ASSIGN_OR_RETURN(const json* arr, Array(j, "links"));
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& l = (*arr)[i];
    std::string f = "links[" + std::to_string(i) + "]";
    HQ_RETURN_IF_ERROR(RequireObject(l, f));
    PolicyLink link;
    HQ_ASSIGN_OR_RETURN(std::string type, Text(l, "type", f + ".type"));
    HQ_ASSIGN_OR_RETURN(link.kind, ParseLinkKind(type, f + ".type"));
    auto t = l.find("target_id");
    if (t == l.end() || !t->is_number_integer()) {
      return FieldError(f + ".target_id", "应为政策编号", "must be a policy id");
    }
    link.target_id = t->get<int64_t>();
    out.push_back(link);
  }
  return out;
}

core::Result<std::vector<Material>> MaterialsFrom(const json& j) {
  std::vector<Material> out;
  HQ_ASSIGN_OR_RETURN(const json* arr, Array(j, "materials"));
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& m = (*arr)[i];
    std::string f = "materials[" + std::to_string(i) + "]";
    HQ_RETURN_IF_ERROR(RequireObject(m, f));
    Material mat;
    HQ_ASSIGN_OR_RETURN(mat.name, Text(m, "name", f + ".name"));
    HQ_ASSIGN_OR_RETURN(mat.form, Text(m, "form", f + ".form"));
    HQ_ASSIGN_OR_RETURN(mat.required, Flag(m, "required", f + ".required", true));
    HQ_ASSIGN_OR_RETURN(mat.type, Text(m, "type", f + ".type"));
    HQ_ASSIGN_OR_RETURN(mat.source, Text(m, "source", f + ".source"));
    HQ_ASSIGN_OR_RETURN(mat.exempt, Flag(m, "exempt", f + ".exempt", false));
    HQ_ASSIGN_OR_RETURN(mat.template_url, Text(m, "template", f + ".template"));
    HQ_ASSIGN_OR_RETURN(mat.sample_url, Text(m, "sample", f + ".sample"));
    out.push_back(std::move(mat));
  }
  return out;
}

core::Result<std::vector<ProcessStep>> ProcessFrom(const json& j) {
  std::vector<ProcessStep> out;
  HQ_ASSIGN_OR_RETURN(const json* arr, Array(j, "process"));
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& p = (*arr)[i];
    std::string f = "process[" + std::to_string(i) + "]";
    HQ_RETURN_IF_ERROR(RequireObject(p, f));
    ProcessStep step;
    HQ_ASSIGN_OR_RETURN(step.stage, Text(p, "stage", f + ".stage"));
    HQ_ASSIGN_OR_RETURN(step.department, Text(p, "department", f + ".department"));
    auto d = p.find("days");
    if (d != p.end() && !d->is_null()) {
      if (!d->is_number_integer() || d->get<int64_t>() < 0 || d->get<int64_t>() > 365) {
        return FieldError(f + ".days", "应为 0–365 的工作日天数", "must be a number of working days 0..365");
      }
      step.days = d->get<int>();
    }
    out.push_back(std::move(step));
  }
  return out;
}

}  // namespace

json PolicySummaryJson(const Policy& p) {
  return {{"id", p.id},
          {"root_id", p.root_id},
          {"version", p.version},
          {"key", p.key},
          {"title", p.title},
          {"doc_number", p.doc_number},
          {"level", LevelCode(p.level)},
          {"level_label", LevelLabel(p.level)},
          {"types", TypesJson(p.types)},
          {"region", p.region},
          {"departments", DepartmentsJson(p.departments)},
          {"lead_department", DepartmentJson(p.lead())},
          {"signed_on", DateJson(p.signed_on)},
          {"upstream_released_on", DateJson(p.upstream_released_on)},
          {"valid_from", DateJson(p.valid_from)},
          {"valid_to", DateJson(p.valid_to)},
          {"highlights", p.highlights},
          {"tags", p.tags},
          {"status", StatusCode(p.status)},
          {"status_label", StatusLabel(p.status)},
          {"publish", PublishJson(p.publish)},
          {"superseded_by", p.superseded_by ? json(*p.superseded_by) : json()},
          {"repealed_on", DateJson(p.repealed_on)},
          {"updated_at", p.updated_at}};
}

json PolicyToJson(const Policy& p) {
  json j = PolicySummaryJson(p);
  j["full_text"] = p.full_text;
  j["interpretation"] = {
      {"text", p.interpretation_text},
      {"author_department",
       p.interpretation_department ? DepartmentJson(*p.interpretation_department) : json()}};
  j["attachments"] = AttachmentsJson(p.attachments);
  j["links"] = LinksJson(p.links);
  j["submitted_at"] = p.submitted_at;
  j["reject_reason"] = p.reject_reason;
  j["approved_at"] = p.approved_at;
  j["repeal_reason"] = p.repeal_reason;
  j["created_at"] = p.created_at;
  return j;
}

json VersionJson(const PolicyVersion& v) {
  return {{"id", v.id},
          {"version", v.version},
          {"status", StatusCode(v.status)},
          {"status_label", StatusLabel(v.status)},
          {"published_on", DateJson(v.published_on)}};
}

json ItemSummaryJson(const Item& it) {
  return {{"id", it.id},
          {"key", it.key},
          {"name", it.name},
          {"catalogue_id", it.catalogue_id},
          {"policy_id", it.policy_id},
          {"policy_title", it.policy_title},
          {"department", DepartmentJson(it.department)},
          {"service_mode", ServiceModeCode(it.service_mode)},
          {"service_mode_label", ServiceModeLabel(it.service_mode)},
          {"region", it.region},
          {"target", TargetCode(it.target)},
          {"target_label", TargetLabel(it.target)},
          {"period_type", PeriodTypeCode(it.period_type)},
          {"period_type_label", PeriodTypeLabel(it.period_type)},
          {"window_start", DateJson(it.window_start)},
          {"window_end", DateJson(it.window_end)},
          {"subsidy_standard", it.subsidy_standard},
          {"no_application", it.no_application},
          {"tags", it.tags},
          {"status", ItemStatusCode(it.status)},
          {"status_label", ItemStatusLabel(it.status)},
          {"timing", TimingJson(it.timing)}};
}

json ItemToJson(const Item& it) {
  json j = ItemSummaryJson(it);
  j["implementing_body"] = it.implementing_body;
  j["scope"] = it.scope;
  j["conditions"] = it.conditions;
  j["rule"] = it.rule_text;
  j["amount"] = it.amount_json.empty() ? json() : json::parse(it.amount_json, nullptr, false);
  j["exclusive_group"] = it.exclusive_group;
  j["channels"] = it.channels;
  j["consult_phone"] = it.consult_phone;
  j["supervise_phone"] = it.supervise_phone;
  json materials = json::array();
  for (const auto& m : it.materials) {
    materials.push_back({{"name", m.name},
                         {"form", m.form},
                         {"required", m.required},
                         {"type", m.type},
                         {"source", m.source},
                         {"exempt", m.exempt},
                         {"template", m.template_url},
                         {"sample", m.sample_url}});
  }
  j["materials"] = materials;
  json process = json::array();
  for (const auto& s : it.process)
    process.push_back({{"stage", s.stage}, {"department", s.department}, {"days", s.days}});
  j["process"] = process;
  j["created_at"] = it.created_at;
  j["updated_at"] = it.updated_at;
  return j;
}

json CatalogueEntryJson(const CatalogueEntry& e) {
  return {{"catalogue_id", e.id},
          {"name", e.name},
          {"department", DepartmentJson(e.department)},
          {"similarity", static_cast<double>(static_cast<int>(e.similarity * 100 + 0.5)) / 100}};
}

json TagJson(const Tag& t) {
  return {{"id", t.id}, {"group", t.group}, {"group_label", t.group_label}, {"name", t.name}};
}

json SupervisionCountsJson(const SupervisionReport& r) {
  json depts = json::array();
  for (const auto& d : r.departments) {
    json counts = json::object();
    for (const auto& [kind, n] : d.counts) counts[kind] = n;
    depts.push_back({{"department", DepartmentJson(d.department)}, {"counts", counts}, {"total", d.total}});
  }
  return {{"as_of", r.as_of.ToString()}, {"departments", depts}};
}

json SupervisionJson(const SupervisionReport& r) {
  json j = SupervisionCountsJson(r);
  json findings = json::array();
  for (const auto& f : r.findings) {
    findings.push_back({{"kind", f.kind},
                        {"kind_label", f.kind_label},
                        {"department", DepartmentJson(f.department)},
                        {"entity", f.entity},
                        {"entity_id", f.entity_id},
                        {"title", f.title},
                        {"detail", f.detail},
                        {"due_on", DateJson(f.due_on)},
                        {"done_on", DateJson(f.done_on)},
                        {"working_days_late", f.working_days_late}});
  }
  j["findings"] = findings;
  return j;
}

core::Result<PolicyInput> PolicyInputFromJson(const json& j) {
  HQ_RETURN_IF_ERROR(RequireObject(j, "body"));
  PolicyInput in;
  HQ_ASSIGN_OR_RETURN(in.title, Text(j, "title", "title"));
  HQ_ASSIGN_OR_RETURN(in.doc_number, Text(j, "doc_number", "doc_number"));
  HQ_ASSIGN_OR_RETURN(std::string level, Text(j, "level", "level"));
  HQ_ASSIGN_OR_RETURN(in.level, ParseLevel(level));
  HQ_ASSIGN_OR_RETURN(in.types, Strings(j, "types"));
  HQ_ASSIGN_OR_RETURN(in.region, Text(j, "region", "region"));
  HQ_ASSIGN_OR_RETURN(in.departments, Strings(j, "departments"));
  HQ_ASSIGN_OR_RETURN(in.signed_on, OptDate(j, "signed_on"));
  HQ_ASSIGN_OR_RETURN(in.upstream_released_on, OptDate(j, "upstream_released_on"));
  HQ_ASSIGN_OR_RETURN(in.valid_from, OptDate(j, "valid_from"));
  HQ_ASSIGN_OR_RETURN(in.valid_to, OptDate(j, "valid_to"));
  HQ_ASSIGN_OR_RETURN(in.full_text, Text(j, "full_text", "full_text"));
  if (auto it = j.find("interpretation"); it != j.end() && !it->is_null()) {
    HQ_RETURN_IF_ERROR(RequireObject(*it, "interpretation"));
    HQ_ASSIGN_OR_RETURN(in.interpretation_text, Text(*it, "text", "interpretation.text"));
    HQ_ASSIGN_OR_RETURN(in.interpretation_department,
                        Text(*it, "author_department", "interpretation.author_department"));
  }
  HQ_ASSIGN_OR_RETURN(in.highlights, Strings(j, "highlights"));
  HQ_ASSIGN_OR_RETURN(in.attachments, AttachmentsFrom(j));
  HQ_ASSIGN_OR_RETURN(in.tags, Strings(j, "tags"));
  HQ_ASSIGN_OR_RETURN(in.links, LinksFrom(j));
  return in;
}

core::Result<ItemInput> ItemInputFromJson(const json& j) {
  HQ_RETURN_IF_ERROR(RequireObject(j, "body"));
  ItemInput in;
  HQ_ASSIGN_OR_RETURN(in.name, Text(j, "name", "name"));
  if (auto c = j.find("catalogue_id"); c != j.end() && !c->is_null()) {
    if (!c->is_number_integer()) return FieldError("catalogue_id", "应为事项目录编号", "must be an id");
    in.catalogue_id = c->get<int64_t>();
  }
  HQ_ASSIGN_OR_RETURN(in.confirm_new_name, Flag(j, "confirm_new_name", "confirm_new_name", false));
  HQ_ASSIGN_OR_RETURN(in.department, Text(j, "department", "department"));
  HQ_ASSIGN_OR_RETURN(std::string mode, Text(j, "service_mode", "service_mode"));
  HQ_ASSIGN_OR_RETURN(in.service_mode, ParseServiceMode(mode.empty() ? "online" : mode));
  HQ_ASSIGN_OR_RETURN(in.region, Text(j, "region", "region"));
  HQ_ASSIGN_OR_RETURN(in.implementing_body, Text(j, "implementing_body", "implementing_body"));
  HQ_ASSIGN_OR_RETURN(in.scope, Text(j, "scope", "scope"));
  HQ_ASSIGN_OR_RETURN(std::string target, Text(j, "target", "target"));
  HQ_ASSIGN_OR_RETURN(in.target, ParseTarget(target.empty() ? "enterprise" : target));
  HQ_ASSIGN_OR_RETURN(std::string period, Text(j, "period_type", "period_type"));
  HQ_ASSIGN_OR_RETURN(in.period_type, ParsePeriodType(period.empty() ? "year_round" : period));
  HQ_ASSIGN_OR_RETURN(in.window_start, OptDate(j, "window_start"));
  HQ_ASSIGN_OR_RETURN(in.window_end, OptDate(j, "window_end"));
  HQ_ASSIGN_OR_RETURN(in.subsidy_standard, Text(j, "subsidy_standard", "subsidy_standard"));
  HQ_ASSIGN_OR_RETURN(in.conditions, Strings(j, "conditions"));
  HQ_ASSIGN_OR_RETURN(in.rule_text, Text(j, j.contains("rule_text") ? "rule_text" : "rule", "rule"));
  if (auto a = j.find("amount"); a != j.end() && !a->is_null()) {
    in.amount_json = a->dump();
  } else {
    HQ_ASSIGN_OR_RETURN(in.amount_json, Text(j, "amount_json", "amount_json"));
  }
  HQ_ASSIGN_OR_RETURN(in.exclusive_group, Text(j, "exclusive_group", "exclusive_group"));
  if (auto c = j.find("channels"); c != j.end() && c->is_array()) {
    HQ_ASSIGN_OR_RETURN(auto list, Strings(j, "channels"));
    for (const auto& ch : list) in.channels += (in.channels.empty() ? "" : "；") + ch;
  } else {
    HQ_ASSIGN_OR_RETURN(in.channels, Text(j, "channels", "channels"));
  }
  HQ_ASSIGN_OR_RETURN(in.consult_phone, Text(j, "consult_phone", "consult_phone"));
  HQ_ASSIGN_OR_RETURN(in.supervise_phone, Text(j, "supervise_phone", "supervise_phone"));
  HQ_ASSIGN_OR_RETURN(in.no_application, Flag(j, "no_application", "no_application", false));
  HQ_ASSIGN_OR_RETURN(in.materials, MaterialsFrom(j));
  HQ_ASSIGN_OR_RETURN(in.process, ProcessFrom(j));
  HQ_ASSIGN_OR_RETURN(in.tags, Strings(j, "tags"));
  return in;
}

}  // namespace huiqi::policy
