#include "policy/detail/repository.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "policy/detail/machines.h"

namespace huiqi::policy::detail {

using nlohmann::json;
using store::Params;
using store::Row;
using store::Statement;
using store::Value;

namespace {

#define HQ_POLICY_COLS                                                                                       \
  "p.id, p.root_id, p.version, p.source_key, p.title, p.doc_number, p.level, p.region, p.signed_on, "        \
  "p.upstream_released_on, p.valid_from, p.valid_to, p.full_text, p.interpretation_text, "                   \
  "p.interpretation_department_id, p.highlights, p.attachments, p.status, p.submitted_at, p.reject_reason, " \
  "p.publish_basis_on, p.publish_deadline, p.published_on, p.published_late, p.published_days_late, "        \
  "p.approved_at, p.repealed_on, "                                                                           \
  "p.repeal_reason, p.superseded_by, p.created_at, p.updated_at"

// Filters shared by the public list and its count. Each filter is skipped when its first
// parameter is '' (one constant statement instead of SQL assembled from user input).
#define HQ_POLICY_FILTERS                                                                              \
  " WHERE p.status = 'published'"                                                                      \
  " AND (CAST(? AS TEXT) = '' OR p.level = ?)"                                                         \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM policy_type_links t WHERE t.policy_id = p.id"   \
  "      AND t.type_code = ?))"                                                                        \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM policy_departments pd JOIN departments d"       \
  "      ON d.id = pd.department_id WHERE pd.policy_id = p.id AND d.code = ?))"                        \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM policy_tags pt JOIN tags g ON g.id = pt.tag_id" \
  "      WHERE pt.policy_id = p.id AND g.name = ?))"                                                   \
  " AND (CAST(? AS TEXT) = '' OR p.region LIKE ?)"                                                     \
  " AND (CAST(? AS TEXT) = '' OR p.title LIKE ? ESCAPE '!' OR p.doc_number LIKE ? ESCAPE '!')"         \
  " AND (CAST(? AS TEXT) = ''"                                                                         \
  "   OR (CAST(? AS TEXT) = 'open' AND (p.valid_from IS NULL OR p.valid_from <= ?)"                    \
  "       AND (p.valid_to IS NULL OR p.valid_to >= ?))"                                                \
  "   OR (CAST(? AS TEXT) = 'upcoming' AND p.valid_from > ?)"                                          \
  "   OR (CAST(? AS TEXT) = 'closed' AND p.valid_to < ?))"

constexpr Statement kGetPolicy{"policy.get", "SELECT " HQ_POLICY_COLS " FROM policies p WHERE p.id = ?"};
constexpr Statement kPolicyByKey{"policy.by_key", "SELECT id FROM policies WHERE source_key = ?"};
constexpr Statement kAllPolicies{"policy.all", "SELECT " HQ_POLICY_COLS " FROM policies p ORDER BY p.id"};
constexpr Statement kPolicyDepartments{
    "policy.departments",
    "SELECT d.id, d.code, d.name FROM policy_departments pd JOIN departments d ON d.id = pd.department_id "
    "WHERE pd.policy_id = ? ORDER BY pd.position"};
constexpr Statement kPolicyTypes{"policy.types",
                                 "SELECT t.code, t.label FROM policy_type_links l JOIN policy_types t "
                                 "ON t.code = l.type_code WHERE l.policy_id = ? ORDER BY t.position, t.code"};
constexpr Statement kPolicyTags{"policy.tags",
                                "SELECT g.name FROM policy_tags pt JOIN tags g ON g.id = pt.tag_id "
                                "WHERE pt.policy_id = ? ORDER BY g.name"};
constexpr Statement kPolicyLinks{"policy.links",
                                 "SELECT l.kind, l.target_id, p.title FROM policy_links l JOIN policies p "
                                 "ON p.id = l.target_id WHERE l.policy_id = ? ORDER BY l.kind, l.target_id"};
