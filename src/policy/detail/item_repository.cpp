// Items, their materials, process steps and tags, and the item-name catalogue.
#include <nlohmann/json.hpp>

#include "policy/detail/machines.h"
#include "policy/detail/repository.h"

namespace huiqi::policy::detail {

using nlohmann::json;
using store::Params;
using store::Row;
using store::Statement;
using store::Value;

namespace {

#define HQ_ITEM_COLS                                                                                         \
  "i.id, i.policy_root_id, i.catalogue_id, c.name, i.source_key, i.department_id, i.service_mode, "          \
  "i.region, "                                                                                               \
  "i.implementing_body, i.scope, i.target, i.period_type, i.window_start, i.window_end, i.window_set_on, "   \
  "i.subsidy_standard, i.conditions, i.rule_text, i.amount_json, i.exclusive_group, i.channels, "            \
  "i.consult_phone, i.supervise_phone, i.no_application, i.status, i.guide_deadline, i.guide_published_on, " \
  "i.guide_late, i.golive_deadline, i.golive_late, i.created_at, i.updated_at"
#define HQ_ITEM_FROM " FROM items i JOIN item_catalogue c ON c.id = i.catalogue_id"

// The public list: published items whose policy lineage has a published version.
#define HQ_ITEM_FILTERS                                                                                 \
  " JOIN policies p ON p.root_id = i.policy_root_id AND p.status = 'published'"                         \
  " WHERE i.status = 'published'"                                                                       \
  " AND (CAST(? AS TEXT) = '' OR p.level = ?)"                                                          \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM policy_type_links t WHERE t.policy_id = p.id"    \
  "      AND t.type_code = ?))"                                                                         \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM departments d WHERE d.id = i.department_id"      \
  "      AND d.code = ?))"                                                                              \
  " AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM item_tags it JOIN tags g ON g.id = it.tag_id"    \
  "      WHERE it.item_id = i.id AND g.name = ?))"                                                      \
  " AND (CAST(? AS TEXT) = '' OR i.region LIKE ?)"                                                      \
  " AND (CAST(? AS TEXT) = '' OR c.name LIKE ? ESCAPE '!')"                                             \
  " AND (CAST(? AS TEXT) = ''"                                                                          \
  "   OR (CAST(? AS TEXT) = 'open' AND (i.period_type = 'year_round' OR (i.window_start <= ?"           \
  "       AND (i.window_end IS NULL OR i.window_end >= ?))))"                                           \
  "   OR (CAST(? AS TEXT) = 'upcoming' AND ((i.period_type <> 'year_round' AND i.window_start IS NULL)" \
  "       OR i.window_start > ?))"                                                                      \
  "   OR (CAST(? AS TEXT) = 'closed' AND i.period_type <> 'year_round' AND i.window_end < ?))"

constexpr Statement kGetItem{"item.get", "SELECT " HQ_ITEM_COLS HQ_ITEM_FROM " WHERE i.id = ?"};
constexpr Statement kItemByKey{"item.by_key", "SELECT id FROM items WHERE source_key = ?"};
constexpr Statement kAllItems{"item.all", "SELECT " HQ_ITEM_COLS HQ_ITEM_FROM " ORDER BY i.id"};
constexpr Statement kLineageItems{
    "item.of_lineage", "SELECT " HQ_ITEM_COLS HQ_ITEM_FROM " WHERE i.policy_root_id = ? ORDER BY i.id"};
constexpr Statement kListPublished{"item.list_published", "SELECT " HQ_ITEM_COLS HQ_ITEM_FROM HQ_ITEM_FILTERS
                                                          " ORDER BY i.id DESC LIMIT ? OFFSET ?"};
constexpr Statement kCountPublished{"item.count_published",
                                    "SELECT COUNT(*) AS n" HQ_ITEM_FROM HQ_ITEM_FILTERS};
constexpr Statement kListDepartment{"item.list_department",
                                    "SELECT " HQ_ITEM_COLS HQ_ITEM_FROM
                                    " WHERE (? = 0 OR i.department_id = ?) "
                                    "ORDER BY i.updated_at DESC, i.id DESC LIMIT ? OFFSET ?"};
constexpr Statement kCountDepartment{
    "item.count_department", "SELECT COUNT(*) AS n FROM items i WHERE (? = 0 OR i.department_id = ?)"};
constexpr Statement kItemPolicy{
    "item.policy",
    "SELECT id, title FROM policies WHERE root_id = ? "
    "ORDER BY CASE WHEN status = 'published' THEN 0 ELSE 1 END, version DESC LIMIT 1"};
