#include "http/api/auth_api.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

json RolesJson(const std::vector<auth::Role>& roles) {
  json out = json::array();
  for (auth::Role r : roles) out.push_back({{"code", auth::RoleCode(r)}, {"label", auth::RoleLabel(r)}});
  return out;
}

json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"display_name", u.display_name},
          {"kind", auth::UserKindCode(u.kind)},
          {"kind_label", auth::UserKindLabel(u.kind)},
          {"department_id", u.department_id ? json(*u.department_id) : json()},
          {"roles", RolesJson(u.roles)},
          {"uscc", u.uscc ? json(*u.uscc) : json()},
          {"phone", u.phone},
          {"active", u.active},
          {"created_at", u.created_at}};
}

json PrincipalJson(const auth::Principal& p) {
  return {{"id", p.user_id},
          {"login", p.login},
          {"display_name", p.display_name},
          {"kind", auth::UserKindCode(p.kind)},
          {"kind_label", auth::UserKindLabel(p.kind)},
          {"department_id", p.department_id ? json(*p.department_id) : json()},
          {"roles", RolesJson(p.roles)},
          {"uscc", p.uscc ? json(*p.uscc) : json()}};
}

json DepartmentJson(const auth::Department& d) {
  return {{"id", d.id},
          {"code", d.code},
          {"name", d.name},
          {"level", auth::DepartmentLevelCode(d.level)},
          {"level_label", auth::DepartmentLevelLabel(d.level)},
          {"parent_id", d.parent_id ? json(*d.parent_id) : json()},
          {"phone", d.phone}};
}

std::string Str(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
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
  if (auto roles = body.find("roles"); roles != body.end() && roles->is_array()) {
    for (const auto& r : *roles) {
      if (!r.is_string()) return core::InvalidArgument("roles", "invalid_enum", "角色应为字符串", "roles must be strings");
      HQ_ASSIGN_OR_RETURN(auth::Role role, auth::ParseRole(r.get<std::string>()));
      u.roles.push_back(role);
    }
  }
  return u;
}

std::string Cookie(const AuthApiOptions& o, const std::string& value, int max_age) {
  return o.cookie_name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (o.secure_cookie ? "; Secure" : "");
}

}  // namespace

void RegisterAuthApi(Router& router, auth::AuthService& auth, store::Database& db, AuthApiOptions options) {
  router.Add("POST", "/api/v1/auth/login", Access::Public(), [&auth, options](Request& req) {
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    auto r = auth.Login(Str(*body, "login"), Str(*body, "password"), req.remote_addr);
    if (!r.ok()) return Response::FromError(r.error());
    Response resp = Response::Ok({{"user", PrincipalJson(r->principal)}, {"csrf_token", r->principal.csrf_token}});
    resp.SetHeader("Set-Cookie", Cookie(options, r->token, options.session_hours * 3600));
    return resp;
  });
  router.Add("POST", "/api/v1/auth/logout", Access::LoggedIn(), [&auth, options](Request& req) {
    auto st = auth.Logout(req.User());
    if (!st.ok()) return Response::FromError(st.error());
    Response resp = Response::Ok({{"logged_out", true}});
    resp.SetHeader("Set-Cookie", Cookie(options, "", 0));
    return resp;
  });
  router.Add("POST", "/api/v1/auth/register", Access::Public(), [&auth](Request& req) {
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    auto u = NewUserFrom(*body);
    if (!u.ok()) return Response::FromError(u.error());
    auto created = auth.Register(*u);
    if (!created.ok()) return Response::FromError(created.error());
    return Response::Created(UserJson(*created));
  });
  router.Add("GET", "/api/v1/me", Access::LoggedIn(), [](Request& req) {
    json me = PrincipalJson(req.User());
    me["csrf_token"] = req.User().csrf_token;
    return Response::Ok(me);
  });
  router.Add("GET", "/api/v1/admin/departments", Access::LoggedIn(), [&auth](Request&) {
    auto list = auth.ListDepartments();
    if (!list.ok()) return Response::FromError(list.error());
    json items = json::array();
    for (const auto& d : *list) items.push_back(DepartmentJson(d));
    return Response::Ok({{"items", items}, {"total", items.size()}});
  });
  router.Add("POST", "/api/v1/admin/departments", Access::Admin(), [&auth](Request& req) {
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    auto level = auth::ParseDepartmentLevel(Str(*body, "level"));
    if (!level.ok()) return Response::FromError(level.error());
    auth::Department d{0, Str(*body, "code"), Str(*body, "name"), *level, std::nullopt, Str(*body, "phone")};
    if (auto p = body->find("parent_id"); p != body->end() && p->is_number_integer()) d.parent_id = p->get<int64_t>();
    auto created = auth.CreateDepartment(&req.User(), d);
    if (!created.ok()) return Response::FromError(created.error());
    return Response::Created(DepartmentJson(*created));
  });
  router.Add("GET", "/api/v1/admin/users", Access::Admin(), [&auth](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    auto page = auth.ListUsers(paging->page, paging->page_size);
    if (!page.ok()) return Response::FromError(page.error());
    json items = json::array();
    for (const auto& u : page->items) items.push_back(UserJson(u));
    return Response::Ok(PageJson(items, page->total, *paging));
  });
  router.Add("POST", "/api/v1/admin/users", Access::Admin(), [&auth](Request& req) {
    auto body = req.JsonBody();
    if (!body.ok()) return Response::FromError(body.error());
    auto u = NewUserFrom(*body);
    if (!u.ok()) return Response::FromError(u.error());
    auto created = auth.CreateUser(&req.User(), *u);
    if (!created.ok()) return Response::FromError(created.error());
    return Response::Created(UserJson(*created));
  });
  router.Add("GET", "/api/v1/admin/audit", Access::Admin(), [&db](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    auto page = audit::List(db, paging->page, paging->page_size);
    if (!page.ok()) return Response::FromError(page.error());
    json items = json::array();
    for (const auto& e : page->items) {
      items.push_back({{"id", e.id}, {"at", e.at}, {"actor", e.actor_login},
                       {"actor_user_id", e.actor_user_id ? json(*e.actor_user_id) : json()}, {"action", e.action},
                       {"entity", e.entity}, {"entity_id", e.entity_id}, {"before", e.before}, {"after", e.after},
                       {"hash", e.hash}});
    }
    return Response::Ok(PageJson(items, page->total, *paging));
  });
  router.Add("GET", "/api/v1/admin/audit/verify", Access::Admin(), [&db](Request&) {
    auto rep = audit::Verify(db);
    if (!rep.ok()) return Response::FromError(rep.error());
    return Response::Ok({{"ok", rep->ok}, {"checked", rep->checked},
                         {"first_bad_id", rep->first_bad_id ? json(rep->first_bad_id) : json()},
                         {"problem", rep->problem}});
  });
}

}  // namespace huiqi::http
