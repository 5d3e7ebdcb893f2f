#pragma once
// Internals of the auth module: its SQL, row mapping and input checks. Not for other modules.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "store/database.h"

namespace huiqi::auth::detail {

using store::Statement;

// Departments.
inline constexpr Statement kInsertDepartment{
    "auth.insert_department",
    "INSERT INTO departments (code, name, level, parent_id, phone, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kListDepartments{
    "auth.list_departments", "SELECT id, code, name, level, parent_id, phone, created_at FROM departments ORDER BY id"};
inline constexpr Statement kDepartmentByCode{
    "auth.department_by_code",
    "SELECT id, code, name, level, parent_id, phone, created_at FROM departments WHERE code = ?"};
inline constexpr Statement kDepartmentById{
    "auth.department_by_id", "SELECT id, code, name, level, parent_id, phone, created_at FROM departments WHERE id = ?"};

// Users.
inline constexpr Statement kInsertUser{
    "auth.insert_user",
    "INSERT INTO users (login, display_name, kind, department_id, roles, uscc, phone, password_hash, active, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"};
inline constexpr Statement kUserByLogin{
    "auth.user_by_login",
    "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, password_hash, active, created_at "
    "FROM users WHERE login = ?"};
inline constexpr Statement kUserById{
    "auth.user_by_id",
    "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, password_hash, active, created_at "
    "FROM users WHERE id = ?"};
// Optional filters as bound parameters: kind '' and department 0 match everything.
inline constexpr Statement kCountUsers{
    "auth.count_users",
    "SELECT COUNT(*) AS n FROM users WHERE (? = '' OR kind = ?) AND (? = 0 OR department_id = ?)"};
inline constexpr Statement kPageUsers{
    "auth.page_users",
    "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, active, created_at FROM users "
    "WHERE (? = '' OR kind = ?) AND (? = 0 OR department_id = ?) ORDER BY id LIMIT ? OFFSET ?"};
inline constexpr Statement kUpdateContact{"auth.update_contact",
                                          "UPDATE users SET display_name = ?, phone = ?, updated_at = ? WHERE id = ?"};
inline constexpr Statement kSetActive{"auth.set_active", "UPDATE users SET active = ?, updated_at = ? WHERE id = ?"};
inline constexpr Statement kSetPassword{"auth.set_password",
                                        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"};

// Login failures: one row per failed (or in-flight) attempt and subject.
inline constexpr Statement kInsertFailure{"auth.insert_failure",
                                          "INSERT INTO login_failures (subject, at) VALUES (?, ?) RETURNING id"};
inline constexpr Statement kCountFailures{"auth.count_failures",
                                          "SELECT COUNT(*) AS n FROM login_failures WHERE subject = ? AND at > ?"};
inline constexpr Statement kDeleteFailure{"auth.delete_failure", "DELETE FROM login_failures WHERE id = ?"};
inline constexpr Statement kClearFailures{"auth.clear_failures", "DELETE FROM login_failures WHERE subject = ?"};
inline constexpr Statement kPruneFailures{"auth.prune_failures", "DELETE FROM login_failures WHERE at <= ?"};

// Sessions.
inline constexpr Statement kInsertSession{
    "auth.insert_session",
    "INSERT INTO sessions (token_hash, user_id, csrf_token, remote_addr, created_at, expires_at, revoked) "
    "VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id"};
inline constexpr Statement kResolve{
    "auth.resolve",
    "SELECT s.id AS session_id, s.csrf_token, s.created_at AS session_created_at, s.expires_at, u.id, u.login, "
    "u.display_name, u.kind, u.department_id, u.roles, u.uscc, u.phone, u.active, u.created_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked = 0"};
inline constexpr Statement kExtendSession{"auth.extend_session",
                                          "UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at < ?"};
inline constexpr Statement kRevoke{"auth.revoke", "UPDATE sessions SET revoked = 1 WHERE id = ? AND revoked = 0"};
//! Every live session of a user except `keep` (0 keeps none).
inline constexpr Statement kRevokeUserSessions{
    "auth.revoke_user_sessions", "UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0 AND id <> ?"};
inline constexpr Statement kPruneSessions{"auth.prune_sessions",
                                          "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?"};

std::string JoinRoles(const std::vector<Role>& roles);
std::vector<Role> SplitRoles(std::string_view text);
Department DepartmentOf(const store::Row& r);
User UserOf(const store::Row& r);
Principal PrincipalOf(const User& u, int64_t session_id, std::string csrf_token);

//! What the audit log keeps of a record: never a password hash.
nlohmann::json AuditJson(const User& u);
nlohmann::json AuditJson(const Department& d);

//! The key an address's login failures are counted under: an IPv4 address as is (also when
//! written IPv4-mapped, "::ffff:a.b.c.d"); an IPv6 address by its /64 network, since one
//! client usually holds a whole /64 and could otherwise step round the limit.
std::string AddressKey(std::string_view remote_addr);

audit::Actor ActorOf(const Principal* p);  // null = the command line
core::Status RequireAdmin(const Principal* actor, std::string_view what_zh);
core::Status ValidateNewUser(const NewUser& u);
//! The user `user_id` read in the caller's transaction; kNotFound when absent.
core::Result<User> LoadUser(store::Session& s, int64_t user_id);

}  // namespace huiqi::auth::detail
