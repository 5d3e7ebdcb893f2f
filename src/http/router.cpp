#include "http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/response_cache.h"

namespace huiqi::http {

namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    out.emplace_back(path.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return out;
}

bool StateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" for parameters
  Access access;
  Handler handler;
  Caching caching = Caching::kNone;

  // How specific the pattern is: literal segments outrank parameters, so /calendar/add wins
  // over /calendar/{year} whatever the order of registration.
  int Literals() const {
    int n = 0;
    for (const auto& s : segments) n += !(s.size() > 2 && s.front() == '{' && s.back() == '}');
    return n;
  }

  bool Match(const std::vector<std::string>& path, std::map<std::string, std::string>* params) const {
    if (path.size() != segments.size()) return false;
    for (size_t i = 0; i < path.size(); ++i) {
      const std::string& s = segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (params) (*params)[s.substr(1, s.size() - 2)] = path[i];
      } else if (s != path[i]) {
        return false;
      }
    }
    return true;
  }
};

core::Status CheckAccess(const Access& access, const auth::Principal* p) {
  if (!access.login_required) return core::Ok();
  if (p == nullptr) {
    return core::MakeError(core::ErrorKind::kUnauthenticated, "unauthenticated", "请先登录",
                           "login required");
  }
  if (!access.kinds.empty() &&
      std::find(access.kinds.begin(), access.kinds.end(), p->kind) == access.kinds.end()) {
    return core::PermissionDenied();
  }
  if (!access.roles.empty() && p->Is(auth::UserKind::kDepartmentStaff)) {
    bool any =
        std::any_of(access.roles.begin(), access.roles.end(), [&](auth::Role r) { return p->HasRole(r); });
    if (!any) return core::PermissionDenied("您的角色无权执行此操作", "your role may not do this");
  }
  return core::Ok();
}

}  // namespace

struct Router::Impl {
  auth::SessionResolver* resolver;
  RouterOptions options;
  std::vector<Route> routes;
  std::map<std::string, OwnerCheck> owner_checks;
};

Router::Router(auth::SessionResolver* resolver, RouterOptions options)
    : impl_(std::make_unique<Impl>(Impl{resolver, std::move(options), {}})) {}
Router::~Router() = default;

void Router::Add(std::string method, std::string pattern, Access access, Handler handler) {
  Add(std::move(method), std::move(pattern), std::move(access), Caching::kNone, std::move(handler));
}

void Router::Add(std::string method, std::string pattern, Access access, Caching caching, Handler handler) {
  if (pattern.find('{') != std::string::npos && access.object.empty()) {
    throw std::logic_error(method + " " + pattern +
                           ": a route with a path parameter declares what it names (Access::On / Owned)");
  }
  impl_->routes.push_back(
      Route{std::move(method), Segments(pattern), std::move(access), std::move(handler), caching});
}

void Router::SetOwnerCheck(std::string kind, OwnerCheck check) {
  impl_->owner_checks[std::move(kind)] = std::move(check);
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(impl_->routes.size());
  for (const auto& r : impl_->routes) {
    std::string pattern;
    for (const auto& s : r.segments) pattern += "/" + s;
    bool checked = r.access.owned && impl_->owner_checks.count(r.access.object) > 0;
    out.push_back(RouteInfo{r.method, pattern.empty() ? "/" : pattern, r.access, r.caching, checked});
  }
  return out;
}

bool Router::Matches(const std::string& path) const {
  auto segs = Segments(path);
  return std::any_of(impl_->routes.begin(), impl_->routes.end(),
                     [&](const Route& r) { return r.Match(segs, nullptr); });
}

