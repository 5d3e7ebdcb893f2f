#include "enterprise/profile.h"

#include <iconv.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/money.h"
#include "core/uscc.h"
#include "rules/rule.h"

namespace huiqi::enterprise {

using core::Result;
using core::Status;
using nlohmann::json;
using rules::AttrType;
using store::Session;

namespace {

core::Error Bad(const std::string& field, std::string zh, std::string en) {
  return core::InvalidArgument(field, "invalid_value", std::move(zh), std::move(en));
}

bool IsText(AttrType t) { return t == AttrType::kCode || t == AttrType::kEnum; }

// "12.5" with at most `places` decimals → the value × 10^places; nullopt when malformed.
std::optional<int64_t> ParseScaled(std::string s, int places) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  if (s.empty()) return std::nullopt;
  bool neg = s[0] == '-';
  if (neg || s[0] == '+') s.erase(0, 1);
  auto dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (static_cast<int>(frac.size()) > places) return std::nullopt;
  if ((whole + frac).find_first_not_of("0123456789") != std::string::npos || whole.size() > 15)
    return std::nullopt;
  frac.append(static_cast<size_t>(places) - frac.size(), '0');
  int64_t v = (whole.empty() ? 0 : std::stoll(whole));
  for (int i = 0; i < places; ++i) v *= 10;
  if (!frac.empty()) v += std::stoll(frac);
  return neg ? -v : v;
}

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Status CheckCode(const rules::AttributeDef& attr, const std::string& code, const core::ReferenceData* ref,
                 const std::string& field) {
  if (attr.code_table == "region") {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
      return Bad(field, attr.label + "应为 6 位行政区划代码（GB/T 2260），如 320412",
                 "region must be a 6-digit code");
    }
    if (ref && !ref->regions().Find(code)) {
      return Bad(field, "行政区划代码 " + code + " 不在江苏省区划表中", "unknown region code " + code);
    }
    return core::Ok();
  }
  if (attr.code_table == "industry") {
    bool shape = code.size() >= 1 && code.size() <= 5 && code[0] >= 'A' && code[0] <= 'T' &&
                 code.find_first_not_of("0123456789", 1) == std::string::npos && code.size() != 2;
    if (!shape) {
      return Bad(field, attr.label + "应为门类字母加行业代码（GB/T 4754-2017），如 C 或 C34 或 C3411",
                 "industry must be a section letter followed by 2-4 digits");
    }
    if (ref && code.size() >= 3) {
      const core::CodeEntry* d = ref->industries().Find(code.substr(1, 2));
      if (!d || d->parent != code.substr(0, 1)) {
        return Bad(field,
                   "行业代码 " + code + " 的大类 " + code.substr(1, 2) + " 不属于门类 " + code.substr(0, 1),
                   "industry division does not belong to the section");
      }
    }
    return core::Ok();
  }
  return core::Ok();
}

}  // namespace

const std::vector<std::string>& StoredAttributes() {
  static const std::vector<std::string> keys = {
      "region",    "industry", "registration_type", "established_on",   "registered_capital",
      "employees", "revenue",  "revenue_growth",    "total_assets",     "rd_expense",
      "rd_ratio",  "tax_paid", "export_value",      "tax_credit_grade", "dishonest"};
  return keys;
}

