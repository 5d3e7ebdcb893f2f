// The profile's storage (enterprise, tags, registered attributes, history) and the service's reads
// and writes of one profile.
#include "enterprise/detail/profile_repository.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/uscc.h"
#include "enterprise/detail/access.h"
#include "enterprise/detail/values.h"
#include "enterprise/profile.h"

namespace huiqi::enterprise {

using core::Result;
using core::Status;
using detail::Bad;
using detail::IsStaffOrAdmin;
using detail::IsText;
using detail::Load;
using detail::UpsertIn;
using nlohmann::json;
using rules::AttrType;
using store::Session;

namespace {

constexpr store::Statement kByUscc{
    "profile.by_uscc",
    "SELECT id, uscc, name, region, industry, registration_type, established_on, registered_capital, "
    "employees, "
    "revenue, revenue_growth, total_assets, rd_expense, rd_ratio, tax_paid, export_value, tax_credit_grade, "
    "dishonest, scale, tags_known, created_at, updated_at FROM enterprises WHERE uscc = ?"};
constexpr store::Statement kUsccById{"profile.uscc_by_id", "SELECT uscc FROM enterprises WHERE id = ?"};
constexpr store::Statement kTagsOf{
    "profile.tags_of", "SELECT tag, acquired_on FROM enterprise_tags WHERE enterprise_id = ? ORDER BY tag"};
constexpr store::Statement kInsert{"profile.insert",
                                   "INSERT INTO enterprises (uscc, name, tags_known, created_at, updated_at) "
                                   "VALUES (?, ?, 0, ?, ?) RETURNING id"};
constexpr store::Statement kDeleteTags{"profile.delete_tags",
                                       "DELETE FROM enterprise_tags WHERE enterprise_id = ?"};
constexpr store::Statement kInsertTag{"profile.insert_tag",
                                      "INSERT INTO enterprise_tags (enterprise_id, tag, acquired_on, "
                                      "received_on, source, department_id) VALUES (?, ?, ?, ?, ?, ?)"};
constexpr store::Statement kTagReceipts{"profile.tag_receipts",
                                        "SELECT tag, acquired_on, received_on, source, department_id FROM "
                                        "enterprise_tags WHERE enterprise_id = ?"};
constexpr store::Statement kSourceOwner{"profile.source_owner",
                                        "SELECT department_id FROM data_source_owners WHERE source = ?"};
constexpr store::Statement kHistoryInsert{"profile.history_insert",
                                          "INSERT INTO enterprise_history (enterprise_id, attribute, "
                                          "old_value, new_value, changed_at, source, actor_login) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?)"};
constexpr store::Statement kHistory{
    "profile.history",
    "SELECT attribute, old_value, new_value, changed_at, source, actor_login FROM enterprise_history "
    "WHERE enterprise_id = ? ORDER BY id DESC LIMIT ?"};

//! The source of the latest change of each attribute: "企业自报" marks a value the enterprise
//! declared itself until a department's data replaces it.
constexpr store::Statement kLatestSources{
    "profile.latest_sources",
    "SELECT h.attribute, h.source FROM enterprise_history h WHERE h.enterprise_id = ? AND h.id = "
    "(SELECT MAX(x.id) FROM enterprise_history x WHERE x.enterprise_id = h.enterprise_id AND "
    "x.attribute = h.attribute)"};
constexpr store::Statement kCustomOf{
    "profile.custom_of",
    "SELECT attribute, num_value, text_value FROM enterprise_values WHERE enterprise_id = ?"};
constexpr store::Statement kCustomDelete{
    "profile.custom_delete", "DELETE FROM enterprise_values WHERE enterprise_id = ? AND attribute = ?"};
constexpr store::Statement kCustomInsert{
    "profile.custom_insert",
    "INSERT INTO enterprise_values (enterprise_id, attribute, num_value, text_value) VALUES (?, ?, ?, ?)"};

bool IsBuiltinKey(const std::string& key) {
  const auto& stored = StoredAttributes();
  return key == "tags" || key == "scale" || key == "age" ||
         std::find(stored.begin(), stored.end(), key) != stored.end();
}

store::Value ColumnValue(const rules::AttributeDef& a, const rules::Facts& f) {
  if (IsText(a.type)) {
    auto it = f.texts.find(a.key);
    return it == f.texts.end() ? store::Null() : store::Value(it->second);
  }
  auto it = f.numbers.find(a.key);
  if (it == f.numbers.end()) return store::Null();
  if (a.type == AttrType::kDate) return core::Date::FromDays(static_cast<int32_t>(it->second)).ToString();
  return it->second;
}

json ProfileAuditJson(const Profile& p, const rules::Schema& schema) {
  json facts = json::object();
  for (const auto& a : schema.attributes()) {
    if (a.derived || a.type == AttrType::kTagSet) continue;
    auto v = FactText(p.facts, a);
    facts[a.key] = v ? json(*v) : json();
  }
  facts["tags"] = p.facts.tags_known ? json(TagsText(p.facts)) : json();
  return {{"uscc", p.uscc}, {"name", p.name}, {"facts", facts}};
}

}  // namespace

namespace detail {

Result<std::optional<Profile>> Load(Session& s, std::string_view uscc, const rules::Schema& custom_schema) {
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(kByUscc, {std::string(uscc)}));
  if (!row) return std::optional<Profile>();
  const store::Row& r = *row;
  Profile p;
  p.id = r.Int("id");
  p.uscc = r.Text("uscc");
  p.name = r.Text("name");
  p.created_at = r.Text("created_at");
  p.updated_at = r.Text("updated_at");
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  for (const auto& key : StoredAttributes()) {
    if (r.IsNull(key)) continue;
    const rules::AttributeDef* a = schema.Find(key);
    if (IsText(a->type)) {
      p.facts.texts[key] = r.Text(key);
    } else if (a->type == AttrType::kDate) {
      auto d = core::Date::Parse(r.Text(key));
      if (d.ok()) p.facts.numbers[key] = d->days();
    } else {
      p.facts.numbers[key] = r.Int(key);
    }
  }
  if (!r.IsNull("scale")) p.facts.texts["scale"] = r.Text("scale");
  p.facts.tags_known = r.Bool("tags_known");
  HQ_ASSIGN_OR_RETURN(auto tags, s.Query(kTagsOf, {p.id}));
  for (const auto& t : tags) {
    std::optional<int32_t> day;
    if (!t.IsNull("acquired_on")) {
      auto d = core::Date::Parse(t.Text("acquired_on"));
      if (d.ok()) day = d->days();
    }
    p.facts.tags[t.Text("tag")] = day;
  }
  // Registered attributes (enterprise/attributes.h); one unknown to this schema is skipped.
  HQ_ASSIGN_OR_RETURN(auto custom, s.Query(kCustomOf, {p.id}));
  for (const auto& c : custom) {
    const rules::AttributeDef* a = custom_schema.Find(c.Text("attribute"));
    if (!a || IsBuiltinKey(a->key)) continue;
    if (a->type == AttrType::kEnum && !c.IsNull("text_value")) {
      p.facts.texts[a->key] = c.Text("text_value");
    } else if (a->type == AttrType::kDate && !c.IsNull("text_value")) {
      auto d = core::Date::Parse(c.Text("text_value"));
      if (d.ok()) p.facts.numbers[a->key] = d->days();
    } else if (!c.IsNull("num_value")) {
      p.facts.numbers[a->key] = c.Int("num_value");
    }
  }
  HQ_ASSIGN_OR_RETURN(auto sources, s.Query(kLatestSources, {p.id}));
  for (const auto& h : sources) {
    std::string key = h.Text("attribute");
    bool present = p.facts.numbers.count(key) > 0 || p.facts.texts.count(key) > 0;
    if (h.Text("source") == kSelfDeclaredSource && present) p.self_declared.insert(key);
  }
  return std::optional<Profile>(std::move(p));
}

// Writes `record` over the stored profile inside `s`. Returns the outcome.
Result<UpsertResult> UpsertIn(Session& s, const core::Clock& clock, const rules::Schema& schema,
                              const audit::Actor& actor, const EnterpriseRecord& record,
                              const std::vector<std::string>& touched, const std::string& source,
                              std::optional<int64_t> department_id) {
  std::string now = core::FormatTimestamp(clock.Now());
  HQ_ASSIGN_OR_RETURN(auto existing, Load(s, record.uscc, schema));
  UpsertResult out;
  Profile before;
  if (existing) {
    before = *existing;
  } else {
    if (record.name.empty()) return Bad("name", "新企业须填写名称", "name is required for a new enterprise");
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsert, {record.uscc, record.name, now, now}, "", ""));
    before.id = row.Int("id");
    before.uscc = record.uscc;
    before.name = record.name;
    out.created = true;
  }
  out.id = before.id;
  Profile after = before;
  if (!record.name.empty()) after.name = record.name;
  for (const auto& key : touched) {
    if (key == "tags") {
      after.facts.tags = record.facts.tags;
      after.facts.tags_known = true;
      continue;
    }
    const rules::AttributeDef* a = schema.Find(key);
    if (!a || a->derived) continue;
    after.facts.texts.erase(key);
    after.facts.numbers.erase(key);
    if (auto it = record.facts.texts.find(key); it != record.facts.texts.end())
      after.facts.texts[key] = it->second;
    if (auto it = record.facts.numbers.find(key); it != record.facts.numbers.end())
      after.facts.numbers[key] = it->second;
  }
  DeriveScale(after.facts);

  // Which attributes changed, with their old and new canonical text.
  std::vector<std::string> changed_cols;
  auto record_change = [&](const std::string& key, const std::optional<std::string>& old_v,
                           const std::optional<std::string>& new_v) -> Status {
    if (old_v == new_v) return core::Ok();
    ++out.changed;
    HQ_RETURN_IF_ERROR(s.Exec(kHistoryInsert, {before.id, key, store::OptionalText(old_v),
                                               store::OptionalText(new_v), now, source, actor.login}));
    return core::Ok();
  };
  for (const auto& key : StoredAttributes()) {
    const rules::AttributeDef* a = schema.Find(key);
    auto old_v = FactText(before.facts, *a), new_v = FactText(after.facts, *a);
    if (old_v != new_v) changed_cols.push_back(key);
    HQ_RETURN_IF_ERROR(record_change(key, old_v, new_v));
  }
  // Registered attributes: one row each in enterprise_values.
  for (const auto& key : touched) {
    if (IsBuiltinKey(key)) continue;
    const rules::AttributeDef* a = schema.Find(key);
    if (!a || a->derived) continue;
    auto old_v = FactText(before.facts, *a), new_v = FactText(after.facts, *a);
    if (old_v == new_v) continue;
    HQ_RETURN_IF_ERROR(record_change(key, old_v, new_v));
    HQ_RETURN_IF_ERROR(s.Exec(kCustomDelete, {before.id, key}));
    if (new_v) {
      bool text = a->type == AttrType::kEnum || a->type == AttrType::kDate;
      store::Value num = text ? store::Null() : store::Value(after.facts.numbers.at(key));
      HQ_RETURN_IF_ERROR(
          s.Exec(kCustomInsert, {before.id, key, num, text ? store::Value(*new_v) : store::Null()}));
    }
  }
  auto old_tags = before.facts.tags_known ? std::optional<std::string>(TagsText(before.facts)) : std::nullopt;
  auto new_tags = after.facts.tags_known ? std::optional<std::string>(TagsText(after.facts)) : std::nullopt;
  bool tags_changed = old_tags != new_tags;
  HQ_RETURN_IF_ERROR(record_change("tags", old_tags, new_tags));
  bool name_changed = after.name != before.name;
  if (name_changed) {
    ++out.changed;
    HQ_RETURN_IF_ERROR(s.Exec(
        kHistoryInsert, {before.id, std::string("name"), before.name, after.name, now, source, actor.login}));
  }
  auto scale_of = [](const Profile& p) {
    auto it = p.facts.texts.find("scale");
    return it == p.facts.texts.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  };
  bool scale_changed = scale_of(before) != scale_of(after);
  if (out.changed == 0 && !scale_changed && !out.created) return out;

  // Column names come from the fixed list above, never from input.
  std::string sql = "UPDATE enterprises SET name = ?, scale = ?, tags_known = ?, updated_at = ?";
  store::Params params = {after.name, store::OptionalText(scale_of(after)),
                          int64_t{after.facts.tags_known ? 1 : 0}, now};
  for (const auto& key : changed_cols) {
    sql += ", " + key + " = ?";
    params.push_back(ColumnValue(*schema.Find(key), after.facts));
  }
  sql += " WHERE id = ?";
  params.push_back(before.id);
  HQ_RETURN_IF_ERROR(s.Exec({"profile.update", sql}, params));
  if (tags_changed) {
    // A tag already held (same grant date) keeps when and from whom it arrived; a new one arrives
    // today, from `source` (its owning department, or the department that accepted a correction).
    HQ_ASSIGN_OR_RETURN(auto receipts, s.Query(kTagReceipts, {before.id}));
    std::map<std::string, const store::Row*> held;
    for (const auto& r : receipts) held[r.Text("tag")] = &r;
    std::optional<int64_t> from = department_id;
    if (!from) {
      HQ_ASSIGN_OR_RETURN(auto owner, s.QueryOptional(kSourceOwner, {source}));
      if (owner && !owner->IsNull("department_id")) from = owner->Int("department_id");
    }
    std::string today = core::ShanghaiDate(clock.Now()).ToString();
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteTags, {before.id}));
    for (const auto& [tag, day] : after.facts.tags) {
      std::string on = day ? core::Date::FromDays(*day).ToString() : "";
      store::Value granted = day ? store::Value(on) : store::Null();
      auto it = held.find(tag);
      bool kept = it != held.end() &&
                  (it->second->IsNull("acquired_on") ? !day : it->second->Text("acquired_on") == on);
      if (kept && !it->second->IsNull("received_on")) {
        const store::Row& r = *it->second;
        HQ_RETURN_IF_ERROR(s.Exec(
            kInsertTag, {before.id, tag, granted, r.Text("received_on"), r.Text("source"),
                         r.IsNull("department_id") ? store::Null() : store::Value(r.Int("department_id"))}));
      } else {
        HQ_RETURN_IF_ERROR(
            s.Exec(kInsertTag, {before.id, tag, granted, today, source, store::OptionalInt(from)}));
      }
    }
  }
  HQ_RETURN_IF_ERROR(audit::Record(s, clock, actor, out.created ? "enterprise.create" : "enterprise.update",
                                   "enterprise", std::to_string(before.id),
                                   out.created ? json() : ProfileAuditJson(before, schema),
                                   ProfileAuditJson(after, schema)));
  return out;
}

}  // namespace detail

