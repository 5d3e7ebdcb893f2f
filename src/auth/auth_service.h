#pragma once
// Accounts, departments and sessions. The platform office allocates department accounts
// (江阴办法 第十五条) and keeps the list of their users on file, changed when a user is
// replaced (第十六条); enterprises and individuals register themselves (第十三条).
// Sessions live in the database (any server node can resolve them); only the SHA-256 of a
// session token is stored. Login failures are counted per account and per address in the
// database too, so the limit holds across nodes. Every change is audited in its transaction.
// Thread-safe: all state is in the database.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/date.h"
#include "store/database.h"

namespace huiqi::auth {

struct AuthOptions {
  int session_idle_minutes = 12 * 60;  // sliding: a session ends after this long without a request
  int session_max_hours = 7 * 24;      // absolute: and this long after login, however active
  int session_refresh_minutes = 5;     // the sliding expiry is written at most this often
  int max_failures_per_account = 5;    // failed logins of one account within the window
  int max_failures_per_address = 20;   // failed logins from one address within the window
  int failure_window_minutes = 15;

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
  std::vector<Role> roles;      // department staff: at least one
  std::string uscc;             // enterprise users: required, validated (GB 32100-2015)
  std::string phone;
};

//! The person behind a department account changes (江阴办法 第十六条): new name and phone on file.
struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> phone;
};

struct LoginResult {
  std::string token;  // the cookie value; never stored
  Principal principal;
};

//! Which accounts to list, e.g. a department's users for the list on file (澄 第十六条).
struct UserQuery {
  int page = 1;                          // from 1
  int page_size = 20;                    // 1..100; out of range → 20
  std::optional<UserKind> kind;          // any kind when empty
  std::optional<int64_t> department_id;  // any department when empty
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

class AuthService final : public SessionResolver {
 public:
  //! `db` and `clock` are not owned and must outlive the service. `options` must Validate().
  AuthService(store::Database& db, const core::Clock& clock, AuthOptions options = {});
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
  core::Result<User> CreateUser(const Principal* actor, const NewUser& u);
  //! Self-registration: enterprise (with a valid USCC) or individual only (澄 第十三条).
  core::Result<User> Register(const NewUser& u);
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
  //! Errors: kRateLimited after too many failures; kUnauthenticated "bad_credentials" without
  //! saying whether the account exists (an unknown login costs the same Argon2 work).
  core::Result<LoginResult> Login(std::string_view login, std::string_view password, std::string_view remote_addr);
  //! Ends the principal's session. Ok when it had already ended.
  core::Status Logout(const Principal& p);
  //! The user's own change: the old password must match (field "old_password", counted as a
  //! failed login); the new one must pass the policy (field "new_password"). Ends the user's
  //! other sessions.
  core::Status ChangePassword(const Principal& p, std::string_view old_password, std::string_view new_password,
                              std::string_view remote_addr);
  //! Extends the sliding expiry (at most every session_refresh_minutes).
  core::Result<std::optional<Principal>> Resolve(std::string_view token) override;

 private:
  struct Attempt;
  core::Result<User> Insert(const Principal* actor, const NewUser& u, bool self_registration);
  core::Result<Attempt> ReserveAttempt(std::string_view login, std::string_view remote_addr);
  core::Status RecordFailure(std::string_view login, std::string_view remote_addr);
  core::Result<LoginResult> OpenSession(const User& user, const Attempt& attempt, std::string_view remote_addr);

  store::Database& db_;
  const core::Clock& clock_;
  AuthOptions options_;
};

}  // namespace huiqi::auth