constexpr Statement kVersions{"policy.versions",
                              "SELECT id, version, status, published_on FROM policies WHERE root_id = ? "
                              "ORDER BY version"};
constexpr Statement kCurrentVersion{
    "policy.current_version",
    "SELECT id FROM policies WHERE root_id = ? "
    "ORDER BY CASE WHEN status = 'published' THEN 0 ELSE 1 END, version DESC LIMIT 1"};
constexpr Statement kOpenVersions{"policy.open_versions",
                                  "SELECT COUNT(*) AS n FROM policies WHERE root_id = ? "
                                  "AND status IN ('draft', 'in_review')"};
constexpr Statement kInsertPolicy{
    "policy.insert",
    "INSERT INTO policies (root_id, version, source_key, title, doc_number, level, region, "
    "lead_department_id, "
    "signed_on, upstream_released_on, valid_from, valid_to, full_text, interpretation_text, "
    "interpretation_department_id, highlights, attachments, status, created_by, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id"};
constexpr Statement kSetRoot{"policy.set_root", "UPDATE policies SET root_id = id WHERE id = ?"};
constexpr Statement kUpdatePolicy{
    "policy.update",
    "UPDATE policies SET title = ?, doc_number = ?, level = ?, region = ?, lead_department_id = ?, signed_on "
    "= ?, "
    "upstream_released_on = ?, valid_from = ?, valid_to = ?, full_text = ?, interpretation_text = ?, "
    "interpretation_department_id = ?, highlights = ?, attachments = ?, updated_at = ? WHERE id = ? AND "
    "status = ?"};
constexpr Statement kDeleteDepartments{"policy.delete_departments",
                                       "DELETE FROM policy_departments WHERE policy_id = ?"};
constexpr Statement kInsertDepartment{
    "policy.insert_department",
    "INSERT INTO policy_departments (policy_id, department_id, position) VALUES (?, ?, ?)"};
constexpr Statement kDeleteTypes{"policy.delete_types", "DELETE FROM policy_type_links WHERE policy_id = ?"};
constexpr Statement kInsertType{"policy.insert_type",
                                "INSERT INTO policy_type_links (policy_id, type_code) VALUES (?, ?)"};
constexpr Statement kDeleteTags{"policy.delete_tags", "DELETE FROM policy_tags WHERE policy_id = ?"};
constexpr Statement kInsertTag{"policy.insert_tag",
                               "INSERT INTO policy_tags (policy_id, tag_id) VALUES (?, ?)"};
constexpr Statement kDeleteLinks{"policy.delete_links", "DELETE FROM policy_links WHERE policy_id = ?"};
constexpr Statement kInsertLink{"policy.insert_link",
                                "INSERT INTO policy_links (policy_id, kind, target_id) VALUES (?, ?, ?) "
                                "ON CONFLICT DO NOTHING"};
constexpr Statement kSubmit{
    "policy.submit",
    "UPDATE policies SET status = 'in_review', submitted_at = ?, updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kReject{
    "policy.reject",
    "UPDATE policies SET status = 'draft', reject_reason = ?, updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kPublish{
    "policy.publish",
    "UPDATE policies SET status = 'published', publish_basis_on = ?, publish_deadline = ?, published_on = ?, "
    "published_late = ?, published_days_late = ?, approved_by = ?, approved_at = ?, reject_reason = '', "
    "updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kSupersede{"policy.supersede",
                               "UPDATE policies SET status = 'superseded', superseded_by = ?, updated_at = ? "
                               "WHERE id = ? AND status = ?"};
constexpr Statement kRepeal{"policy.repeal",
                            "UPDATE policies SET status = 'repealed', repealed_on = ?, repeal_reason = ?, "
                            "updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kListPublished{"policy.list_published",
                                   "SELECT " HQ_POLICY_COLS " FROM policies p" HQ_POLICY_FILTERS
                                   " ORDER BY p.published_on DESC, p.id DESC LIMIT ? OFFSET ?"};
