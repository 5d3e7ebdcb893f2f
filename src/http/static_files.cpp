#include "http/static_files.h"

#include <fstream>
#include <map>
#include <sstream>

namespace huiqi::http {

namespace fs = std::filesystem;

namespace {

std::string_view ContentType(const fs::path& p) {
  static const std::map<std::string, std::string_view> kTypes = {{".html", "text/html; charset=utf-8"},
                                                                 {".js", "text/javascript; charset=utf-8"},
                                                                 {".mjs", "text/javascript; charset=utf-8"},
                                                                 {".css", "text/css; charset=utf-8"},
                                                                 {".json", "application/json; charset=utf-8"},
                                                                 {".svg", "image/svg+xml"},
                                                                 {".png", "image/png"},
                                                                 {".jpg", "image/jpeg"},
                                                                 {".jpeg", "image/jpeg"},
                                                                 {".ico", "image/x-icon"},
                                                                 {".woff2", "font/woff2"},
                                                                 {".woff", "font/woff"},
                                                                 {".ttf", "font/ttf"},
                                                                 {".txt", "text/plain; charset=utf-8"},
                                                                 {".map", "application/json"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

//! True when `p` is `root` or lies below it (both canonical).
bool Within(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

bool RefusedSegment(std::string_view seg) {
  // Hidden files (.git, .env) and the relative names are never content of the web app.
  return seg.empty() || seg.front() == '.' || seg.find('\\') != std::string_view::npos ||
         seg.find('\0') != std::string_view::npos || seg.find(':') != std::string_view::npos;
}

Response NotFound(std::string_view path) {
  return Response::FromError(core::MakeError(core::ErrorKind::kNotFound, "not_found",
                                             "页面不存在：" + std::string(path), "no such page"));
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<fs::path> ResolveStaticPath(const fs::path& root, std::string_view request_path) {
  if (request_path.empty() || request_path.front() != '/' || request_path.size() > 1024) return std::nullopt;
  // A second slash at the start ("//etc/passwd", or "/%2fetc" once decoded) would make the rest
  // an absolute path that replaces the directory when joined.
  if (request_path.size() > 1 && (request_path[1] == '/' || request_path[1] == '\\')) return std::nullopt;
  fs::path rel;
  size_t pos = 1;
  while (pos <= request_path.size()) {
    size_t end = request_path.find('/', pos);
    if (end == std::string_view::npos) end = request_path.size();
    std::string_view seg = request_path.substr(pos, end - pos);
    if (!(seg.empty() && end == request_path.size())) {  // a trailing slash names a directory
      if (RefusedSegment(seg)) return std::nullopt;
      rel /= std::string(seg);
    }
    pos = end + 1;
  }
  std::error_code ec;
  fs::path file = rel.empty() ? root : root / rel;
  if (fs::is_directory(file, ec)) file /= "index.html";
  fs::path canonical = fs::weakly_canonical(file, ec);
  if (ec || !Within(root, canonical)) return std::nullopt;
  if (!fs::is_regular_file(fs::symlink_status(canonical, ec))) return std::nullopt;
  return canonical;
}

std::optional<Response> ServeStatic(const std::string& dir, const Request& req) {
  // /files/ holds the guides' templates and samples, served by the router (guide_files_api.h).
  if (dir.empty() || (req.method != "GET" && req.method != "HEAD") || req.path.rfind("/api/", 0) == 0 ||
      req.path.rfind("/files/", 0) == 0) {
    return std::nullopt;
  }
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) return std::nullopt;
  auto file = ResolveStaticPath(root, req.path);
  bool fallback = false;
  if (!file) {
    // A refused path is answered 404; a safe path that names no file is a deep link of the app.
    bool safe = req.path.find("..") == std::string::npos && req.path.find('\\') == std::string::npos &&
                req.path.find('\0') == std::string::npos && req.path.rfind("//", 0) != 0 &&
                req.path.find("/.") == std::string::npos;
    if (!safe) return NotFound(req.path);
    file = ResolveStaticPath(root, "/index.html");
    fallback = true;
    if (!file) return std::nullopt;
  }
  // A precompressed twin (scripts/web-build writes file.gz beside each text asset) is sent to
  // clients that accept gzip: the first page on a phone is a third of the size.
  fs::path send = *file;
  bool gzip = false;
  if (req.Header("accept-encoding").find("gzip") != std::string::npos) {
    fs::path gz = *file;
    gz += ".gz";
    if (fs::is_regular_file(fs::symlink_status(gz, ec)) && Within(root, fs::weakly_canonical(gz, ec))) {
      send = gz;
      gzip = true;
    }
  }
  Response r;
  r.status = 200;
  r.body = ReadFile(send);
  r.SetHeader("Content-Type", std::string(ContentType(*file)));
  r.SetHeader("Vary", "Accept-Encoding");
  if (gzip) r.SetHeader("Content-Encoding", "gzip");
  bool immutable = !fallback && req.path.rfind("/assets/", 0) == 0;
  r.SetHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace huiqi::http
