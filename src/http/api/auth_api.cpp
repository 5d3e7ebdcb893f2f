#include "http/api/auth_api.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "http/api/handlers.h"
#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

// ---- JSON mapping ----

json Nullable(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json Nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

json RolesJson(const std::vector<auth::Role>& roles) {
  json out = json::array();
  for (auth::Role r : roles) out.push_back({{"code", auth::RoleCode(r)}, {"label", auth::RoleLabel(r)}});
  return out;
}

json DepartmentJson(const auth::Department& d) {
  return {{"id", d.id},
          {"code", d.code},
          {"name", d.name},
          {"level", auth::DepartmentLevelCode(d.level)},
          {"level_label", auth::DepartmentLevelLabel(d.level)},
          {"parent_id", Nullable(d.parent_id)},
          {"phone", d.phone},
          {"created_at", d.created_at}};
}

json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"display_name", u.display_name},
          {"kind", auth::UserKindCode(u.kind)},
          {"kind_label", auth::UserKindLabel(u.kind)},
          {"department_id", Nullable(u.department_id)},
          {"roles", RolesJson(u.roles)},
          {"uscc", Nullable(u.uscc)},
          {"phone", u.phone},
          {"active", u.active},
          {"created_at", u.created_at}};
}

//! The caller as /me and login show it, with their department when they have one.
core::Result<json> PrincipalJson(auth::AuthService& auth, const auth::Principal& p) {
  json department;
  if (p.department_id) {
    HQ_ASSIGN_OR_RETURN(auto d, auth.GetDepartment(*p.department_id));
    department = DepartmentJson(d);
  }
  return json{{"id", p.user_id},
              {"login", p.login},
              {"display_name", p.display_name},
              {"kind", auth::UserKindCode(p.kind)},
              {"kind_label", auth::UserKindLabel(p.kind)},
              {"department_id", Nullable(p.department_id)},
              {"department", department},
              {"roles", RolesJson(p.roles)},
              {"uscc", Nullable(p.uscc)}};
}

json AuditEntryJson(const audit::Entry& e) {
  return {{"id", e.id},         {"at", e.at},         {"actor", e.actor_login},
          {"actor_user_id", Nullable(e.actor_user_id)}, {"action", e.action},  {"entity", e.entity},
          {"entity_id", e.entity_id}, {"before", e.before}, {"after", e.after}, {"hash", e.hash}};
}

// ---- parsing ----

std::string Str(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

//! An optional string member: absent → nullopt; present but not a string → error naming it.
core::Result<std::optional<std::string>> OptStr(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return core::InvalidArgument(key, "invalid_type", std::string(key) + " 应为字符串",
                                 std::string(key) + " must be a string");
  }
  return std::optional<std::string>{it->get<std::string>()};
}

core::Result<std::vector<auth::Role>> RolesFrom(const json& body) {
  std::vector<auth::Role> roles;
  auto it = body.find("roles");
  if (it == body.end() || it->is_null()) return roles;
  if (!it->is_array()) return core::InvalidArgument("roles", "invalid_type", "roles 应为数组", "roles must be an array");
  for (const auto& r : *it) {
    if (!r.is_string()) return core::InvalidArgument("roles", "invalid_enum", "角色应为字符串", "roles must be strings");
    HQ_ASSIGN_OR_RETURN(auth::Role role, auth::ParseRole(r.get<std::string>()));
    roles.push_back(role);
  }
  return roles;
}

core::Result<auth::NewUser> NewUserFrom(const json& body) {
  auth::NewUser u;
  HQ_ASSIGN_OR_RETURN(u.kind, auth::ParseUserKind(Str(body, "kind")));
  u.login = Str(body, "login");
  u.display_name = Str(body, "display_name");
  u.password = Str(body, "password");
  u.department_code = Str(body, "department");
  u.uscc = Str(body, "uscc");
  u.phone = Str(body, "phone");
  HQ_ASSIGN_OR_RETURN(u.roles, RolesFrom(body));
  return u;
}