constexpr Statement kCountPublished{"policy.count_published",
                                    "SELECT COUNT(*) AS n FROM policies p" HQ_POLICY_FILTERS};
constexpr Statement kListDepartment{
    "policy.list_department",
    "SELECT " HQ_POLICY_COLS
    " FROM policies p WHERE (? = 0 OR p.lead_department_id = ?) "
    "AND (CAST(? AS TEXT) = '' OR p.status = ?) ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?"};
constexpr Statement kCountDepartment{
    "policy.count_department",
    "SELECT COUNT(*) AS n FROM policies p WHERE (? = 0 OR p.lead_department_id = ?) "
    "AND (CAST(? AS TEXT) = '' OR p.status = ?)"};

constexpr Statement kDepartmentById{"policy.department_by_id",
                                    "SELECT id, code, name FROM departments WHERE id = ?"};
constexpr Statement kDepartmentByCode{"policy.department_by_code",
                                      "SELECT id, code, name FROM departments WHERE code = ?"};
constexpr Statement kTagByName{"policy.tag_by_name", "SELECT id FROM tags WHERE name = ?"};
constexpr Statement kTypeByCode{"policy.type_by_code", "SELECT code FROM policy_types WHERE code = ?"};

std::string ListText(const std::vector<std::string>& list) { return json(list).dump(); }

std::string AttachmentsText(const std::vector<Attachment>& list) {
  json out = json::array();
  for (const auto& a : list) {
    out.push_back({{"name", a.name},
                   {"url", a.url},
                   {"sha256", a.sha256},
                   {"size", a.size},
                   {"content_type", a.content_type}});
  }
  return out.dump();
}

std::vector<Attachment> Attachments(const std::string& text) {
  std::vector<Attachment> out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& a : j) {
    out.push_back({a.value("name", ""), a.value("url", ""), a.value("sha256", ""),
                   a.value("size", int64_t{0}), a.value("content_type", "")});
  }
  return out;
}

Result<Policy> PolicyFromRow(Session& s, const Row& r) {
  Policy p;
  p.id = r.Int("id");
  p.root_id = r.IsNull("root_id") ? p.id : r.Int("root_id");
  p.version = static_cast<int>(r.Int("version"));
  p.key = r.Text("source_key");
  p.title = r.Text("title");
  p.doc_number = r.Text("doc_number");
  HQ_ASSIGN_OR_RETURN(p.level, ParseLevel(r.Text("level")));
  p.region = r.Text("region");
  p.signed_on = OptDate(r, "signed_on");
  p.upstream_released_on = OptDate(r, "upstream_released_on");
  p.valid_from = OptDate(r, "valid_from");
  p.valid_to = OptDate(r, "valid_to");
  p.full_text = r.Text("full_text");
  p.interpretation_text = r.Text("interpretation_text");
  if (auto dept = r.OptInt("interpretation_department_id")) {
    HQ_ASSIGN_OR_RETURN(p.interpretation_department, DepartmentById(s, *dept));
  }
  p.highlights = StringList(r.Text("highlights"));
  p.attachments = Attachments(r.Text("attachments"));
  HQ_ASSIGN_OR_RETURN(p.status, ParseStatus(r.Text("status")));
  p.submitted_at = r.Text("submitted_at");
  p.reject_reason = r.Text("reject_reason");
  p.publish.basis_on = OptDate(r, "publish_basis_on");
  p.publish.deadline = OptDate(r, "publish_deadline");
  p.publish.published_on = OptDate(r, "published_on");
  p.publish.late = r.Bool("published_late");
  p.publish.working_days_late = static_cast<int>(r.Int("published_days_late"));
  p.approved_at = r.Text("approved_at");
  p.repealed_on = OptDate(r, "repealed_on");
  p.repeal_reason = r.Text("repeal_reason");
  p.superseded_by = r.OptInt("superseded_by");
  p.created_at = r.Text("created_at");
  p.updated_at = r.Text("updated_at");

  HQ_ASSIGN_OR_RETURN(auto depts, s.Query(kPolicyDepartments, {p.id}));
  for (const auto& d : depts) p.departments.push_back({d.Int("id"), d.Text("code"), d.Text("name")});
  if (p.departments.empty()) return core::Internal("policy without departments: " + std::to_string(p.id));
  HQ_ASSIGN_OR_RETURN(auto types, s.Query(kPolicyTypes, {p.id}));
  for (const auto& t : types) p.types.push_back({t.Text("code"), t.Text("label")});
  HQ_ASSIGN_OR_RETURN(auto tags, s.Query(kPolicyTags, {p.id}));
  for (const auto& t : tags) p.tags.push_back(t.Text("name"));
  HQ_ASSIGN_OR_RETURN(auto links, s.Query(kPolicyLinks, {p.id}));
  for (const auto& l : links) {
    HQ_ASSIGN_OR_RETURN(LinkKind kind, ParseLinkKind(l.Text("kind")));
    p.links.push_back({kind, l.Int("target_id"), l.Text("title")});
  }
  return p;
}