namespace {

//! 5xx answers say only that something failed and which request it was; what failed (a driver
//! message, an exception's what()) goes to the log under the same request id.
Response Generic5xx(const Request& request, Response resp) {
  if (resp.status < 500) return resp;
  spdlog::error("{} {} [{}] answered {}: {}", request.method, request.path, request.request_id, resp.status,
                resp.body);
  std::string id = request.request_id.empty() ? "-" : request.request_id;
  bool unavailable = resp.status == 503;
  Response out = Response::FromError(core::MakeError(
      unavailable ? core::ErrorKind::kUnavailable : core::ErrorKind::kInternal,
      unavailable ? "unavailable" : "internal",
      (unavailable ? "服务暂时不可用，请稍后重试（请求编号 " : "内部错误，请稍后重试（请求编号 ") + id + "）",
      (unavailable ? "service unavailable (request " : "internal error (request ") + id + ")"));
  nlohmann::json body = nlohmann::json::parse(out.body);
  body["error"]["request_id"] = id;
  out.body = body.dump();
  for (auto& h : resp.headers) {
    if (h.first == "Retry-After") out.headers.push_back(h);
  }
  return out;
}

//! Runs the route's handler with what its Caching declares. Only an anonymous caller is served
//! from (and fills) the cache: a logged-in caller may see more than the public (a department's
//! drafts), so theirs is answered afresh and marked private for any cache on the way.
Response RunCached(ResponseCache* cache, const Route& route, Request& request) {
  if (cache == nullptr || route.caching == Caching::kNone) return route.handler(request);
  if (route.caching == Caching::kChangesPublished) {
    Response resp = route.handler(request);
    if (resp.status >= 200 && resp.status < 300) cache->Invalidate();
    return resp;
  }
  if (request.principal != nullptr || request.method != "GET") {
    Response resp = route.handler(request);
    if (resp.status == 200) resp.SetHeader("Cache-Control", "private, no-cache");
    return resp;
  }
  std::string key = CacheKey(request);
  std::string if_none_match = request.Header("if-none-match");
  auto answer = cache->Find(key);
  if (answer) {
    Response resp = CachedResponse(*answer, if_none_match);
    resp.SetHeader("X-Cache", "hit");
    return resp;
  }
  uint64_t generation = cache->generation();  // before the handler reads anything
  answer = cache->Store(key, generation, route.handler(request));
  Response resp = CachedResponse(*answer, if_none_match);
  resp.SetHeader("X-Cache", "miss");
  return resp;
}

}  // namespace

Response Router::Dispatch(Request& request) const {
  Response resp;
  try {
    resp = DispatchUnchecked(request);
  } catch (const nlohmann::json::type_error& e) {
    // A handler read a body member as the wrong type ({"uscc": {"a": 1}}): the client's mistake.
    spdlog::info("{} {} [{}]: wrong type in body: {}", request.method, request.path, request.request_id,
                 e.what());
    resp = Response::FromError(core::InvalidArgument("body", "invalid_type",
                                                     "请求体中有字段的类型不正确（如应为字符串却是对象）",
                                                     "a body member has the wrong type"));
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} [{}] threw: {}", request.method, request.path, request.request_id,
                  e.what());
    resp = Response::FromError(core::Internal("exception"));
  }
  return Generic5xx(request, std::move(resp));
}

Response Router::DispatchUnchecked(Request& request) const {
  {
    auto segs = Segments(request.path);
    const Route* found = nullptr;
    std::string allow;
    for (const auto& r : impl_->routes) {
      std::map<std::string, std::string> params;
      if (!r.Match(segs, &params)) continue;
      if (r.method == request.method) {
        if (found == nullptr || r.Literals() > found->Literals()) {
          found = &r;
          request.path_params = std::move(params);
        }
        continue;
      }
      if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
    }
    if (found == nullptr) {
      if (!allow.empty()) {
        Response resp = Response::FromError(
            core::MakeError(core::ErrorKind::kFailedPrecondition, "method_not_allowed",
                            "该接口不支持 " + request.method + " 方法", "method not allowed"));
        resp.status = 405;
        resp.SetHeader("Allow", allow);
        return resp;
      }
      return Response::FromError(core::MakeError(core::ErrorKind::kNotFound, "not_found",
                                                 "接口不存在：" + request.path,
                                                 "no such endpoint: " + request.path));
    }
    // The principal lives on this frame for the whole handler call.
    std::optional<auth::Principal> principal;
    std::string token = request.Cookie(impl_->options.session_cookie);
    if (!token.empty() && impl_->resolver != nullptr) {
      auto resolved = impl_->resolver->Resolve(token);
      if (!resolved.ok()) return Response::FromError(resolved.error());
      principal = std::move(*resolved);
    }
    request.principal = principal ? &*principal : nullptr;
    // CSRF: a request that rides on the session cookie must also prove it came from our pages.
    if (principal && StateChanging(request.method) &&
        request.Header(impl_->options.csrf_header) != principal->csrf_token) {
      return Response::FromError(core::MakeError(core::ErrorKind::kPermissionDenied, "csrf_failed",
                                                 "请求校验失败（缺少或错误的 CSRF 令牌），请刷新页面后重试",
                                                 "missing or wrong CSRF token"));
    }
    auto allowed = CheckAccess(found->access, request.principal);
    if (!allowed.ok()) return Response::FromError(allowed.error());
    if (found->access.owned && request.principal != nullptr) {
      auto check = impl_->owner_checks.find(found->access.object);
      if (check != impl_->owner_checks.end()) {
        auto id = request.PathId("id");
        if (!id.ok()) return Response::FromError(id.error());
        if (auto st = check->second(*request.principal, *id); !st.ok())
          return Response::FromError(st.error());
      }
    }
    return RunCached(impl_->options.cache, *found, request);
  }
}

}  // namespace huiqi::http
