#pragma once
// Accounts, departments and sessions. The platform office allocates department accounts
// (江阴办法 第十五条) and keeps the list of their users on file, changed when a user is
// replaced (第十六条); enterprises and individuals register themselves (第十三条) after proving
// their phone number by a one-time code, and an enterprise account is bound to its USCC only
// through the identity provider (江苏政务服务网 legal-person login, an IdentityProvider) or an
// invitation from the enterprise's own admin — never by typing the code.
// Sessions live in the database (any server node can resolve them); only the SHA-256 of a
// session token is stored. Login failures are counted per account × address (that pair is
// locked), per account (an increasing delay that a browser which logged in before skips) and
// per address, in the database, so the limits hold across nodes. Phone numbers are sealed with
// the key ring and masked in audit rows. Every change is audited in its transaction.
// Thread-safe: all state is in the database.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/identity.h"
#include "auth/principal.h"
#include "core/date.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::auth {

struct AuthOptions {
  int session_idle_minutes = 2 * 60;      // sliding: a session ends after this long without a request
  int session_max_hours = 12;             // absolute: and this long after login, however active
  int session_refresh_minutes = 5;        // the sliding expiry is written at most this often
  int max_failures_per_pair = 5;          // failures of one account from one address: that pair locks
  int account_backoff_after = 10;         // failures of one account from anywhere before delays start
  int account_backoff_max_seconds = 300;  // the delay doubles per further failure up to this
  int max_failures_per_address = 100;     // failures from one address (any accounts): password spraying
  int failure_window_minutes = 15;
  int trusted_device_days = 180;           // a browser that logged in skips the account-wide delay
  int max_registrations_per_address = 10;  // per hour
  int max_registrations_per_minute = 30;   // platform-wide: each costs an Argon2 hash
  int phone_code_minutes = 10;             // a registration code's lifetime
  int phone_code_attempts = 3;             // registrations one code may be tried for
  int max_codes_per_phone = 5;             // per hour, at most one a minute
  int max_codes_per_address = 20;          // per hour
  int invitation_days = 7;                 // an enterprise invitation's lifetime
  //! A resolved session is reused this long on this node (0: every request reads the database).
  //! A logout or account change through another node reaches this one within it.
  int session_cache_ms = 2000;
  bool echo_codes = false;  // demo/tests only: the code is returned instead of texted

  //! kInvalidArgument naming the first field out of range (field "auth.<name>").
  core::Status Validate() const;
};

enum class DepartmentLevel { kNational, kProvincial, kMunicipal, kCounty };
std::string_view DepartmentLevelCode(DepartmentLevel l);   // national, provincial, municipal, county
std::string_view DepartmentLevelLabel(DepartmentLevel l);  // 国家级, 省级, 市级, 县区级
core::Result<DepartmentLevel> ParseDepartmentLevel(std::string_view code);

struct Department {
  int64_t id = 0;
  std::string code;  // "CZ-KJJ"
  std::string name;  // 常州市科学技术局
  DepartmentLevel level = DepartmentLevel::kMunicipal;
  std::optional<int64_t> parent_id;
  std::string phone;
  std::string created_at;  // set by the service
};

struct User {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  UserKind kind = UserKind::kIndividual;
  std::optional<int64_t> department_id;
  std::vector<Role> roles;
  std::optional<std::string> uscc;
  std::string phone;
  bool active = true;
  std::string created_at;
};

struct NewUser {
  UserKind kind = UserKind::kIndividual;
  std::string login;
  std::string display_name;
  std::string password;
  std::string department_code;  // department staff: required
  std::vector<Role> roles;      // department staff: at least one; enterprise users: set by binding
  std::string uscc;             // enterprise users created by an admin: required (GB 32100-2015)
  std::string phone;
};

