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
          {"phone", u.phone},  // the account's own, or the platform admin's list on file (澄 第十六条)
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
  return {{"id", e.id},
          {"at", e.at},
          {"actor", e.actor_login},
          {"actor_user_id", Nullable(e.actor_user_id)},
          {"action", e.action},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"before", e.before},
          {"after", e.after},
          {"hash", e.hash}};
}

// ---- parsing ----

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
  if (!it->is_array())
    return core::InvalidArgument("roles", "invalid_type", "roles 应为数组", "roles must be an array");
  for (const auto& r : *it) {
    if (!r.is_string())
      return core::InvalidArgument("roles", "invalid_enum", "角色应为字符串", "roles must be strings");
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
      return core::InvalidArgument("parent_id", "invalid_id", "上级部门应为部门编号",
                                   "parent_id must be an id");
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

std::string Cookie(const AuthApiOptions& o, const std::string& name, const std::string& value,
                   int64_t max_age, const std::string& path) {
  return name + "=" + value + "; Path=" + path +
         "; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) + (o.secure_cookie ? "; Secure" : "");
}

// ---- routes ----

json NoticeJson(const auth::LoginNotice& n) {
  if (n.failed_attempts == 0) return nullptr;
  return {{"failed_attempts", n.failed_attempts},
          {"last_failed_at", n.last_failed_at},
          {"last_failed_from", n.last_failed_from},
          {"message", "自上次登录以来，您的账号有 " + std::to_string(n.failed_attempts) +
                          " 次登录失败（最近一次于 " + n.last_failed_at + "，来自 " + n.last_failed_from +
                          "）。如非本人操作，请修改密码。"}};
}

json MemberJson(const auth::Member& m) {
  return {{"id", m.user_id},
          {"login", m.login},
          {"display_name", m.display_name},
          {"role", auth::RoleCode(m.role)},
          {"role_label", auth::RoleLabel(m.role)},
          {"phone", m.phone_masked},
          {"active", m.active},
          {"created_at", m.created_at}};
}

json InvitationJson(const auth::Invitation& i) {
  json j = {{"id", i.id},
            {"role", auth::RoleCode(i.role)},
            {"role_label", auth::RoleLabel(i.role)},
            {"note", i.note},
            {"status", i.status},
            {"created_at", i.created_at},
            {"expires_at", core::FormatTimestamp(core::FromUnixSeconds(i.expires_at))},
            {"invited_by", i.invited_by_login}};
  if (!i.code.empty()) j["code"] = i.code;
  return j;
}

void AddSessionRoutes(Router& router, auth::AuthService& auth, const AuthApiOptions& options) {
  router.Add("POST", "/api/v1/auth/login", Access::Public(), [&auth, options](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto r = auth.Login(Str(body, "login"), Str(body, "password"), req.remote_addr,
                          req.Cookie(options.device_cookie));
      if (!r.ok()) return Response::FromError(r.error());
      auto user = PrincipalJson(auth, r->principal);
      if (!user.ok()) return Response::FromError(user.error());
      Response resp = Response::Ok(
          {{"user", *user}, {"csrf_token", r->principal.csrf_token}, {"notice", NoticeJson(r->notice)}});
      // The cookie lives exactly as long as the session may (AuthOptions::session_max_hours).
      resp.SetHeader("Set-Cookie", Cookie(options, options.cookie_name, r->token,
                                          int64_t{auth.options().session_max_hours} * 3600, "/"));
      if (!r->device_token.empty()) {
        resp.SetHeader("Set-Cookie",
                       Cookie(options, options.device_cookie, r->device_token,
                              int64_t{auth.options().trusted_device_days} * 86400, "/api/v1/auth/"));
      }
      return resp;
    });
  });
  router.Add("POST", "/api/v1/auth/logout", Access::LoggedIn(), [&auth, options](Request& req) {
    auto st = auth.Logout(req.User());
    if (!st.ok()) return Response::FromError(st.error());
    Response resp = Response::Ok({{"logged_out", true}});
    resp.SetHeader("Set-Cookie", Cookie(options, options.cookie_name, "", 0, "/"));
    return resp;
  });
  router.Add("POST", "/api/v1/auth/phone-code", Access::Public(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      return Answer(
          auth.RequestPhoneCode(Str(body, "phone"), req.remote_addr),
          [](const auth::PhoneCodeSent& s) {
            json j = {
                {"sent", true}, {"phone", s.phone_masked}, {"expires_in_seconds", s.expires_in_seconds}};
            if (!s.code.empty()) j["demo_code"] = s.code;
            return j;
          },
          202);
    });
  });
  router.Add("POST", "/api/v1/auth/register", Access::Public(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto u = NewUserFrom(body);
      if (!u.ok()) return Response::FromError(u.error());
      auth::Registration r{*u, Str(body, "phone_code"), Str(body, "identity_ticket"),
                           Str(body, "invite_code"), req.remote_addr};
      return Answer(auth.Register(r), UserJson, 201);
    });
  });
  router.Add("POST", "/api/v1/auth/password", Access::LoggedIn(), [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto st = auth.ChangePassword(req.User(), Str(body, "old_password"), Str(body, "new_password"),
                                    req.remote_addr);
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

void AddIdentityRoutes(Router& router, const AuthApiOptions& options) {
  auth::IdentityProvider* idp = options.identity;
  router.Add("GET", "/api/v1/auth/identity", Access::Public(), [idp](Request&) {
    if (idp == nullptr) return Response::Ok({{"provider", nullptr}, {"label", "未接入"}});
    return Response::Ok({{"provider", idp->Name()}, {"label", idp->Label()}});
  });
  if (options.demo_identity == nullptr) return;
  // The demo's stand-in for the provincial legal-person login page (江苏政务服务网): it vouches
  // for whatever it is told. Registered only with --demo-identity.
  router.Add("POST", "/api/v1/auth/identity/demo", Access::Public(),
             [demo = options.demo_identity](Request& req) {
               return WithBody(req, [&](const json& body) {
                 auth::LegalPersonClaim c;
                 c.uscc = Str(body, "uscc");
                 c.enterprise_name = Str(body, "enterprise_name");
                 c.person_name = Str(body, "person_name");
                 c.legal_representative =
                     !body.contains("legal_representative") || body["legal_representative"] == true;
                 return Answer(demo->IssueTicket(c), [](const std::string& t) {
                   return json{{"ticket", t}, {"provider", "demo"}};
                 });
               });
             });
}

void AddMemberRoutes(Router& router, auth::AuthService& auth) {
  auto ent = Access::Kinds({auth::UserKind::kEnterprise});
  router.Add("GET", "/api/v1/me/enterprise/members", ent, [&auth](Request& req) {
    return Answer(auth.ListMembers(req.User()),
                  [](const std::vector<auth::Member>& list) { return ItemsJson(list, MemberJson); });
  });
  router.Add("DELETE", "/api/v1/me/enterprise/members/{id}", ent.Owned("member"), [&auth](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto st = auth.RemoveMember(req.User(), id);
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"removed", true}});
    });
  });
  router.Add("GET", "/api/v1/me/enterprise/invitations", ent, [&auth](Request& req) {
    return Answer(auth.ListInvitations(req.User()),
                  [](const std::vector<auth::Invitation>& list) { return ItemsJson(list, InvitationJson); });
  });
  router.Add("POST", "/api/v1/me/enterprise/invitations", ent, [&auth](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto role = auth::ParseRole(body.value("role", "enterprise_preparer"), "role");
      if (!role.ok()) return Response::FromError(role.error());
      return Answer(auth.Invite(req.User(), *role, Str(body, "note")), InvitationJson, 201);
    });
  });
  router.Add("DELETE", "/api/v1/me/enterprise/invitations/{id}", ent.Owned("invitation"),
             [&auth](Request& req) {
               return WithId(req, [&](int64_t id) {
                 auto st = auth.RevokeInvitation(req.User(), id);
                 if (!st.ok()) return Response::FromError(st.error());
                 return Response::Ok({{"revoked", true}});
               });
             });
}