constexpr Statement kMaterials{"item.materials",
                               "SELECT name, form, required, type, source, exempt, template, sample "
                               "FROM item_materials WHERE item_id = ? ORDER BY position"};
constexpr Statement kSteps{
    "item.steps", "SELECT stage, department, days FROM item_steps WHERE item_id = ? ORDER BY position"};
constexpr Statement kItemTags{"item.tags",
                              "SELECT g.name FROM item_tags it JOIN tags g ON g.id = it.tag_id "
                              "WHERE it.item_id = ? ORDER BY g.name"};
constexpr Statement kInsertItem{
    "item.insert",
    "INSERT INTO items (policy_root_id, catalogue_id, source_key, department_id, service_mode, region, "
    "implementing_body, scope, target, period_type, window_start, window_end, window_set_on, "
    "subsidy_standard, "
    "conditions, rule_text, amount_json, exclusive_group, channels, consult_phone, supervise_phone, "
    "no_application, "
    "status, guide_deadline, golive_deadline, created_by, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?) "
    "RETURNING id"};
constexpr Statement kUpdateItem{
    "item.update",
    "UPDATE items SET department_id = ?, service_mode = ?, region = ?, implementing_body = ?, scope = ?, "
    "target = ?, period_type = ?, window_start = ?, window_end = ?, window_set_on = ?, subsidy_standard = ?, "
    "conditions = ?, rule_text = ?, amount_json = ?, exclusive_group = ?, channels = ?, consult_phone = ?, "
    "supervise_phone = ?, no_application = ?, guide_deadline = ?, golive_deadline = ?, golive_late = ?, "
    "updated_at = ? WHERE id = ? AND status = ?"};
constexpr Statement kSetStatus{
    "item.set_status",
    "UPDATE items SET status = ?, guide_published_on = ?, guide_late = ?, golive_late = ?, updated_at = ? "
    "WHERE id = ? AND status = ?"};
