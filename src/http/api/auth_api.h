#pragma once
// Accounts and sessions over HTTP. Handlers parse, call AuthService or the audit log, and map
// to JSON; role checks are declared per route (Access) and enforced by the router.
//   POST /api/v1/auth/login      {login, password} → sets the session cookie; {user, csrf_token}
//   POST /api/v1/auth/logout     ends the session, clears the cookie
//   POST /api/v1/auth/phone-code {phone} → 202 {sent, phone (masked), expires_in_seconds, demo_code?}
//   POST /api/v1/auth/register   {kind: enterprise|individual, login, display_name, password, phone,
//   phone_code,
//                                 identity_ticket? | invite_code?}  (enterprise: one of the two)
//   GET  /api/v1/auth/identity   the identity provider: {provider, label}
//   POST /api/v1/auth/identity/demo {uscc, enterprise_name?, person_name, legal_representative?} → {ticket}
//                                (only with --demo-identity: stands in for 江苏政务服务网's legal-person
//                                login)
//   GET  /api/v1/me/enterprise/members, DELETE …/members/{id}          (enterprise; removing: its admin)
//   GET/POST /api/v1/me/enterprise/invitations {role, note}, DELETE …/{id}  (the enterprise's admin)
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
  std::string cookie_name = "huiqi_session";   // must match RouterOptions::session_cookie
  std::string device_cookie = "huiqi_device";  // trusted-device cookie (sent only to /api/v1/auth/)
  bool secure_cookie = false;                  // set when served over HTTPS (behind a TLS-terminating proxy)
  auth::IdentityProvider* identity = nullptr;  // what GET /auth/identity names; not owned
  auth::DemoIdentityProvider* demo_identity = nullptr;  // non-null: POST /auth/identity/demo exists
};

//! `auth` and `db` are not owned and must outlive the router. The cookie lives as long as the
//! longest session (AuthOptions::session_max_hours); the server ends idle sessions sooner.
void RegisterAuthApi(Router& router, auth::AuthService& auth, store::Database& db,
                     AuthApiOptions options = {});

}  // namespace huiqi::http
