#pragma once
// Internals of the auth module: its SQL, row mapping and input checks. Not for other modules.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::auth::detail {

using store::Statement;

// Departments.
inline constexpr Statement kInsertDepartment{"auth.insert_department",
                                             "INSERT INTO departments (code, name, level, parent_id, phone, "
                                             "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kListDepartments{
    "auth.list_departments",
    "SELECT id, code, name, level, parent_id, phone, created_at FROM departments ORDER BY id"};
inline constexpr Statement kDepartmentByCode{
    "auth.department_by_code",
    "SELECT id, code, name, level, parent_id, phone, created_at FROM departments WHERE code = ?"};
inline constexpr Statement kDepartmentById{
    "auth.department_by_id",
    "SELECT id, code, name, level, parent_id, phone, created_at FROM departments WHERE id = ?"};

// Users.
inline constexpr Statement kInsertUser{
    "auth.insert_user",
    "INSERT INTO users (login, display_name, kind, department_id, roles, uscc, phone, phone_hash, "
    "password_hash, "
    "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"};
inline constexpr Statement kUserByLogin{
    "auth.user_by_login",
    "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, password_hash, active, "
    "created_at, "
    "failed_logins, last_failed_at, last_failed_from FROM users WHERE login = ?"};
inline constexpr Statement kUserById{"auth.user_by_id",
                                     "SELECT id, login, display_name, kind, department_id, roles, uscc, "
                                     "phone, password_hash, active, created_at "
                                     "FROM users WHERE id = ?"};
// Optional filters as bound parameters: kind '' and department 0 match everything.
inline constexpr Statement kCountUsers{
    "auth.count_users",
    "SELECT COUNT(*) AS n FROM users WHERE (? = '' OR kind = ?) AND (? = 0 OR department_id = ?)"};
inline constexpr Statement kPageUsers{
    "auth.page_users",
    "SELECT id, login, display_name, kind, department_id, roles, uscc, phone, active, created_at FROM users "
    "WHERE (? = '' OR kind = ?) AND (? = 0 OR department_id = ?) ORDER BY id LIMIT ? OFFSET ?"};
inline constexpr Statement kUpdateContact{
    "auth.update_contact",
    "UPDATE users SET display_name = ?, phone = ?, phone_hash = ?, updated_at = ? WHERE id = ?"};
inline constexpr Statement kNoteUserFailure{"auth.note_user_failure",
                                            "UPDATE users SET failed_logins = failed_logins + 1, "
                                            "last_failed_at = ?, last_failed_from = ? WHERE login = ?"};
inline constexpr Statement kClearUserFailures{
    "auth.clear_user_failures", "UPDATE users SET failed_logins = 0 WHERE id = ? AND failed_logins > 0"};
inline constexpr Statement kPlainPhones{
    "auth.plain_phones", "SELECT id, phone FROM users WHERE phone <> '' AND phone NOT LIKE 'enc1:%'"};
inline constexpr Statement kSealPhone{
    "auth.seal_phone", "UPDATE users SET phone = ?, phone_hash = ? WHERE id = ? AND phone = ?"};
inline constexpr Statement kSetActive{"auth.set_active",
                                      "UPDATE users SET active = ?, updated_at = ? WHERE id = ?"};