Status SetFact(rules::Facts& facts, const rules::AttributeDef& attr, const json& value,
               const core::ReferenceData* ref, const std::string& field) {
  if (attr.derived) return Bad(field, attr.label + "由系统计算，不能直接填写", attr.key + " is derived");
  if (value.is_null() || (value.is_string() && Trim(value.get<std::string>()).empty())) {
    facts.numbers.erase(attr.key);
    facts.texts.erase(attr.key);
    return core::Ok();
  }
  std::string text = value.is_string() ? Trim(value.get<std::string>()) : value.dump();
  switch (attr.type) {
    case AttrType::kCode:
    case AttrType::kEnum: {
      if (!value.is_string()) return Bad(field, attr.label + "应为文本", attr.key + " must be text");
      if (attr.type == AttrType::kEnum &&
          std::find(attr.enum_values.begin(), attr.enum_values.end(), text) == attr.enum_values.end()) {
        std::string allowed;
        for (const auto& v : attr.enum_values) allowed += (allowed.empty() ? "" : "、") + v;
        return Bad(field, attr.label + "应为以下之一：" + allowed, attr.key + " is not an allowed value");
      }
      if (attr.type == AttrType::kCode) {
        for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        HQ_RETURN_IF_ERROR(CheckCode(attr, text, ref, field));
      }
      facts.texts[attr.key] = text;
      return core::Ok();
    }
    case AttrType::kBool: {
      static const std::set<std::string> yes = {"true", "1", "是", "Y", "y", "yes"};
      static const std::set<std::string> no = {"false", "0", "否", "N", "n", "no"};
      if (yes.count(text)) {
        facts.numbers[attr.key] = 1;
      } else if (no.count(text)) {
        facts.numbers[attr.key] = 0;
      } else {
        return Bad(field, attr.label + "应为“是”或“否”", attr.key + " must be true or false");
      }
      return core::Ok();
    }
    case AttrType::kDate: {
      auto d = core::Date::Parse(text, field);
      if (!d.ok()) return d.error();
      facts.numbers[attr.key] = d->days();
      return core::Ok();
    }
    case AttrType::kMoney: {
      auto fen = core::ParseMoney(value.is_number() ? text + "元" : text, field);
      if (!fen.ok()) return fen.error();
      facts.numbers[attr.key] = *fen;
      return core::Ok();
    }
    case AttrType::kPercent: {
      std::string t = text;
      if (!t.empty() && (t.back() == '%')) t.pop_back();
      auto v = ParseScaled(t, 2);
      if (!v)
        return Bad(field, attr.label + "应为百分数，最多两位小数，如 12.5%",
                   attr.key + " must be a percentage");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kDecimal: {
      auto v = ParseScaled(text, 4);
      if (!v) return Bad(field, attr.label + "应为数字，最多四位小数", attr.key + " must be a number");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kInt: {
      std::string t = text;
      if (!attr.unit.empty() && t.size() > attr.unit.size() && t.ends_with(attr.unit))
        t.resize(t.size() - attr.unit.size());
      auto v = ParseScaled(t, 0);
      if (!v || *v < 0)
        return Bad(field, attr.label + "应为非负整数", attr.key + " must be a non-negative integer");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kTagSet:
      if (!value.is_string()) return Bad(field, "标签应写成“名称@取得日期;名称”", "tags must be text");
      return SetTags(facts, text, field);
  }
  return core::Ok();
}

Status SetTags(rules::Facts& facts, std::string_view text, const std::string& field) {
  facts.tags.clear();
  facts.tags_known = true;
  std::string all(text);
  for (auto& c : all) {
    if (c == ',') c = ';';
  }
  // Also accept the full-width separators people type: "；" "，".
  for (const std::string sep : {"；", "，"}) {
    for (size_t p = all.find(sep); p != std::string::npos; p = all.find(sep)) all.replace(p, sep.size(), ";");
  }
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find(';', start);
    std::string part = Trim(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? all.size() + 1 : end + 1;
    if (part.empty()) continue;
    std::optional<int32_t> day;
    if (auto at = part.rfind('@'); at != std::string::npos) {
      auto d = core::Date::Parse(Trim(part.substr(at + 1)), field);
      if (!d.ok())
        return Bad(field, "标签“" + part + "”的取得日期应为 YYYY-MM-DD", "bad tag date in " + part);
      day = d->days();
      part = Trim(part.substr(0, at));
    }
    if (part.empty() || part.size() > 100) return Bad(field, "标签名称不能为空或过长", "bad tag name");
    facts.tags[part] = day;
  }
  return core::Ok();
}

std::optional<std::string> FactText(const rules::Facts& f, const rules::AttributeDef& attr) {
  if (attr.type == AttrType::kTagSet) {
    if (!f.tags_known) return std::nullopt;
    return TagsText(f);
  }
  if (IsText(attr.type)) {
    auto it = f.texts.find(attr.key);
    if (it == f.texts.end()) return std::nullopt;
    return it->second;
  }
  auto it = f.numbers.find(attr.key);
  if (it == f.numbers.end()) return std::nullopt;
  std::string v = rules::FormatValue(attr.type, it->second);
  if (attr.type == AttrType::kDate && v.size() >= 2) v = v.substr(1, v.size() - 2);  // unquoted
  return v;
}

std::string TagsText(const rules::Facts& f) {
  std::string out;
  for (const auto& [name, day] : f.tags) {
    if (!out.empty()) out += ";";
    out += name;
    if (day) out += "@" + core::Date::FromDays(*day).ToString();
  }
  return out;
}

// --- storage ----------------------------------------------------------------------------------

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
constexpr store::Statement kInsertTag{
    "profile.insert_tag", "INSERT INTO enterprise_tags (enterprise_id, tag, acquired_on) VALUES (?, ?, ?)"};
constexpr store::Statement kHistoryInsert{"profile.history_insert",
                                          "INSERT INTO enterprise_history (enterprise_id, attribute, "
                                          "old_value, new_value, changed_at, source, actor_login) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?)"};
constexpr store::Statement kHistory{
    "profile.history",
    "SELECT attribute, old_value, new_value, changed_at, source, actor_login FROM enterprise_history "
    "WHERE enterprise_id = ? ORDER BY id DESC LIMIT ?"};
constexpr store::Statement kCorrectionInsert{"profile.correction_insert",
                                             "INSERT INTO enterprise_corrections (enterprise_id, attribute, "
                                             "current_value, proposed_value, note, data_source, "
                                             "status, created_by, created_at, department_id) VALUES (?, ?, "
                                             "?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id"};
#define HQ_CORRECTION_SELECT                                                                               \
  "SELECT c.id, c.enterprise_id, e.uscc, e.name, c.attribute, c.current_value, c.proposed_value, c.note, " \
  "c.data_source, c.status, c.created_at, c.resolved_at, c.resolution_note, c.department_id, "             \
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
    "WHERE id = ? AND status = 'pending'"};

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
  return std::optional<Profile>(std::move(p));
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

// Writes `record` over the stored profile inside `s`. Returns the outcome.
Result<UpsertResult> UpsertIn(Session& s, const core::Clock& clock, const rules::Schema& schema,
                              const audit::Actor& actor, const EnterpriseRecord& record,
                              const std::vector<std::string>& touched, const std::string& source) {
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
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteTags, {before.id}));
    for (const auto& [tag, day] : after.facts.tags) {
      HQ_RETURN_IF_ERROR(s.Exec(
          kInsertTag,
          {before.id, tag, day ? store::Value(core::Date::FromDays(*day).ToString()) : store::Null()}));
    }
  }
  HQ_RETURN_IF_ERROR(audit::Record(s, clock, actor, out.created ? "enterprise.create" : "enterprise.update",
                                   "enterprise", std::to_string(before.id),
                                   out.created ? json() : ProfileAuditJson(before, schema),
                                   ProfileAuditJson(after, schema)));
  return out;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Excel in a Chinese locale saves CSV as GBK: such a file is converted from GB18030 (a superset)
