#include "enterprise/data_sources.h"

#include <map>
#include <nlohmann/json.hpp>

namespace huiqi::enterprise {

namespace {

constexpr store::Statement kOwners{
    "data_sources.owners",
    "SELECT o.source, o.department_id, o.updated_at, d.code, d.name FROM data_source_owners o "
    "JOIN departments d ON d.id = o.department_id ORDER BY o.source"};
constexpr store::Statement kOwnerOf{"data_sources.owner_of",
                                    "SELECT department_id FROM data_source_owners WHERE source = ?"};
constexpr store::Statement kDepartmentByCode{"data_sources.department_by_code",
                                             "SELECT id FROM departments WHERE code = ?"};
constexpr store::Statement kUpsert{
    "data_sources.upsert",
    "INSERT INTO data_source_owners (source, department_id, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (source) DO UPDATE SET department_id = excluded.department_id, updated_at = "
    "excluded.updated_at"};

}  // namespace

core::Result<std::vector<DataSourceOwner>> ListDataSourceOwners(store::Database& db,
                                                                const rules::Schema& schema) {
  std::map<std::string, DataSourceOwner> by_source;
  for (const auto& a : schema.attributes()) {
    if (a.derived || a.source.empty()) continue;
    auto& o = by_source[a.source];
    o.source = a.source;
    ++o.attributes;
  }
  HQ_ASSIGN_OR_RETURN(auto rows,
                      db.ReadValue<store::Rows>([](store::Session& s) { return s.Query(kOwners); }));
  for (const auto& r : rows) {
    auto& o = by_source[r.Text("source")];
    o.source = r.Text("source");
    o.department_id = r.Int("department_id");
    o.department_code = r.Text("code");
    o.department_name = r.Text("name");
    o.updated_at = r.Text("updated_at");
  }
  std::vector<DataSourceOwner> out;
  for (auto& [_, o] : by_source) out.push_back(std::move(o));
  return out;
}

core::Status SetDataSourceOwner(store::Database& db, const core::Clock& clock, const audit::Actor& actor,
                                const std::string& source, const std::string& department_code) {
  if (source.empty() || source.size() > 100) {
    return core::InvalidArgument("source", "required", "请填写数据来源（不超过 100 字节）",
                                 "source is required");
  }
  return db.Write([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto dept, s.QueryOptional(kDepartmentByCode, {department_code}));
    if (!dept) {
      return core::InvalidArgument("department", "not_found", "部门“" + department_code + "”不存在",
                                   "department not found");
    }
    HQ_ASSIGN_OR_RETURN(auto before, s.QueryOptional(kOwnerOf, {source}));
    int64_t id = dept->Int("id");
    if (before && before->Int("department_id") == id) return core::Ok();
    HQ_RETURN_IF_ERROR(s.Exec(kUpsert, {source, id, core::FormatTimestamp(clock.Now())}));
    return audit::Record(
        s, clock, actor, "data_source.owner", "data_source", source,
        before ? nlohmann::json{{"department_id", before->Int("department_id")}} : nlohmann::json(),
        {{"department_id", id}, {"department_code", department_code}});
  });
}

}  // namespace huiqi::enterprise