Result<Profile> ProfileService::Get(std::string_view uscc) {
  return db_.ReadValue<Profile>([&](Session& s) -> Result<Profile> {
    HQ_ASSIGN_OR_RETURN(auto p, Load(s, uscc, schema_));
    if (!p)
      return core::NotFound("企业档案（统一社会信用代码 " + std::string(uscc) + "）",
                            "enterprise " + std::string(uscc));
    return std::move(*p);
  });
}

Result<Profile> ProfileService::GetById(int64_t id) {
  return db_.ReadValue<Profile>([&](Session& s) -> Result<Profile> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kUsccById, {id}, "企业档案", "enterprise"));
    HQ_ASSIGN_OR_RETURN(auto p, Load(s, row.Text("uscc"), schema_));
    if (!p) return core::NotFound("企业档案", "enterprise");
    return std::move(*p);
  });
}

Result<Profile> ProfileService::GetFor(const auth::Principal& viewer, std::string_view uscc) {
  if (!IsStaffOrAdmin(viewer)) HQ_RETURN_IF_ERROR(auth::RequireEnterprise(viewer, uscc));
  return Get(uscc);
}

Result<UpsertResult> ProfileService::Upsert(const audit::Actor& actor, const EnterpriseRecord& record,
                                            const std::vector<std::string>& touched,
                                            const std::string& source) {
  HQ_RETURN_IF_ERROR(core::ValidateUscc(record.uscc));
  return db_.WriteValue<UpsertResult>(
      [&](Session& s) { return UpsertIn(s, clock_, schema_, actor, record, touched, source); });
}

