#include "http/api/guide_files_api.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/api/handlers.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

std::string ReadBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string PercentDecoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Response Download(files::GuideFiles& g, const std::string& path) {
  auto f = g.Find(path);
  if (!f.ok()) return Response::FromError(f.error());
  Response r;
  r.status = 200;
  r.body = ReadBytes(g.store().PathOf(f->file));
  r.SetHeader("Content-Type", f->file.mime);
  // The name is IsGuideFilePath-safe (ASCII letters, digits, '-', '_', '.'): no quoting needed.
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + path.substr(path.rfind('/') + 1) + "\"");
  r.SetHeader("Cache-Control", "public, max-age=300");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void RegisterGuideFilesApi(Router& router, files::GuideFiles& g) {
  for (const char* kind : {"templates", "samples"}) {
    std::string prefix = std::string("/files/") + kind + "/";
    router.Add("GET", prefix + "{name}", Access::Public().On("guide_file"),
               [&g, prefix](Request& req) { return Download(g, prefix + req.path_params["name"]); });
  }
  router.Add("POST", "/api/v1/files/guide",
             Access::DepartmentRoles({auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin}),
             [&g](Request& req) {
               if (req.body_file.empty()) {
                 return Response::FromError(
                     core::InvalidArgument("file", "file_missing", "请选择要上传的文件", "no file"));
               }
               auto f = g.Publish(req.User(), PercentDecoded(req.Query("path")), req.body_file,
                                  PercentDecoded(req.Query("title")));
               req.body_file.clear();  // Publish took it (or removed it)
               if (!f.ok()) return Response::FromError(f.error());
               return Response::Json(201, {{"path", f->path},
                                           {"title", f->title},
                                           {"kind", files::KindCode(f->file.kind)},
                                           {"size", f->file.size},
                                           {"sha256", f->file.sha256}});
             });
}

}  // namespace huiqi::http