core::Result<auth::Department> DepartmentFrom(const json& body) {
  HQ_ASSIGN_OR_RETURN(auto level, auth::ParseDepartmentLevel(Str(body, "level")));
  auth::Department d;
  d.code = Str(body, "code");
  d.name = Str(body, "name");
  d.level = level;
  d.phone = Str(body, "phone");
  if (auto p = body.find("parent_id"); p != body.end() && !p->is_null()) {
    if (!p->is_number_integer()) {
      return core::InvalidArgument("parent_id", "invalid_id", "上级部门应为部门编号", "parent_id must be an id");
    }
    d.parent_id = p->get<int64_t>();
  }
  return d;
}

//! ?kind=&department_id= beside the paging.
core::Result<auth::UserQuery> UserQueryFrom(const Request& req, const Paging& paging) {
  auth::UserQuery q;
  q.page = paging.page;
  q.page_size = paging.page_size;
  if (std::string kind = req.Query("kind"); !kind.empty()) {
    HQ_ASSIGN_OR_RETURN(q.kind, auth::ParseUserKind(kind));
  }
  if (std::string dept = req.Query("department_id"); !dept.empty()) {
    if (dept.size() > 18 || dept.find_first_not_of("0123456789") != std::string::npos || dept[0] == '0') {
      return core::InvalidArgument("department_id", "invalid_id", "department_id 应为正整数",
                                   "department_id must be a positive integer");
    }
    q.department_id = std::stoll(dept);
  }
  return q;
}

core::Result<auth::UserChanges> ChangesFrom(const json& body) {
  auth::UserChanges c;
  HQ_ASSIGN_OR_RETURN(c.display_name, OptStr(body, "display_name"));
  HQ_ASSIGN_OR_RETURN(c.phone, OptStr(body, "phone"));
  return c;
}

std::string Cookie(const AuthApiOptions& o, const std::string& value, int64_t max_age) {
  return o.cookie_name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (o.secure_cookie ? "; Secure" : "");
}

//! Runs `fn` on the parsed JSON body, or answers the parse error.


// ---- routes ----

void AddSessionRoutes(Router& router, auth::AuthService& auth, const AuthApiOptions& options) {
  router.Add("POST", "/api/v1/auth/login", Access::Public(), [&auth, options](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto r = auth.Login(Str(body, "login"), Str(body, "password"), req.remote_addr);
      if (!r.ok()) return Response::FromError(r.error());
      auto user = PrincipalJson(auth, r->principal);
      if (!user.ok()) return Response::FromError(user.error());
      Response resp = Response::Ok({{"user", *user}, {"csrf_token", r->principal.csrf_token}});
      resp.SetHeader("Set-Cookie", Cookie(options, r->token, int64_t{auth.options().session_max_hours} * 3600));
      return resp;
    });
  });
  router.Add("POST", "/api/v1/auth/logout", Access::LoggedIn(), [&auth, options](Request& req) {
    auto st = auth.Logout(req.User());
    if (!st.ok()) return Response::FromError(st.error());
    Response resp = Response::Ok({{"logged_out", true}});
    resp.SetHeader("Set-Cookie", Cookie(options, "", 0));
    return resp;
  });
  router.Add("POST", "/api/v1/auth/register", Access::Public(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto u = NewUserFrom(body);
      if (!u.ok()) return Response::FromError(u.error());
      return Answer(auth.Register(*u), UserJson, 201);
    });
  });
  router.Add("POST", "/api/v1/auth/password", Access::LoggedIn(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto st = auth.ChangePassword(req.User(), Str(body, "old_password"), Str(body, "new_password"), req.remote_addr);
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"changed", true}});
    });
  });
  router.Add("GET", "/api/v1/me", Access::LoggedIn(), [&auth](Request& req) {
    return Answer(PrincipalJson(auth, req.User()), [&](json me) {
      me["csrf_token"] = req.User().csrf_token;
      return me;
    });
  });
}