Result<std::vector<HistoryEntry>> ProfileService::History(const auth::Principal& viewer,
                                                          std::string_view uscc, int limit) {
  if (!IsStaffOrAdmin(viewer)) HQ_RETURN_IF_ERROR(auth::RequireEnterprise(viewer, uscc));
  limit = std::clamp(limit, 1, 1000);
  return db_.ReadValue<std::vector<HistoryEntry>>([&](Session& s) -> Result<std::vector<HistoryEntry>> {
    HQ_ASSIGN_OR_RETURN(auto p, Load(s, uscc, schema_));
    if (!p) return core::NotFound("企业档案", "enterprise");
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kHistory, {p->id, int64_t{limit}}));
    std::vector<HistoryEntry> out;
    for (const auto& r : rows) {
      HistoryEntry h;
      h.attribute = r.Text("attribute");
      h.has_old = !r.IsNull("old_value");
      h.has_new = !r.IsNull("new_value");
      h.old_value = h.has_old ? r.Text("old_value") : "";
      h.new_value = h.has_new ? r.Text("new_value") : "";
      h.changed_at = r.Text("changed_at");
      h.source = r.Text("source");
      h.actor_login = r.Text("actor_login");
      out.push_back(std::move(h));
    }
    return out;
  });
}

}  // namespace huiqi::enterprise