constexpr Statement kDeleteMaterials{"item.delete_materials", "DELETE FROM item_materials WHERE item_id = ?"};
constexpr Statement kInsertMaterial{"item.insert_material",
                                    "INSERT INTO item_materials (item_id, position, name, form, required, "
                                    "type, source, exempt, template, sample) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
constexpr Statement kDeleteSteps{"item.delete_steps", "DELETE FROM item_steps WHERE item_id = ?"};
constexpr Statement kInsertStep{"item.insert_step",
                                "INSERT INTO item_steps (item_id, position, stage, department, days) "
                                "VALUES (?, ?, ?, ?, ?)"};
constexpr Statement kDeleteTags{"item.delete_tags", "DELETE FROM item_tags WHERE item_id = ?"};
constexpr Statement kInsertTag{"item.insert_tag", "INSERT INTO item_tags (item_id, tag_id) VALUES (?, ?)"};

constexpr Statement kCatalogue{
    "catalogue.all",
    "SELECT c.id, c.name, d.id AS department_id, d.code, d.name AS department_name "
    "FROM item_catalogue c JOIN departments d ON d.id = c.department_id ORDER BY c.id"};
constexpr Statement kCatalogueById{
    "catalogue.get",
    "SELECT c.id, c.name, d.id AS department_id, d.code, d.name AS department_name "
    "FROM item_catalogue c JOIN departments d ON d.id = c.department_id "
    "WHERE c.id = ?"};
constexpr Statement kInsertCatalogue{
    "catalogue.insert",
    "INSERT INTO item_catalogue (name, normalized, department_id, created_at) "
    "VALUES (?, ?, ?, ?) RETURNING id"};

constexpr Statement kPolicyTypes{"taxonomy.policy_types",
                                 "SELECT code, label FROM policy_types ORDER BY position, code"};
constexpr Statement kInsertPolicyType{"taxonomy.insert_policy_type",
                                      "INSERT INTO policy_types (code, label, position, created_at) "
                                      "VALUES (?, ?, 100, ?)"};
constexpr Statement kTagGroups{"taxonomy.tag_groups", "SELECT code, label FROM tag_groups ORDER BY position"};
constexpr Statement kTags{"taxonomy.tags",
                          "SELECT t.id, t.group_code, g.label, t.name FROM tags t JOIN tag_groups g "
                          "ON g.code = t.group_code WHERE (CAST(? AS TEXT) = '' OR t.group_code = ?) "
                          "ORDER BY g.position, t.name"};
constexpr Statement kInsertTagRow{
    "taxonomy.insert_tag",
    "INSERT INTO tags (group_code, name, created_by, created_at) VALUES (?, ?, ?, ?) "
    "RETURNING id"};
constexpr Statement kTagGroup{"taxonomy.tag_group", "SELECT code, label FROM tag_groups WHERE code = ?"};

Status ReadGuide(const Row& r, Item& it) {
  HQ_ASSIGN_OR_RETURN(it.service_mode, ParseServiceMode(r.Text("service_mode")));
  it.region = r.Text("region");
  it.implementing_body = r.Text("implementing_body");
  it.scope = r.Text("scope");
  HQ_ASSIGN_OR_RETURN(it.target, ParseTarget(r.Text("target")));
  HQ_ASSIGN_OR_RETURN(it.period_type, ParsePeriodType(r.Text("period_type")));
  it.window_start = OptDate(r, "window_start");
  it.window_end = OptDate(r, "window_end");
  it.subsidy_standard = r.Text("subsidy_standard");
  it.conditions = StringList(r.Text("conditions"));
  it.rule_text = r.Text("rule_text");
  it.amount_json = r.Text("amount_json");
  it.exclusive_group = r.Text("exclusive_group");
  it.channels = r.Text("channels");
  it.consult_phone = r.Text("consult_phone");
  it.supervise_phone = r.Text("supervise_phone");
  it.no_application = r.Bool("no_application");
  return core::Ok();
}

Result<Item> ItemFromRow(Session& s, const Row& r) {
  Item it;
  it.id = r.Int("id");
  it.catalogue_id = r.Int("catalogue_id");
  it.name = r.Text("name");
  it.key = r.Text("source_key");
  HQ_ASSIGN_OR_RETURN(it.department, DepartmentById(s, r.Int("department_id")));
  HQ_RETURN_IF_ERROR(ReadGuide(r, it));
  HQ_ASSIGN_OR_RETURN(it.status, ParseItemStatus(r.Text("status")));
  it.timing.latest_publication = OptDate(r, "guide_deadline");
  it.timing.published_on = OptDate(r, "guide_published_on");
  it.timing.late = r.Bool("guide_late");
  it.timing.window_set_on = OptDate(r, "window_set_on");
  it.timing.golive_deadline = OptDate(r, "golive_deadline");
  it.timing.golive_late = r.Bool("golive_late");
  it.created_at = r.Text("created_at");
  it.updated_at = r.Text("updated_at");

  HQ_ASSIGN_OR_RETURN(auto pol, s.QueryOne(kItemPolicy, {r.Int("policy_root_id")}, "政策", "policy"));
  it.policy_id = pol.Int("id");
  it.policy_title = pol.Text("title");
  HQ_ASSIGN_OR_RETURN(auto materials, s.Query(kMaterials, {it.id}));
  for (const auto& m : materials) {
    it.materials.push_back({m.Text("name"), m.Text("form"), m.Bool("required"), m.Text("type"),
                            m.Text("source"), m.Bool("exempt"), m.Text("template"), m.Text("sample")});
  }
  HQ_ASSIGN_OR_RETURN(auto steps, s.Query(kSteps, {it.id}));
  for (const auto& st : steps) {
    it.process.push_back({st.Text("stage"), st.Text("department"), static_cast<int>(st.Int("days"))});
  }
  HQ_ASSIGN_OR_RETURN(auto tags, s.Query(kItemTags, {it.id}));
  for (const auto& t : tags) it.tags.push_back(t.Text("name"));
  return it;
}

Result<std::vector<Item>> ItemsFromRows(Session& s, const store::Rows& rows) {
  std::vector<Item> out;
  for (const auto& r : rows) {
    HQ_ASSIGN_OR_RETURN(auto it, ItemFromRow(s, r));
    out.push_back(std::move(it));
  }
  return out;
}

Status WriteItemChildren(Session& s, int64_t id, const ItemRow& row) {
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteMaterials, {id}));
  int64_t pos = 0;
  for (const auto& m : row.in.materials) {
    HQ_RETURN_IF_ERROR(s.Exec(kInsertMaterial, {id, pos++, m.name, m.form, int64_t{m.required}, m.type,
                                                m.source, int64_t{m.exempt}, m.template_url, m.sample_url}));
  }
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteSteps, {id}));
  pos = 0;
  for (const auto& st : row.in.process) {
    HQ_RETURN_IF_ERROR(s.Exec(kInsertStep, {id, pos++, st.stage, st.department, int64_t{st.days}}));
  }
  HQ_RETURN_IF_ERROR(s.Exec(kDeleteTags, {id}));
  for (int64_t t : row.tag_ids) HQ_RETURN_IF_ERROR(s.Exec(kInsertTag, {id, t}));
  return core::Ok();
}