Result<std::vector<Policy>> PoliciesFromRows(Session& s, const store::Rows& rows) {
  std::vector<Policy> out;
  for (const auto& r : rows) {
    HQ_ASSIGN_OR_RETURN(auto p, PolicyFromRow(s, r));
    out.push_back(std::move(p));
  }
  return out;
}

Status WritePolicyChildren(Session& s, int64_t id, const PolicyRow& row) {
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteDepartments, {id}));
  for (size_t i = 0; i < row.department_ids.size(); ++i) {
    HQ_RETURN_IF_ERROR(s.Exec(kInsertDepartment, {id, row.department_ids[i], static_cast<int64_t>(i)}));
  }
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteTypes, {id}));
  for (const auto& t : row.in.types) HQ_RETURN_IF_ERROR(s.Exec(kInsertType, {id, t}));
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteTags, {id}));
  for (int64_t t : row.tag_ids) HQ_RETURN_IF_ERROR(s.Exec(kInsertTag, {id, t}));
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteLinks, {id}));
  for (const auto& l : row.in.links) HQ_RETURN_IF_ERROR(AddPolicyLink(s, id, l.kind, l.target_id));
  return core::Ok();
}

// LIKE pattern for a substring, '!' as the escape character.
std::string ContainsPattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  return out + "%";
}

Params FilterParams(const ListFilter& f, core::Date today, const std::string& level,
                    const std::string& q_pattern, bool two_q) {
  std::string region = f.region.empty() ? "" : RegionPrefixPattern(f.region);
  std::string period(PeriodCode(f.period));
  std::string t = today.ToString();
  Params p{level, level, f.type, f.type, f.department, f.department,
           f.tag, f.tag, region, region, f.q,          q_pattern};
  if (two_q) p.push_back(q_pattern);
  for (const Value& v :
       {Value(period), Value(period), Value(t), Value(t), Value(period), Value(t), Value(period), Value(t)}) {
    p.push_back(v);
  }
  return p;
}

}  // namespace

Status Run(Session& s, const Statement& st, const Params& params) {
  HQ_RETURN_IF_ERROR(s.Exec(st, params));
  return core::Ok();
}

Value DateValue(const std::optional<core::Date>& d) { return d ? Value(d->ToString()) : store::Null(); }
Value IdValue(std::optional<int64_t> id) { return id ? Value(*id) : store::Null(); }

std::optional<core::Date> OptDate(const Row& r, std::string_view col) {
  auto text = r.OptText(col);
  if (!text || text->empty()) return std::nullopt;
  auto d = core::Date::Parse(*text);
  return d.ok() ? std::optional<core::Date>(*d) : std::nullopt;
}