// with iconv; anything else is refused rather than stored as mojibake.
Result<std::string> AsUtf8(std::string data) {
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) data.erase(0, 3);
  if (ValidUtf8(data)) return data;
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return Bad("file", "无法转换文件编码", "iconv unavailable");
  std::string out(data.size() * 2 + 16, '\0');
  char* in_p = data.data();
  size_t in_left = data.size();
  char* out_p = out.data();
  size_t out_left = out.size();
  size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || in_left != 0) {
    return Bad("file", "文件编码无法识别：请将 CSV 保存为 UTF-8 或 GBK 编码",
               "the file is neither UTF-8 nor GBK");
  }
  out.resize(out.size() - out_left);
  return out;
}

// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
std::vector<std::vector<std::string>> ReadCsv(const std::string& data) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"' && i + 1 < data.size() && data[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      } else {
        rows.emplace_back();  // a blank line keeps the line numbers right
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
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
  return c;
}

audit::Actor ActorOf(const auth::Principal& p) {
  return audit::Actor{p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt, p.login};
}

store::Value UserValue(const auth::Principal& p) {
  return p.user_id > 0 ? store::Value(p.user_id) : store::Null();
}

bool IsStaffOrAdmin(const auth::Principal& p) {
  return p.Is(auth::UserKind::kPlatformAdmin) || p.Is(auth::UserKind::kDepartmentStaff);
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

Result<ImportReport> ProfileService::ImportCsv(const audit::Actor& actor, std::istream& csv,
                                               const ImportOptions& opts) {
  HQ_ASSIGN_OR_RETURN(std::string text, AsUtf8(std::string((std::istreambuf_iterator<char>(csv)),
                                                           std::istreambuf_iterator<char>())));
  auto rows = ReadCsv(text);
  ImportReport report;
  if (rows.empty() || rows[0].empty()) return Bad("file", "CSV 文件为空或缺少表头", "the CSV has no header");
  // Header: uscc and name by key or label; attributes by key, label or alias; tags.
  std::vector<std::string> keys;
  int uscc_col = -1, name_col = -1;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    std::string h = Trim(rows[0][i]);
    if (h == "uscc" || h == "统一社会信用代码") {
      uscc_col = static_cast<int>(i);
      keys.push_back("uscc");
    } else if (h == "name" || h == "企业名称" || h == "名称") {
      name_col = static_cast<int>(i);
      keys.push_back("name");
    } else if (const rules::AttributeDef* a = schema_.Find(h); a && !a->derived) {
      if (std::find(keys.begin(), keys.end(), a->key) != keys.end()) {
        return Bad("header", "表头列“" + h + "”重复", "duplicate column " + h);
      }
      keys.push_back(a->key);
    } else {
      std::string hint;
      if (auto s = schema_.Suggest(h, 1); !s.empty())
        hint = "，是否应为“" + s[0]->label + "”（" + s[0]->key + "）？";
      if (h.size() > 60) {  // quote a long header in part, cut at a character boundary
        size_t cut = 60;
        while (cut > 0 && (static_cast<unsigned char>(h[cut]) & 0xC0) == 0x80) --cut;
        h = h.substr(0, cut) + "…";
      }
      return Bad("header", "表头第 " + std::to_string(i + 1) + " 列“" + h + "”不是档案属性" + hint,
                 "unknown column " + h);
    }
  }
  if (uscc_col < 0)
    return Bad("header", "表头缺少“统一社会信用代码”（uscc）列", "the header needs a uscc column");

  struct Parsed {
    EnterpriseRecord rec;
    std::vector<std::string> touched;
  };
  std::vector<Parsed> good;
  std::set<std::string> seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    int line = static_cast<int>(r) + 1;
    if (row.empty() || (row.size() == 1 && Trim(row[0]).empty())) continue;
    ++report.rows;
    auto fail = [&](const std::string& field, const core::Error& e) {
      report.errors.push_back({line, field, e.code, e.message});
    };
    if (row.size() != keys.size()) {
      fail("row", Bad("row",
                      "第 " + std::to_string(line) + " 行有 " + std::to_string(row.size()) + " 列，表头有 " +
                          std::to_string(keys.size()) + " 列",
                      "wrong number of columns"));
      ++report.invalid;
      continue;
    }
    Parsed p;
    bool ok = true;
    auto uscc = core::NormalizeUscc(row[static_cast<size_t>(uscc_col)]);
    if (!uscc.ok()) {
      fail("uscc", uscc.error());
      ok = false;
    } else {
      p.rec.uscc = *uscc;
      if (!seen.insert(*uscc).second) {
        fail("uscc", Bad("uscc", "统一社会信用代码在文件中重复出现", "duplicate USCC in the file"));
        ok = false;
      }
    }
    if (name_col >= 0) p.rec.name = Trim(row[static_cast<size_t>(name_col)]);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == "uscc" || keys[i] == "name") continue;
      const rules::AttributeDef* a = schema_.Find(keys[i]);
      Status st = SetFact(p.rec.facts, *a, json(row[i]), reference_, keys[i]);
      if (!st.ok()) {
        fail(keys[i], st.error());
        ok = false;
      }
      p.touched.push_back(keys[i]);
    }
    if (ok) {
      ++report.valid;
      good.push_back(std::move(p));
    } else {
      ++report.invalid;
    }
  }
  if (report.invalid > 0 && !opts.skip_invalid) return report;  // nothing written
  Status st = db_.Write([&](Session& s) -> Status {
    int created = 0, updated = 0, unchanged = 0;
    for (const auto& p : good) {
      HQ_ASSIGN_OR_RETURN(UpsertResult r, UpsertIn(s, clock_, schema_, actor, p.rec, p.touched, opts.source));
      if (r.created) {
        ++created;
      } else if (r.changed > 0) {
        ++updated;
      } else {
        ++unchanged;
      }
    }
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged;
    return core::Ok();
  });
  if (!st.ok()) return st.error();
  report.committed = true;
  return report;
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