CatalogueEntry CatalogueFromRow(const Row& r) {
  return {
      r.Int("id"), r.Text("name"), {r.Int("department_id"), r.Text("code"), r.Text("department_name")}, 0};
}

}  // namespace

Result<Item> LoadItem(Session& s, int64_t id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kGetItem, {id}, "事项", "item"));
  return ItemFromRow(s, r);
}

Result<std::optional<int64_t>> ItemIdByKey(Session& s, const std::string& key) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kItemByKey, {key}));
  if (!r) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int("id"));
}

Result<std::vector<CatalogueEntry>> LoadCatalogue(Session& s) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kCatalogue));
  std::vector<CatalogueEntry> out;
  for (const auto& r : rows) out.push_back(CatalogueFromRow(r));
  return out;
}

Result<CatalogueEntry> CatalogueById(Session& s, int64_t id) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(kCatalogueById, {id}));
  if (!r) {
    return core::InvalidArgument("catalogue_id", "unknown_catalogue_entry",
                                 "事项目录中没有编号为 " + std::to_string(id) + " 的事项名称",
                                 "unknown catalogue entry");
  }
  return CatalogueFromRow(*r);
}

Result<int64_t> InsertCatalogueName(Session& s, const std::string& name, const std::string& normalized,
                                    int64_t department_id, const std::string& now) {
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertCatalogue, {name, normalized, department_id, now}, "", ""));
  return r.Int("id");
}

Result<int64_t> InsertItem(Session& s, const ItemRow& row, const NewItemMeta& meta) {
  const ItemInput& in = row.in;
  Value key = meta.key.empty() ? store::Null() : Value(meta.key);
  Value by = meta.created_by ? Value(*meta.created_by) : store::Null();
  HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertItem,
                                         {meta.policy_root_id,
                                          meta.catalogue_id,
                                          key,
                                          row.department_id,
                                          std::string(ServiceModeCode(in.service_mode)),
                                          in.region,
                                          in.implementing_body,
                                          in.scope,
                                          std::string(TargetCode(in.target)),
                                          std::string(PeriodTypeCode(in.period_type)),
                                          DateValue(in.window_start),
                                          DateValue(in.window_end),
                                          DateValue(meta.timing.window_set_on),
                                          in.subsidy_standard,
                                          json(in.conditions).dump(),
                                          in.rule_text,
                                          in.amount_json,
                                          in.exclusive_group,
                                          in.channels,
                                          in.consult_phone,
                                          in.supervise_phone,
                                          int64_t{in.no_application},
                                          DateValue(meta.timing.latest_publication),
                                          DateValue(meta.timing.golive_deadline),
                                          by,
                                          meta.now,
                                          meta.now},
                                         "事项", "item"));
  int64_t id = r.Int("id");
  HQ_RETURN_IF_ERROR(WriteItemChildren(s, id, row));
  return id;
}

Status UpdateItemContent(Session& s, int64_t id, ItemStatus from, const ItemRow& row,
                         const GuideTiming& timing, const std::string& now) {
  const ItemInput& in = row.in;
  std::string_view action = from == ItemStatus::kPublished ? "edit_published" : "edit";
  HQ_RETURN_IF_ERROR(ItemMachine().Apply(s, action, id, ItemStatusCode(from), kUpdateItem,
                                         {row.department_id,
                                          std::string(ServiceModeCode(in.service_mode)),
                                          in.region,
                                          in.implementing_body,
                                          in.scope,
                                          std::string(TargetCode(in.target)),
                                          std::string(PeriodTypeCode(in.period_type)),
                                          DateValue(in.window_start),
                                          DateValue(in.window_end),
                                          DateValue(timing.window_set_on),
                                          in.subsidy_standard,
                                          json(in.conditions).dump(),
                                          in.rule_text,
                                          in.amount_json,
                                          in.exclusive_group,
                                          in.channels,
                                          in.consult_phone,
                                          in.supervise_phone,
                                          int64_t{in.no_application},
                                          DateValue(timing.latest_publication),
                                          DateValue(timing.golive_deadline),
                                          int64_t{timing.golive_late},
                                          now}));
  return WriteItemChildren(s, id, row);
}