std::vector<std::string> StringList(const std::string& text) {
  std::vector<std::string> out;
  json j = json::parse(text, nullptr, false);
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string RegionPrefixPattern(const std::string& code) {
  std::string prefix = code;
  while (prefix.size() > 2 && prefix.size() % 2 == 0 && prefix.compare(prefix.size() - 2, 2, "00") == 0) {
    prefix.resize(prefix.size() - 2);
  }
  return prefix + "%";
}

Result<DepartmentRef> DepartmentById(Session& s, int64_t id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kDepartmentById, {id}, "部门", "department"));
  return DepartmentRef{r.Int("id"), r.Text("code"), r.Text("name")};
}

Result<DepartmentRef> DepartmentByCode(Session& s, const std::string& code, const std::string& field) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kDepartmentByCode, {code}));
  if (!r) {
    return core::InvalidArgument(field, "unknown_department", "部门代码“" + code + "”不存在",
                                 "unknown department code " + code);
  }
  return DepartmentRef{r->Int("id"), r->Text("code"), r->Text("name")};
}

Result<std::vector<int64_t>> TagIds(Session& s, const std::vector<std::string>& names,
                                    const std::string& field) {
  std::vector<int64_t> ids;
  for (const auto& name : names) {
    HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kTagByName, {name}));
    if (!r) {
      return core::InvalidArgument(field, "unknown_tag",
                                   "标签“" + name + "”不在标签库中，请联系平台管理员添加",
                                   "unknown tag " + name);
    }
    if (std::find(ids.begin(), ids.end(), r->Int("id")) == ids.end()) ids.push_back(r->Int("id"));
  }
  return ids;
}

Status RequirePolicyTypes(Session& s, const std::vector<std::string>& codes) {
  for (const auto& code : codes) {
    HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kTypeByCode, {code}));
    if (!r) {
      return core::InvalidArgument("types", "unknown_policy_type", "政策类型“" + code + "”不存在",
                                   "unknown policy type " + code);
    }
  }
  return core::Ok();
}

Result<Policy> LoadPolicy(Session& s, int64_t id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kGetPolicy, {id}, "政策", "policy"));
  return PolicyFromRow(s, r);
}

Result<std::optional<int64_t>> PolicyIdByKey(Session& s, const std::string& key) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kPolicyByKey, {key}));
  if (!r) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int("id"));
}

Result<std::vector<PolicyVersion>> LoadVersions(Session& s, int64_t root_id) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kVersions, {root_id}));
  std::vector<PolicyVersion> out;
  for (const auto& r : rows) {
    HQ_ASSIGN_OR_RETURN(PolicyStatus st, ParseStatus(r.Text("status")));
    out.push_back({r.Int("id"), static_cast<int>(r.Int("version")), st, OptDate(r, "published_on")});
  }
  return out;
}

Result<int64_t> CurrentVersionId(Session& s, int64_t root_id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCurrentVersion, {root_id}, "政策", "policy"));
  return r.Int("id");
}

Result<bool> HasOpenVersion(Session& s, int64_t root_id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kOpenVersions, {root_id}, "", ""));
  return r.Int("n") > 0;
}

Result<int64_t> InsertPolicy(Session& s, const PolicyRow& row, const NewPolicyMeta& meta) {
  const PolicyInput& in = row.in;
  Value key = meta.key.empty() ? store::Null() : Value(meta.key);
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertPolicy,
                                         {IdValue(meta.root_id),
                                          int64_t{meta.version},
                                          key,
                                          in.title,
                                          in.doc_number,
                                          std::string(LevelCode(in.level)),
                                          in.region,
                                          row.department_ids.front(),
                                          DateValue(in.signed_on),
                                          DateValue(in.upstream_released_on),
                                          DateValue(in.valid_from),
                                          DateValue(in.valid_to),
                                          in.full_text,
                                          in.interpretation_text,
                                          row.interpretation_department_id,
                                          ListText(in.highlights),
                                          AttachmentsText(in.attachments),
                                          IdValue(meta.created_by),
                                          meta.now,
                                          meta.now},
                                         "政策", "policy"));
  int64_t id = r.Int("id");
  if (!meta.root_id) HQ_RETURN_IF_ERROR(s.Exec(kSetRoot, {id}));
  HQ_RETURN_IF_ERROR(WritePolicyChildren(s, id, row));
  return id;
}