inline constexpr Statement kSetPassword{"auth.set_password",
                                        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"};

// Login failures: one row per failed (or in-flight) attempt and subject.
inline constexpr Statement kInsertFailure{
    "auth.insert_failure", "INSERT INTO login_failures (subject, at) VALUES (?, ?) RETURNING id"};
inline constexpr Statement kCountFailures{
    "auth.count_failures", "SELECT COUNT(*) AS n FROM login_failures WHERE subject = ? AND at > ?"};
inline constexpr Statement kDeleteFailure{"auth.delete_failure", "DELETE FROM login_failures WHERE id = ?"};
inline constexpr Statement kClearFailures{"auth.clear_failures",
                                          "DELETE FROM login_failures WHERE subject = ?"};
inline constexpr Statement kPruneFailures{"auth.prune_failures", "DELETE FROM login_failures WHERE at <= ?"};
//! The newest failure of a subject other than the attempt itself (the account-wide delay runs from it).
inline constexpr Statement kLastFailure{
    "auth.last_failure",
    "SELECT COALESCE(MAX(at), 0) AS at FROM login_failures WHERE subject = ? AND id <> ?"};

// Trusted devices (browsers that logged in to the account before).
inline constexpr Statement kInsertDevice{
    "auth.insert_device",
    "INSERT INTO trusted_devices (user_id, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?)"};
inline constexpr Statement kDeviceUser{
    "auth.device_user", "SELECT user_id FROM trusted_devices WHERE token_hash = ? AND last_used_at > ?"};
inline constexpr Statement kTouchDevice{"auth.touch_device",
                                        "UPDATE trusted_devices SET last_used_at = ? WHERE token_hash = ?"};
inline constexpr Statement kPruneDevices{
    "auth.prune_devices", "DELETE FROM trusted_devices WHERE user_id = ? AND last_used_at <= ?"};

// Enterprise bindings, invitations and members.
inline constexpr Statement kInsertBinding{"auth.insert_binding",
                                          "INSERT INTO enterprise_bindings (uscc, admin_user_id, "
                                          "verified_by, verification_ref, legal_person, bound_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?)"};
inline constexpr Statement kBindingOf{
    "auth.binding_of", "SELECT uscc, admin_user_id, verified_by FROM enterprise_bindings WHERE uscc = ?"};
inline constexpr Statement kInsertInvitation{"auth.insert_invitation",
                                             "INSERT INTO enterprise_invitations (uscc, code_hash, role, "
                                             "invited_by, note, created_at, expires_at, status) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, 'open') RETURNING id"};
inline constexpr Statement kOpenInvitation{"auth.open_invitation",
                                           "SELECT id, uscc, role FROM enterprise_invitations WHERE "
                                           "code_hash = ? AND status = 'open' AND expires_at > ?"};
inline constexpr Statement kUseInvitation{"auth.use_invitation",
                                          "UPDATE enterprise_invitations SET status = 'used', used_by = ?, "
                                          "used_at = ? WHERE id = ? AND status = 'open'"};
inline constexpr Statement kRevokeInvitation{
    "auth.revoke_invitation",
    "UPDATE enterprise_invitations SET status = 'revoked' WHERE id = ? AND uscc = ? AND status = 'open'"};
inline constexpr Statement kInvitationOfEnterprise{
    "auth.invitation_of_enterprise", "SELECT status FROM enterprise_invitations WHERE id = ? AND uscc = ?"};
inline constexpr Statement kInvitationsOf{
    "auth.invitations_of",
    "SELECT i.id, i.uscc, i.role, i.note, i.created_at, i.expires_at, i.status, u.login AS invited_by_login "
    "FROM enterprise_invitations i JOIN users u ON u.id = i.invited_by WHERE i.uscc = ? ORDER BY i.id DESC "
    "LIMIT 100"};
inline constexpr Statement kMembersOf{
    "auth.members_of",
    "SELECT id, login, display_name, roles, phone, active, created_at FROM users "
    "WHERE kind = 'enterprise' AND uscc = ? ORDER BY id"};
inline constexpr Statement kDisableMember{"auth.disable_member",
                                          "UPDATE users SET active = 0, updated_at = ? WHERE id = ? AND uscc "
                                          "= ? AND kind = 'enterprise' AND active = 1"};

// Rate-limited events.
inline constexpr Statement kInsertEvent{"auth.insert_event",
                                        "INSERT INTO rate_events (subject, at) VALUES (?, ?) RETURNING id"};
inline constexpr Statement kCountEvents{"auth.count_events",
                                        "SELECT COUNT(*) AS n FROM rate_events WHERE subject = ? AND at > ?"};
inline constexpr Statement kDeleteEvent{"auth.delete_event", "DELETE FROM rate_events WHERE id = ?"};
inline constexpr Statement kPruneEvents{"auth.prune_events", "DELETE FROM rate_events WHERE at <= ?"};

// One-time phone codes.
inline constexpr Statement kInsertCode{"auth.insert_code",
                                       "INSERT INTO phone_codes (phone_hash, purpose, code_hash, created_at, "
                                       "expires_at) VALUES (?, ?, ?, ?, ?)"};
inline constexpr Statement kOpenCode{
    "auth.open_code",
    "SELECT id, code_hash, attempts FROM phone_codes WHERE phone_hash = ? AND purpose = ? AND used = 0 "
    "AND expires_at > ? ORDER BY id DESC LIMIT 1"};
//! Counts one try; guarded so concurrent tries cannot exceed the limit.
inline constexpr Statement kTryCode{
    "auth.try_code",
    "UPDATE phone_codes SET attempts = attempts + 1 WHERE id = ? AND used = 0 AND attempts < ?"};
inline constexpr Statement kUseCode{"auth.use_code",
                                    "UPDATE phone_codes SET used = 1 WHERE id = ? AND used = 0"};
inline constexpr Statement kPruneCodes{"auth.prune_codes", "DELETE FROM phone_codes WHERE expires_at < ?"};

// Sessions.
inline constexpr Statement kInsertSession{
    "auth.insert_session",
    "INSERT INTO sessions (token_hash, user_id, csrf_token, remote_addr, created_at, expires_at, revoked) "
    "VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id"};
inline constexpr Statement kResolve{
    "auth.resolve",
    "SELECT s.id AS session_id, s.csrf_token, s.created_at AS session_created_at, s.expires_at, u.id, "
    "u.login, "
    "u.display_name, u.kind, u.department_id, u.roles, u.uscc, u.phone, u.active, u.created_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked = 0"};
inline constexpr Statement kExtendSession{
    "auth.extend_session", "UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at < ?"};
inline constexpr Statement kRevoke{"auth.revoke",
                                   "UPDATE sessions SET revoked = 1 WHERE id = ? AND revoked = 0"};
//! Every live session of a user except `keep` (0 keeps none).
inline constexpr Statement kRevokeUserSessions{
    "auth.revoke_user_sessions",
    "UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0 AND id <> ?"};
inline constexpr Statement kPruneSessions{"auth.prune_sessions",
                                          "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?"};

std::string JoinRoles(const std::vector<Role>& roles);
std::vector<Role> SplitRoles(std::string_view text);
Department DepartmentOf(const store::Row& r);
//! The phone is opened with `keys` (an unreadable one shows as "").
User UserOf(const store::Row& r, const secrets::KeyRing& keys);
Principal PrincipalOf(const User& u, int64_t session_id, std::string csrf_token);

//! What the audit log keeps of a record: never a password hash, the phone only masked.
nlohmann::json AuditJson(const User& u);
nlohmann::json AuditJson(const Department& d);

//! The key an address's login failures are counted under: an IPv4 address as is (also when
//! written IPv4-mapped, "::ffff:a.b.c.d"); an IPv6 address by its /64 network, since one
//! client usually holds a whole /64 and could otherwise step round the limit.
std::string AddressKey(std::string_view remote_addr);

audit::Actor ActorOf(const Principal* p);  // null = the command line
core::Status RequireAdmin(const Principal* actor, std::string_view what_zh);
//! Every field of a new account; the USCC only when `need_uscc` (a self-registering
//! enterprise's code comes from its identity ticket or invitation).
core::Status ValidateNewUser(const NewUser& u, bool need_uscc = true);
//! A Chinese mainland mobile number (11 digits starting with 1) or a landline; field "phone".
core::Status ValidatePhone(std::string_view phone, bool required);
//! The sealed form and the lookup hash of a phone number ("" for none).
std::pair<std::string, std::string> SealPhone(const secrets::KeyRing& keys, std::string_view phone);
//! The user `user_id` read in the caller's transaction; kNotFound when absent.
core::Result<User> LoadUser(store::Session& s, int64_t user_id, const secrets::KeyRing& keys);

}  // namespace huiqi::auth::detail

namespace huiqi::auth {

//! How a new enterprise account relates to its USCC (decided before the transaction, applied in it).
struct AuthService::Binding {
  enum class Mode { kNone, kBind, kJoin, kByAdmin };
  Mode mode = Mode::kNone;
  std::string uscc, verified_by, reference, legal_person;
  int64_t invitation_id = 0;
  Role role = Role::kEnterprisePreparer;  // kJoin: the invitation's role
  int64_t phone_code_id = 0;              // self-registration: the code it spends
};

}  // namespace huiqi::auth