Status SetItemStatus(Session& s, int64_t id, std::string_view action, ItemStatus from,
                     const GuideTiming& timing, const std::string& now) {
  HQ_ASSIGN_OR_RETURN(const state::Edge* edge, ItemMachine().Check(action, ItemStatusCode(from)));
  return ItemMachine().Apply(s, action, id, ItemStatusCode(from), kSetStatus,
                             {std::string(edge->to), DateValue(timing.published_on), int64_t{timing.late},
                              int64_t{timing.golive_late}, now});
}

Result<std::vector<Item>> LoadItemsOfLineage(Session& s, int64_t root_id) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kLineageItems, {root_id}));
  return ItemsFromRows(s, rows);
}

Result<Page<Item>> QueryPublishedItems(Session& s, const ListFilter& f, core::Date today) {
  std::string region = f.region.empty() ? "" : RegionPrefixPattern(f.region);
  std::string q;
  if (!f.q.empty()) {
    q = "%";
    for (char c : f.q) {
      if (c == '%' || c == '_' || c == '!') q.push_back('!');
      q.push_back(c);
    }
    q += "%";
  }
  std::string period(PeriodCode(f.period));
  std::string t = today.ToString();
  Params params{f.level, f.level, f.type, f.type, f.department, f.department, f.tag, f.tag,
                region,  region,  f.q,    q,      period,       period,       t,     t,
                period,  t,       period, t};
  HQ_ASSIGN_OR_RETURN(auto count, s.QueryOne(kCountPublished, params, "", ""));
  params.push_back(int64_t{f.page_size});
  params.push_back(int64_t{(f.page - 1) * f.page_size});
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kListPublished, params));
  HQ_ASSIGN_OR_RETURN(auto items, ItemsFromRows(s, rows));
  return Page<Item>{std::move(items), count.Int("n")};
}

Result<Page<Item>> QueryDepartmentItems(Session& s, std::optional<int64_t> department_id, int page,
                                        int page_size) {
  int64_t dept = department_id.value_or(0);
  HQ_ASSIGN_OR_RETURN(auto count, s.QueryOne(kCountDepartment, {dept, dept}, "", ""));
  HQ_ASSIGN_OR_RETURN(
      auto rows, s.Query(kListDepartment, {dept, dept, int64_t{page_size}, int64_t{(page - 1) * page_size}}));
  HQ_ASSIGN_OR_RETURN(auto items, ItemsFromRows(s, rows));
  return Page<Item>{std::move(items), count.Int("n")};
}

Result<std::vector<Item>> LoadAllItems(Session& s) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kAllItems));
  return ItemsFromRows(s, rows);
}

Result<std::vector<CodeLabel>> LoadPolicyTypes(Session& s) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kPolicyTypes));
  std::vector<CodeLabel> out;
  for (const auto& r : rows) out.push_back({r.Text("code"), r.Text("label")});
  return out;
}

Result<std::vector<CodeLabel>> LoadTagGroups(Session& s) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kTagGroups));
  std::vector<CodeLabel> out;
  for (const auto& r : rows) out.push_back({r.Text("code"), r.Text("label")});
  return out;
}

Result<std::vector<Tag>> LoadTags(Session& s, const std::string& group) {
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kTags, {group, group}));
  std::vector<Tag> out;
  for (const auto& r : rows)
    out.push_back({r.Int("id"), r.Text("group_code"), r.Text("label"), r.Text("name")});
  return out;
}

Status InsertPolicyType(Session& s, const CodeLabel& t, const std::string& now) {
  return Run(s, kInsertPolicyType, {t.code, t.label, now});
}

Result<Tag> InsertTag(Session& s, const std::string& group, const std::string& name,
                      std::optional<int64_t> by, const std::string& now) {
  HQ_ASSIGN_OR_RETURN(auto g, s.QueryOptional(kTagGroup, {group}));
  if (!g) {
    return core::InvalidArgument("group", "unknown_tag_group", "标签分组“" + group + "”不存在",
                                 "unknown tag group " + group);
  }
  HQ_ASSIGN_OR_RETURN(auto r,
                      s.QueryOne(kInsertTagRow, {group, name, by ? Value(*by) : store::Null(), now}, "", ""));
  return Tag{r.Int("id"), group, g->Text("label"), name};
}

}  // namespace huiqi::policy::detail
