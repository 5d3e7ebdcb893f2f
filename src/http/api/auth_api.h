#pragma once
// Accounts and sessions over HTTP. Handlers parse, call AuthService or the audit log, and map
// to JSON; role checks are declared per route (Access) and enforced by the router.
//   POST /api/v1/auth/login      {login, password} → sets the session cookie; {user, csrf_token}
//   POST /api/v1/auth/logout     ends the session, clears the cookie
//   POST /api/v1/auth/register   {kind: enterprise|individual, login, display_name, password, uscc?, phone?}
//   POST /api/v1/auth/password   {old_password, new_password}   (ends the user's other sessions)
//   GET  /api/v1/me              user with kind/role codes and labels, department, uscc, csrf_token
//   GET  /api/v1/admin/departments, GET /api/v1/admin/departments/{id}   (logged in)
//   POST /api/v1/admin/departments                 (platform admin)
//   GET/POST /api/v1/admin/users?page=&page_size=&kind=&department_id=  (platform admin)
//   GET/PATCH /api/v1/admin/users/{id}             (platform admin; PATCH {display_name?, phone?})
//   POST /api/v1/admin/users/{id}/password {password}, …/disable, …/enable   (platform admin)
//   GET  /api/v1/admin/audit?page=&page_size=&entity=&entity_id=&actor=     (platform admin)
//   GET  /api/v1/admin/audit/verify                (platform admin)

#include <string>

#include "auth/auth_service.h"
#include "http/router.h"
#include "store/database.h"

namespace huiqi::http {

struct AuthApiOptions {
  std::string cookie_name = "huiqi_session";  // must match RouterOptions::session_cookie
  bool secure_cookie = false;                 // set when served over HTTPS (behind a TLS-terminating proxy)
};

//! `auth` and `db` are not owned and must outlive the router. The cookie lives as long as the
//! longest session (AuthOptions::session_max_hours); the server ends idle sessions sooner.
void RegisterAuthApi(Router& router, auth::AuthService& auth, store::Database& db, AuthApiOptions options = {});

}  // namespace huiqi::http