void AddDepartmentRoutes(Router& router, auth::AuthService& auth) {
  // The public list (发文部门 filters, contact pages): who the departments are, nothing else.
  router.Add("GET", "/api/v1/departments", Access::Public(), [&auth](Request&) {
    return Answer(auth.ListDepartments(), [](const std::vector<auth::Department>& list) {
      json items = json::array();
      for (const auto& d : list) {
        items.push_back({{"id", d.id}, {"code", d.code}, {"name", d.name}, {"level", auth::DepartmentLevelCode(d.level)},
                         {"level_label", auth::DepartmentLevelLabel(d.level)}, {"phone", d.phone}});
      }
      return json{{"items", items}, {"total", items.size()}};
    });
  });
  // Any logged-in user may read the department list: forms and pages name departments.
  router.Add("GET", "/api/v1/admin/departments", Access::LoggedIn(), [&auth](Request&) {
    return Answer(auth.ListDepartments(), [](const std::vector<auth::Department>& list) {
      json items = json::array();
      for (const auto& d : list) items.push_back(DepartmentJson(d));
      return json{{"items", items}, {"total", items.size()}};
    });
  });
  router.Add("GET", "/api/v1/admin/departments/{id}", Access::LoggedIn(), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return Answer(auth.GetDepartment(*id), DepartmentJson);
  });
  router.Add("POST", "/api/v1/admin/departments", Access::Admin(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto d = DepartmentFrom(body);
      if (!d.ok()) return Response::FromError(d.error());
      return Answer(auth.CreateDepartment(&req.User(), *d), DepartmentJson, 201);
    });
  });
}

void AddUserRoutes(Router& router, auth::AuthService& auth) {
  router.Add("GET", "/api/v1/admin/users", Access::Admin(), [&auth](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    auto query = UserQueryFrom(req, *paging);
    if (!query.ok()) return Response::FromError(query.error());
    return Answer(auth.ListUsers(*query), [&](const auth::Page<auth::User>& page) {
      json items = json::array();
      for (const auto& u : page.items) items.push_back(UserJson(u));
      return PageJson(items, page.total, *paging);
    });
  });
  router.Add("POST", "/api/v1/admin/users", Access::Admin(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto u = NewUserFrom(body);
      if (!u.ok()) return Response::FromError(u.error());
      return Answer(auth.CreateUser(&req.User(), *u), UserJson, 201);
    });
  });
  router.Add("GET", "/api/v1/admin/users/{id}", Access::Admin(), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return Answer(auth.GetUser(*id), UserJson);
  });
  router.Add("PATCH", "/api/v1/admin/users/{id}", Access::Admin(), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return WithBody(req, [&](const json& body) {
      auto changes = ChangesFrom(body);
      if (!changes.ok()) return Response::FromError(changes.error());
      return Answer(auth.UpdateUser(&req.User(), *id, *changes), UserJson);
    });
  });
  router.Add("POST", "/api/v1/admin/users/{id}/password", Access::Admin(), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return WithBody(req, [&](const json& body) {
      auto st = auth.ResetPassword(&req.User(), *id, Str(body, "password"));
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"reset", true}});
    });
  });
  for (bool active : {false, true}) {
    std::string path = std::string("/api/v1/admin/users/{id}/") + (active ? "enable" : "disable");
    router.Add("POST", path, Access::Admin(), [&auth, active](Request& req) {
      auto id = req.PathId("id");
      if (!id.ok()) return Response::FromError(id.error());
      return Answer(auth.SetActive(&req.User(), *id, active), UserJson);
    });
  }
}

void AddAuditRoutes(Router& router, store::Database& db) {
  router.Add("GET", "/api/v1/admin/audit", Access::Admin(), [&db](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    audit::ListQuery q{paging->page, paging->page_size, req.Query("entity"), req.Query("entity_id"),
                       req.Query("actor")};
    return Answer(audit::List(db, q), [&](const audit::EntryPage& page) {
      json items = json::array();
      for (const auto& e : page.items) items.push_back(AuditEntryJson(e));
      return PageJson(items, page.total, *paging);
    });
  });
  router.Add("GET", "/api/v1/admin/audit/verify", Access::Admin(), [&db](Request&) {
    return Answer(audit::Verify(db), [](const audit::VerifyReport& rep) {
      return json{{"ok", rep.ok},
                  {"checked", rep.checked},
                  {"first_bad_id", rep.first_bad_id ? json(rep.first_bad_id) : json()},
                  {"problem", rep.problem}};
    });
  });
}

}  // namespace

void RegisterAuthApi(Router& router, auth::AuthService& auth, store::Database& db, AuthApiOptions options) {
  AddSessionRoutes(router, auth, options);
  AddDepartmentRoutes(router, auth);
  AddUserRoutes(router, auth);
  AddAuditRoutes(router, db);
}

}  // namespace huiqi::http
