#pragma once
// The router: method + pattern ("/api/v1/policies/{id}") → handler, with the access policy
// declared beside each route and enforced in one place (Dispatch), not in handlers.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "http/message.h"

namespace huiqi::http {

//! Who may call a route. Checked by Router::Dispatch before the handler runs:
//! anonymous → 401 when login is required; wrong kind or role → 403.
struct Access {
  bool login_required = false;
  std::vector<auth::UserKind> kinds;  // empty = any kind
  std::vector<auth::Role> roles;      // department staff must hold one of these (admins pass)

  static Access Public() { return {}; }
  static Access LoggedIn() { return {true, {}, {}}; }
  static Access Kinds(std::vector<auth::UserKind> k) { return {true, std::move(k), {}}; }
  static Access Admin() { return Kinds({auth::UserKind::kPlatformAdmin}); }
  //! Department staff holding one of `roles`, or a platform admin.
  static Access DepartmentRoles(std::vector<auth::Role> roles) {
    return {true, {auth::UserKind::kDepartmentStaff, auth::UserKind::kPlatformAdmin}, std::move(roles)};
  }
};

//! What a route does with the response cache (http/response_cache.h); declared beside the route.
enum class Caching {
  kNone,
  //! A GET whose answer depends only on the path and the query, for anyone not logged in
  //! (published content, reference data): anonymous callers are served from the cache, with an
  //! ETag and 304s; logged-in callers get the handler's answer marked private.
  kPublished,
  //! A write that may change published content: a 2xx answer invalidates the cache on this
  //! node at once (other nodes learn it from the change log).
  kChangesPublished,
};

class ResponseCache;

struct RouterOptions {
  std::string session_cookie = "huiqi_session";  // name of the session cookie
  std::string csrf_header = "x-csrf-token";      // required on POST/PUT/PATCH/DELETE with a session
  ResponseCache* cache = nullptr;                // not owned; null: Caching is ignored
};

class Router {
 public:
  //! `resolver` may be null (no sessions: every request is anonymous). Not owned.
  explicit Router(auth::SessionResolver* resolver, RouterOptions options = {});
  ~Router();

  //! Registers a route. Patterns are literal segments and {name} parameters.
  void Add(std::string method, std::string pattern, Access access, Handler handler);
  //! The same, declaring what the route does with the response cache.
  void Add(std::string method, std::string pattern, Access access, Caching caching, Handler handler);

  //! Runs the whole pipeline for one request: match (404 / 405 with Allow), resolve the
  //! session cookie, CSRF check for state-changing methods, access check, handler.
  //! Never throws: exceptions from handlers become a 500 in the error format. Every 5xx body
  //! is generic ("内部错误" with the request id); the original goes to the log.
  Response Dispatch(Request& request) const;

  //! True when some route's pattern matches `path` (any method) — used by the server to decide
  //! between the API and static files.
  bool Matches(const std::string& path) const;

 private:
  Response DispatchUnchecked(Request& request) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::http