//! A self-registration (澄 第十三条): the account, the code texted to its phone, and for an
//! enterprise either the identity provider's ticket or the enterprise admin's invitation code.
struct Registration {
  NewUser user;                 // kind enterprise or individual; uscc comes from the ticket/invite
  std::string phone_code;       // from RequestPhoneCode
  std::string identity_ticket;  // enterprise: proves the registrant represents it
  std::string invite_code;      // enterprise: joins an enterprise already bound
  std::string remote_addr;
};

//! Told at login: failed attempts since the last successful one (the rightful user learns of
//! an attack on the account without being locked out by it).
struct LoginNotice {
  int64_t failed_attempts = 0;
  std::string last_failed_at, last_failed_from;
};

//! An account acting for an enterprise.
struct Member {
  int64_t user_id = 0;
  std::string login, display_name, phone_masked, created_at;
  Role role = Role::kEnterprisePreparer;
  bool active = true;
};

struct Invitation {
  int64_t id = 0;
  std::string uscc, note, created_at, status, invited_by_login;
  Role role = Role::kEnterprisePreparer;
  int64_t expires_at = 0;  // unix seconds
  std::string code;        // only when just created: shown once, stored as a hash
};

struct PhoneCodeSent {
  int64_t expires_in_seconds = 0;
  std::string phone_masked;
  std::string code;  // only with AuthOptions::echo_codes (demo, tests)
};

//! Sends a short text to a phone (the SMS gateway; a file in the demo). Implemented by the
//! caller; the notify module's SMS channel later.
class TextSender {
 public:
  virtual ~TextSender() = default;
  virtual core::Status Send(std::string_view phone, std::string_view text) = 0;
};

//! The person behind a department account changes (江阴办法 第十六条): new name and phone on file.
struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> phone;
};

struct LoginResult {
  std::string token;         // the cookie value; never stored
  std::string device_token;  // a new trusted-device cookie value, "" when the browser had one
  Principal principal;
  LoginNotice notice;
};

//! What the service needs besides the database and the clock. Not owned; must outlive it.
struct AuthDeps {
  const secrets::KeyRing& keys;
  IdentityProvider* identity = nullptr;  // null: enterprises register only by invitation
  TextSender* texts = nullptr;           // null: phone codes cannot be sent (registration closed)
};

//! Which accounts to list, e.g. a department's users for the list on file (澄 第十六条).
struct UserQuery {
  int page = 1;                          // from 1
  int page_size = 20;                    // 1..100; out of range → 20
  std::optional<UserKind> kind;          // any kind when empty
  std::optional<int64_t> department_id;  // any department when empty
};

namespace detail {
class SessionCache;
}

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

class AuthService final : public SessionResolver {
 public:
  //! `db`, `clock` and the deps are not owned and must outlive the service. `options` must Validate().
  AuthService(store::Database& db, const core::Clock& clock, AuthDeps deps, AuthOptions options = {});
  ~AuthService() override;
  const AuthOptions& options() const { return options_; }

  // Departments. `actor` null = the command line. Errors name the field.
  //! Platform admin only; kConflict (field "code") for a duplicate code.
  core::Result<Department> CreateDepartment(const Principal* actor, const Department& d);
  core::Result<std::vector<Department>> ListDepartments();
  //! kNotFound when absent.
  core::Result<Department> GetDepartment(int64_t id);
  core::Result<Department> FindDepartmentByCode(std::string_view code);

  // Accounts. Admin-only methods return kPermissionDenied for anyone else.
  //! Admin creates any kind of account (澄 第十五条); kConflict (field "login") for a taken login.
  //! An enterprise account binds its USCC when unbound, else joins it as a preparer.
  core::Result<User> CreateUser(const Principal* actor, const NewUser& u);
  //! Texts a registration code to `phone` (same answer whether or not the number has an
  //! account). kRateLimited per phone and address; kUnavailable when no sender is configured.
  core::Result<PhoneCodeSent> RequestPhoneCode(std::string_view phone, std::string_view remote_addr);
  //! Self-registration: enterprise or individual only (澄 第十三条), after the phone code; an
  //! enterprise by an identity ticket (binds an unbound USCC; kConflict "uscc_bound" otherwise)
  //! or an invitation. The login's availability is told only to a registrant holding a valid
  //! code, each code allows `phone_code_attempts` tries, so logins cannot be enumerated in bulk.
  core::Result<User> Register(const Registration& r);