Result<Correction> ProfileService::ProposeCorrection(const auth::Principal& actor,
                                                     const std::string& attribute, const json& value,
                                                     const std::string& note) {
  if (!actor.Is(auth::UserKind::kEnterprise) || !actor.uscc) {
    return core::PermissionDenied("只有企业用户可以更正本企业档案", "enterprise users only");
  }
  const rules::AttributeDef* a = schema_.Find(attribute);
  if (!a || a->derived) {
    return Bad("attribute", "“" + attribute + "”不是可更正的档案属性", "unknown or derived attribute");
  }
  if (note.size() > 2000) return Bad("note", "说明不能超过 2000 字节", "note is too long");
  rules::Facts proposed;
  HQ_RETURN_IF_ERROR(SetFact(proposed, *a, value, reference_, "value"));
  auto proposed_text = FactText(proposed, *a);
  if (!proposed_text) return Bad("value", "请填写更正后的值", "value is required");
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.WriteValue<Correction>([&](Session& s) -> Result<Correction> {
    HQ_ASSIGN_OR_RETURN(auto p, Load(s, *actor.uscc, schema_));
    if (!p) return core::NotFound("本企业的档案（尚未归集）", "the enterprise's archive");
    auto current = FactText(p->facts, *a);
    if (current == proposed_text) return Bad("value", "更正值与档案中的值相同", "the value is unchanged");
    // The correction goes to the department that owns the attribute's source (the platform
    // office sees those whose source has no owner on record).
    HQ_ASSIGN_OR_RETURN(auto owner, s.QueryOptional(kSourceOwner, {a->source}));
    HQ_ASSIGN_OR_RETURN(
        auto row,
        s.QueryOne(kCorrectionInsert,
                   {p->id, a->key, store::OptionalText(current), *proposed_text, note, a->source,
                    UserValue(actor), now, owner ? store::Value(owner->Int("department_id")) : store::Null()},
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
    if (before.status != CorrectionStatus::kPending) {
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "already_resolved", "该更正已处理",
                             "the correction was already resolved");
    }
    HQ_ASSIGN_OR_RETURN(int64_t changed,
                        s.Exec(kCorrectionResolve, {std::string(accept ? "accepted" : "rejected"),
                                                    UserValue(actor), now, note, id}));
    // The status is in the UPDATE's WHERE: a reviewer who lost the race changes nothing.
    if (changed != 1) {
      return core::MakeError(core::ErrorKind::kConflict, "already_resolved", "该更正刚被他人处理",
                             "resolved concurrently");
    }
    if (accept) {
      EnterpriseRecord rec;
      rec.uscc = before.uscc;
      const rules::AttributeDef* a = schema_.Find(before.attribute);
      HQ_RETURN_IF_ERROR(SetFact(rec.facts, *a, json(before.proposed_value), reference_, "value"));
      HQ_RETURN_IF_ERROR(UpsertIn(s, clock_, schema_, ActorOf(actor), rec, {a->key}, "企业更正"));
    }
    HQ_ASSIGN_OR_RETURN(auto after_row, s.QueryOne(kCorrectionById, {id}, "", ""));
    Correction after = CorrectionFrom(after_row);
    HQ_RETURN_IF_ERROR(audit::Record(
        s, clock_, ActorOf(actor), accept ? "enterprise.correction.accept" : "enterprise.correction.reject",
        "enterprise_correction", std::to_string(id), CorrectionJson(before), CorrectionJson(after)));
    return after;
  });
}

// --- JSON -------------------------------------------------------------------------------------

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
    attrs.push_back({{"key", a.key},
                     {"label", a.label},
                     {"type", rules::AttrTypeCode(a.type)},
                     {"unit", a.unit},
                     {"source", a.source},
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
          {"resolution_note", c.resolution_note}};
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
