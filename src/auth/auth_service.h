#pragma once
// Accounts, departments and sessions. The platform office allocates department accounts
// (江阴办法 第十五、十六条); enterprises and individuals register themselves (第十三条).
// Sessions live in the database (any server node can resolve them); only the SHA-256 of a
// session token is stored. Login failures are counted per account and per address in the
// database too, so the limit holds across nodes.
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
  int session_hours = 12;            // a session ends this long after login
  int max_failures_per_account = 5;  // failed logins of one account within the window
  int max_failures_per_address = 20; // failed logins from one address within the window
  int failure_window_minutes = 15;
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

struct LoginResult {
  std::string token;  // the cookie value; never stored
  Principal principal;
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

class AuthService final : public SessionResolver {
 public:
  //! `db` and `clock` are not owned and must outlive the service.
  AuthService(store::Database& db, const core::Clock& clock, AuthOptions options = {});

  //! Platform admin (or the command line: actor null). Errors name the field.
  core::Result<Department> CreateDepartment(const Principal* actor, const Department& d);
  core::Result<std::vector<Department>> ListDepartments();
  core::Result<Department> FindDepartmentByCode(std::string_view code);

  //! Admin creates any kind of account (the command line: actor null).
  core::Result<User> CreateUser(const Principal* actor, const NewUser& u);
  //! Self-registration: enterprise (with a valid USCC) or individual only.
  core::Result<User> Register(const NewUser& u);
  core::Result<Page<User>> ListUsers(int page, int page_size);

  //! Errors: kRateLimited after too many failures; kUnauthenticated "bad_credentials" without
  //! saying whether the account exists.
  core::Result<LoginResult> Login(std::string_view login, std::string_view password, std::string_view remote_addr);
  core::Status Logout(const Principal& p);
  core::Result<std::optional<Principal>> Resolve(std::string_view token) override;

 private:
  core::Result<User> Insert(const Principal* actor, const NewUser& u, bool self_registration);
  core::Status RecordFailure(std::string_view login, std::string_view remote_addr);

  store::Database& db_;
  const core::Clock& clock_;
  AuthOptions options_;
};

}  // namespace huiqi::auth
