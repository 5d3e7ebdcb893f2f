#include "http/message.h"

#include <nlohmann/json.hpp>

namespace huiqi::http {

std::string Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? "" : it->second;
}

std::string Request::Cookie(std::string_view name) const {
  std::string cookies = Header("cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    std::string_view part(cookies.data() + pos, (end == std::string::npos ? cookies.size() : end) - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

std::string Request::Query(std::string_view name, std::string_view fallback) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? std::string(fallback) : it->second;
}

core::Result<nlohmann::json> Request::JsonBody() const {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return core::InvalidArgument("body", "invalid_json", "请求体不是合法的 JSON 对象",
                                 "request body must be a JSON object");
  }
  return j;
}

core::Result<int64_t> Request::PathId(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  std::string v = it == path_params.end() ? "" : it->second;
  try {
    size_t used = 0;
    long long id = std::stoll(v, &used);
    if (used == v.size() && id > 0) return static_cast<int64_t>(id);
  } catch (...) {
  }
  return core::InvalidArgument(std::string(name), "invalid_id", std::string(name) + " 应为正整数",
                               std::string(name) + " must be a positive integer");
}

Response Response::Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  return r;
}

int StatusFor(core::ErrorKind kind) {
  using K = core::ErrorKind;
  switch (kind) {
    case K::kInvalidArgument: return 400;
    case K::kUnauthenticated: return 401;
    case K::kPermissionDenied: return 403;
    case K::kNotFound: return 404;
    case K::kConflict: return 409;
    case K::kFailedPrecondition: return 409;
    case K::kPayloadTooLarge: return 413;
    case K::kRateLimited: return 429;
    case K::kUnavailable: return 503;
    case K::kInternal: return 500;
  }
  return 500;
}

Response Response::FromError(const core::Error& e) {
  nlohmann::json err = {{"code", e.code.empty() ? std::string(core::KindName(e.kind)) : e.code},
                        {"message", e.message},
                        {"message_en", e.message_en},
                        {"field", e.field.empty() ? nlohmann::json() : nlohmann::json(e.field)}};
  if (e.position >= 0) err["position"] = e.position;
  return Json(StatusFor(e.kind), {{"error", err}});
}

void Response::SetHeader(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace huiqi::http
