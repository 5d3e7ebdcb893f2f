#pragma once
// The router: method + pattern ("/api/v1/policies/{id}") → handler, with the access policy
// declared beside each route and enforced in one place (Dispatch), not in handlers.

#include <functional>
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
  //! What the path's parameters name ("application", "item", "date"), declared on every route
  //! that has one: the route × role matrix (tests/matrix) calls the route with real objects of
  //! that kind, and Router::Add refuses a parameterised route without it.
  std::string object;
  //! True when only the object's owners may use it (the enterprise it belongs to, the department
  //! that handles it, the user it was sent to; platform admins pass): any other caller the gate
  //! admits is refused with 403 or 404, and the matrix checks that with another owner's object.
  bool owned = false;

  static Access Public() { return {}; }
  static Access LoggedIn() { return {true, {}, {}}; }
  static Access Kinds(std::vector<auth::UserKind> k) { return {true, std::move(k), {}}; }
  static Access Admin() { return Kinds({auth::UserKind::kPlatformAdmin}); }
  //! Department staff holding one of `roles`, or a platform admin.
  static Access DepartmentRoles(std::vector<auth::Role> roles) {
    return {true, {auth::UserKind::kDepartmentStaff, auth::UserKind::kPlatformAdmin}, std::move(roles)};
  }
  //! The path names an object of `kind` that any caller admitted by the gate may use (published
  //! content, reference values, admin-only records).
  Access On(std::string kind) const {
    Access a = *this;
    a.object = std::move(kind);
    a.owned = false;
    return a;
  }
  //! The path names an object of `kind` that only its owners may use (see `owned`).
  Access Owned(std::string kind) const {
    Access a = On(std::move(kind));
    a.owned = true;
    return a;
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

//! One registered route as declared (for the route table and the route × role matrix).
struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access;
  Caching caching = Caching::kNone;
  bool owner_checked = false;  // Owned, and its kind has a registered OwnerCheck
};

struct RouterOptions {
  std::string session_cookie = "huiqi_session";  // name of the session cookie
  std::string csrf_header = "x-csrf-token";      // required on POST/PUT/PATCH/DELETE with a session
  ResponseCache* cache = nullptr;                // not owned; null: Caching is ignored
};

//! Whether `viewer` may use the object of one kind named by the path's {id}: Ok, or the error to
//! answer — kNotFound for a stranger, so that not even the object's existence is revealed.
using OwnerCheck = std::function<core::Status(const auth::Principal& viewer, int64_t id)>;

class Router {
 public:
  //! `resolver` may be null (no sessions: every request is anonymous). Not owned.
  explicit Router(auth::SessionResolver* resolver, RouterOptions options = {});
  ~Router();

  //! Registers a route. Patterns are literal segments and {name} parameters; a pattern with a
  //! parameter must declare what it names (Access::On / Access::Owned) — std::logic_error if not.
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

  //! Registers the ownership check of `kind`: Dispatch runs it on every route declared
  //! Owned(kind) after the role gate and before the handler, so a stranger is refused before the
  //! body is even read (whatever it holds) and the handler's own checks are a second line.
  void SetOwnerCheck(std::string kind, OwnerCheck check);

  //! Every registered route, in registration order.
  std::vector<RouteInfo> Routes() const;

 private:
  Response DispatchUnchecked(Request& request) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::http
