#include "http/message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
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

namespace {

bool IsJsonContentType(std::string_view ct) {
  // "application/json" or "application/json; charset=utf-8", any case.
  std::string lower;
  for (char c : ct.substr(0, ct.find(';'))) {
    if (c != ' ' && c != '\t') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "application/json";
}

}  // namespace

size_t JsonNestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      deepest = std::max(deepest, ++depth);
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return deepest;
}

core::Result<nlohmann::json> Request::JsonBody() const {
  // A form post from another site cannot send this type without a CORS preflight, so JSON-only
  // bodies close login CSRF (a cross-site form logging the victim into the attacker's account).
  if (!IsJsonContentType(Header("content-type"))) {
    return core::MakeError(core::ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                           "请求体须为 JSON（Content-Type: application/json）",
                           "the body must be sent as Content-Type: application/json", "content-type");
  }
  // nlohmann's copies, comparisons and dumps recurse: a body nested 100,000 deep would end the
  // process on a stack overflow long after parsing succeeded.
  if (JsonNestingDepth(body) > kMaxJsonDepth) {
    return core::InvalidArgument(
        "body", "json_too_deep", "请求体嵌套层数超过上限 " + std::to_string(kMaxJsonDepth) + " 层",
        "request body nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
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
    case K::kInvalidArgument:
      return 400;
    case K::kUnauthenticated:
      return 401;
    case K::kPermissionDenied:
      return 403;
    case K::kNotFound:
      return 404;
    case K::kConflict:
      return 409;
    case K::kFailedPrecondition:
      return 409;
    case K::kPayloadTooLarge:
      return 413;
    case K::kUnsupportedMedia:
      return 415;
    case K::kRateLimited:
      return 429;
    case K::kUnavailable:
      return 503;
    case K::kInternal:
      return 500;
  }
  return 500;
}

Response Response::FromError(const core::Error& e) {
  nlohmann::json err = {{"code", e.code.empty() ? std::string(core::KindName(e.kind)) : e.code},
                        {"message", e.message},
                        {"message_en", e.message_en},
                        {"field", e.field.empty() ? nlohmann::json() : nlohmann::json(e.field)}};
  if (e.position >= 0) err["position"] = e.position;
  if (e.retry_after_seconds > 0) err["retry_after_seconds"] = e.retry_after_seconds;
  if (!e.details.empty()) {
    auto details = nlohmann::json::parse(e.details, nullptr, false);
    if (!details.is_discarded()) err["details"] = details;
  }
  Response r = Json(StatusFor(e.kind), {{"error", err}});
  if (e.retry_after_seconds > 0) r.SetHeader("Retry-After", std::to_string(e.retry_after_seconds));
  return r;
}

void Response::SetHeader(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

namespace {

//! The address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and its family's bit offset.
bool ParseIp(std::string_view text, std::array<unsigned char, 16>& out, int& offset) {
  std::string t(text);
  in_addr v4{};
  in6_addr v6{};
  out.fill(0);
  if (inet_pton(AF_INET, t.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    offset = 96;
    return true;
  }
  if (inet_pton(AF_INET6, t.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    offset = 0;
    return true;
  }
  return false;
}

bool InBlock(std::string_view ip, std::string_view block) {
  size_t slash = block.find('/');
  std::array<unsigned char, 16> a{}, b{};
  int off_a = 0, off_b = 0;
  if (!ParseIp(ip, a, off_a) || !ParseIp(block.substr(0, slash), b, off_b) || off_a != off_b) return false;
  int bits = 128 - off_b;
  if (slash != std::string_view::npos) {
    try {
      bits = std::stoi(std::string(block.substr(slash + 1)));
    } catch (...) {
      return false;
    }
  }
  bits = std::clamp(bits + off_b, 0, 128);
  for (int i = 0; i < bits; ++i) {
    unsigned char mask = static_cast<unsigned char>(0x80 >> (i % 8));
    if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
  }
  return true;
}

bool Trusted(std::string_view ip, const std::vector<std::string>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(), [&](const std::string& t) { return InBlock(ip, t); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (forwarded_for.empty() || !Trusted(peer, trusted_proxies)) return std::string(peer);
  std::string_view rest = forwarded_for;
  std::string client(peer);
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    std::array<unsigned char, 16> ignored{};
    int off = 0;
    if (!ParseIp(hop, ignored, off)) break;  // garbage: stop at the last hop we could read
    client = std::string(hop);
    if (!Trusted(hop, trusted_proxies)) break;
  }
  return client;
}

}  // namespace huiqi::http