  // The enterprise's own accounts (Corppass-style roles). `p` must be an enterprise user.
  core::Result<std::vector<Member>> ListMembers(const Principal& p);
  //! Enterprise admin: an invitation code for a new account of `role` (shown once).
  core::Result<Invitation> Invite(const Principal& p, Role role, std::string_view note);
  core::Result<std::vector<Invitation>> ListInvitations(const Principal& p);
  core::Status RevokeInvitation(const Principal& p, int64_t invitation_id);
  //! Enterprise admin: disables another account of the enterprise and ends its sessions.
  core::Status RemoveMember(const Principal& p, int64_t user_id);
  core::Result<User> GetUser(int64_t id);
  //! Ordered by id.
  core::Result<Page<User>> ListUsers(const UserQuery& query);
  core::Result<Page<User>> ListUsers(int page, int page_size);
  //! Admin: a new person takes over an account (澄 第十六条).
  core::Result<User> UpdateUser(const Principal* actor, int64_t user_id, const UserChanges& changes);
  //! Admin: disabling ends every session of the account; an admin cannot disable themself.
  core::Result<User> SetActive(const Principal* actor, int64_t user_id, bool active);
  //! Admin: sets a new password (policy applies, field "password") and ends every session.
  core::Status ResetPassword(const Principal* actor, int64_t user_id, std::string_view new_password);

  // Sessions.
  //! Errors: kRateLimited for a locked account × address pair, an account-wide delay (skipped
  //! with `device_token` from an earlier login of this account) or a spraying address;
  //! kUnauthenticated "bad_credentials" without saying whether the account exists (an unknown
  //! login costs the same Argon2 work).
  core::Result<LoginResult> Login(std::string_view login, std::string_view password,
                                  std::string_view remote_addr, std::string_view device_token = "");
  //! Ends the principal's session. Ok when it had already ended.
  core::Status Logout(const Principal& p);
  //! The user's own change: the old password must match (field "old_password", counted as a
  //! failed login); the new one must pass the policy (field "new_password"). Ends the user's
  //! other sessions.
  core::Status ChangePassword(const Principal& p, std::string_view old_password,
                              std::string_view new_password, std::string_view remote_addr);
  //! Extends the sliding expiry (at most every session_refresh_minutes). A session resolved in
  //! the last session_cache_ms is answered from memory (detail/session_cache.h).
  core::Result<std::optional<Principal>> Resolve(std::string_view token) override;

 private:
  struct Attempt;
  struct Binding;
  core::Result<User> Insert(const Principal* actor, const NewUser& u, const Binding* binding);
  core::Result<Attempt> ReserveAttempt(std::string_view login, std::string_view remote_addr,
                                       std::string_view device_token);
  core::Status RecordFailure(std::string_view login, std::string_view remote_addr);
  core::Result<LoginResult> OpenSession(const User& user, const Attempt& attempt,
                                        std::string_view remote_addr);
  core::Status CountEvent(const std::string& subject, int limit, int window_seconds,
                          std::string_view what_zh);
  //! The id of the phone's open code after counting one try; kInvalidArgument "phone_code".
  core::Result<int64_t> CheckPhoneCode(std::string_view phone, std::string_view code);
  core::Result<Binding> BindingFor(const Registration& r);
  core::Status RequireEnterpriseAdmin(const Principal& p) const;

  store::Database& db_;
  const core::Clock& clock_;
  AuthDeps deps_;
  AuthOptions options_;
  std::unique_ptr<detail::SessionCache> sessions_;  // resolved sessions, briefly
};

}  // namespace huiqi::auth