void AddDepartmentRoutes(Router& router, auth::AuthService& auth) {
  // The public list (发文部门 filters, contact pages): who the departments are, nothing else.
  router.Add("GET", "/api/v1/departments", Access::Public(), Caching::kPublished, [&auth](Request&) {
    return Answer(auth.ListDepartments(), [](const std::vector<auth::Department>& list) {
      json items = json::array();
      for (const auto& d : list) {
        items.push_back({{"id", d.id},
                         {"code", d.code},
                         {"name", d.name},
                         {"level", auth::DepartmentLevelCode(d.level)},
                         {"level_label", auth::DepartmentLevelLabel(d.level)},
                         {"phone", d.phone}});
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
  router.Add("GET", "/api/v1/admin/departments/{id}", Access::LoggedIn().On("department"),
             [&auth](Request& req) {
               auto id = req.PathId("id");
               if (!id.ok()) return Response::FromError(id.error());
               return Answer(auth.GetDepartment(*id), DepartmentJson);
             });
  router.Add("POST", "/api/v1/admin/departments", Access::Admin(), Caching::kChangesPublished,
             [&auth](Request& req) {
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
  router.Add("GET", "/api/v1/admin/users/{id}", Access::Admin().On("user"), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return Answer(auth.GetUser(*id), UserJson);
  });
  router.Add("PATCH", "/api/v1/admin/users/{id}", Access::Admin().On("user"), [&auth](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    return WithBody(req, [&](const json& body) {
      auto changes = ChangesFrom(body);
      if (!changes.ok()) return Response::FromError(changes.error());
      return Answer(auth.UpdateUser(&req.User(), *id, *changes), UserJson);
    });
  });
  router.Add("POST", "/api/v1/admin/users/{id}/password", Access::Admin().On("user"), [&auth](Request& req) {
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
    router.Add("POST", path, Access::Admin().On("user"), [&auth, active](Request& req) {
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
  AddIdentityRoutes(router, options);
  AddMemberRoutes(router, auth);
  AddDepartmentRoutes(router, auth);
  AddUserRoutes(router, auth);
  AddAuditRoutes(router, db);
}

}  // namespace huiqi::http