Status UpdatePolicyContent(Session& s, int64_t id, PolicyStatus from, const PolicyRow& row,
                           const std::string& now) {
  const PolicyInput& in = row.in;
  HQ_RETURN_IF_ERROR(PolicyMachine().Apply(
      s, "edit", id, StatusCode(from), kUpdatePolicy,
      {in.title, in.doc_number, std::string(LevelCode(in.level)), in.region, row.department_ids.front(),
       DateValue(in.signed_on), DateValue(in.upstream_released_on), DateValue(in.valid_from),
       DateValue(in.valid_to), in.full_text, in.interpretation_text, row.interpretation_department_id,
       ListText(in.highlights), AttachmentsText(in.attachments), now}));
  return WritePolicyChildren(s, id, row);
}

Status SetPolicySubmitted(Session& s, int64_t id, const std::string& now) {
  return PolicyMachine().Apply(s, "submit", id, "draft", kSubmit, {now, now});
}

Status SetPolicyRejected(Session& s, int64_t id, const std::string& reason, const std::string& now) {
  return PolicyMachine().Apply(s, "reject", id, "in_review", kReject, {reason, now});
}

Status SetPolicyPublished(Session& s, int64_t id, const PublishRecord& rec,
                          std::optional<int64_t> approved_by, const std::string& now) {
  return PolicyMachine().Apply(
      s, "publish", id, "in_review", kPublish,
      {DateValue(rec.basis_on), DateValue(rec.deadline), DateValue(rec.published_on),
       int64_t{rec.late ? 1 : 0}, int64_t{rec.working_days_late}, IdValue(approved_by), now, now});
}

Status SetPolicySuperseded(Session& s, int64_t id, int64_t successor, const std::string& now) {
  return PolicyMachine().Apply(s, "supersede", id, "published", kSupersede, {successor, now});
}

Status SetPolicyRepealed(Session& s, int64_t id, core::Date on, const std::string& reason,
                         const std::string& now) {
  return PolicyMachine().Apply(s, "repeal", id, "published", kRepeal, {on.ToString(), reason, now});
}

Status AddPolicyLink(Session& s, int64_t id, LinkKind kind, int64_t target) {
  return Run(s, kInsertLink, {id, std::string(LinkKindCode(kind)), target});
}

Result<Page<Policy>> QueryPublishedPolicies(Session& s, const ListFilter& f, core::Date today) {
  Params params = FilterParams(f, today, f.level, f.q.empty() ? "" : ContainsPattern(f.q), true);
  HQ_ASSIGN_OR_RETURN(auto count, s.QueryOne(kCountPublished, params, "", ""));
  params.push_back(int64_t{f.page_size});
  params.push_back(int64_t{(f.page - 1) * f.page_size});
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kListPublished, params));
  HQ_ASSIGN_OR_RETURN(auto items, PoliciesFromRows(s, rows));
  return Page<Policy>{std::move(items), count.Int("n")};
}

Result<Page<Policy>> QueryDepartmentPolicies(Session& s, std::optional<int64_t> department_id,
                                             const std::string& status, int page, int page_size) {
  int64_t dept = department_id.value_or(0);
  Params params{dept, dept, status, status};
  HQ_ASSIGN_OR_RETURN(auto count, s.QueryOne(kCountDepartment, params, "", ""));
  params.push_back(int64_t{page_size});
  params.push_back(int64_t{(page - 1) * page_size});
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kListDepartment, params));
  HQ_ASSIGN_OR_RETURN(auto items, PoliciesFromRows(s, rows));
  return Page<Policy>{std::move(items), count.Int("n")};
}

Result<std::vector<Policy>> LoadAllPolicies(Session& s) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kAllPolicies));
  return PoliciesFromRows(s, rows);
}

}  // namespace huiqi::policy::detail
