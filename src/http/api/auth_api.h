#pragma once
// Accounts and sessions over HTTP.
//   POST /api/v1/auth/login      {login, password} → sets the session cookie; {user, csrf_token}
//   POST /api/v1/auth/logout
//   POST /api/v1/auth/register   {kind: enterprise|individual, login, display_name, password, uscc?, phone?}
//   GET  /api/v1/me
//   GET/POST /api/v1/admin/departments            (platform admin)
//   GET/POST /api/v1/admin/users?page=&page_size= (platform admin)
//   GET  /api/v1/admin/audit?page=&page_size=     (platform admin)
//   GET  /api/v1/admin/audit/verify               (platform admin)

#include "auth/auth_service.h"
#include "http/router.h"
#include "store/database.h"

namespace huiqi::http {

struct AuthApiOptions {
  std::string cookie_name = "huiqi_session";
  bool secure_cookie = false;  // set when served over HTTPS (behind a TLS-terminating proxy)
  int session_hours = 12;
};

void RegisterAuthApi(Router& router, auth::AuthService& auth, store::Database& db, AuthApiOptions options = {});

}  // namespace huiqi::http
