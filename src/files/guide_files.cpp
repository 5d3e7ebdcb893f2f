// Guides' blank forms and filled-in samples, served at the path the guide links to.
#include "files/guide_files.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"

namespace huiqi::files {

namespace {

constexpr store::Statement kUpsert{
    "guide_files.upsert",
    "INSERT INTO guide_files (path, file_id, title, created_by, created_at, department_id) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET file_id = "
    "excluded.file_id, title = excluded.title, created_by = excluded.created_by, "
    "created_at = excluded.created_at, department_id = COALESCE(excluded.department_id, "
    "guide_files.department_id)"};
constexpr store::Statement kByPath{
    "guide_files.by_path",
    "SELECT path, file_id, title, created_at, department_id FROM guide_files WHERE path = ?"};
constexpr store::Statement kPaths{"guide_files.paths", "SELECT path FROM guide_files ORDER BY path"};

bool SafeName(std::string_view name) {
  if (name.empty() || name.size() > 120 || name.front() == '.') return false;
  int dots = 0;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (c == '.') ++dots;
    if (!ok && c != '.') return false;
  }
  return dots == 1 && name.back() != '.';
}

}  // namespace

bool IsGuideFilePath(std::string_view path) {
  for (std::string_view prefix : {"/files/templates/", "/files/samples/"}) {
    if (path.starts_with(prefix)) return SafeName(path.substr(prefix.size()));
  }
  return false;
}

core::Result<GuideFile> GuideFiles::Publish(const auth::Principal& who, const std::string& path,
                                            const std::filesystem::path& temp, const std::string& title) {
  bool may = who.Is(auth::UserKind::kPlatformAdmin) ||
             (who.Is(auth::UserKind::kDepartmentStaff) &&
              (who.HasRole(auth::Role::kPolicyOfficer) || who.HasRole(auth::Role::kDepartmentAdmin)));
  if (!may) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return core::PermissionDenied("只有政策经办人员或管理员可以上传指南模板", "policy officers only");
  }
  if (!IsGuideFilePath(path)) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return core::InvalidArgument("path", "invalid_value",
                                 "路径应为 /files/templates/名称.扩展名 或 /files/samples/名称.扩展名",
                                 "path must be /files/templates/<name> or /files/samples/<name>");
  }
  std::string name = path.substr(path.rfind('/') + 1);
  HQ_ASSIGN_OR_RETURN(StoredFile f, store_.Accept(temp, who, name, "guide_file"));
  std::string now = core::FormatTimestamp(clock_.Now());
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> core::Status {
    // Another department's template is theirs to replace: checked in the writing transaction.
    HQ_ASSIGN_OR_RETURN(auto before, s.Query(kByPath, {path}));
    if (!before.empty() && !who.Is(auth::UserKind::kPlatformAdmin) && !before[0].IsNull("department_id") &&
        before[0].OptInt("department_id") != who.department_id) {
      return core::PermissionDenied("该模板由其他部门发布，只有发布部门可以替换",
                                    "another department's file");
    }
    HQ_RETURN_IF_ERROR(
        s.Exec(kUpsert, {path, f.id, title, who.user_id > 0 ? store::Value(who.user_id) : store::Null(), now,
                         who.department_id ? store::Value(*who.department_id) : store::Null()}));
    audit::Actor actor{who.user_id > 0 ? std::optional<int64_t>(who.user_id) : std::nullopt, who.login};
    return audit::Record(s, clock_, actor, "guide_file.publish", "guide_file", path, nlohmann::json(),
                         {{"path", path}, {"file_id", f.id}, {"sha256", f.sha256}, {"title", title}});
  }));
  return GuideFile{path, title, now, f};
}

core::Result<GuideFile> GuideFiles::Find(const std::string& path) {
  HQ_ASSIGN_OR_RETURN(auto row, db_.ReadValue<store::Row>([&](store::Session& s) -> core::Result<store::Row> {
    return s.QueryOne(kByPath, {path}, "模板或样例文件", "guide file");
  }));
  HQ_ASSIGN_OR_RETURN(StoredFile f, store_.Get(row.Int("file_id")));
  return GuideFile{row.Text("path"), row.Text("title"), row.Text("created_at"), f};
}

core::Result<std::vector<std::string>> GuideFiles::Paths() {
  return db_.ReadValue<std::vector<std::string>>(
      [&](store::Session& s) -> core::Result<std::vector<std::string>> {
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kPaths, {}));
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.Text("path"));
        return out;
      });
}

}  // namespace huiqi::files
