// AuthService: login with limits, sessions (sliding expiry, database-held), password changes.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "auth/detail/records.h"
#include "auth/passwords.h"

namespace huiqi::auth {

using core::Result;
using core::Status;
using namespace detail;  // NOLINT: this file implements the module's own statements

//! An attempt that passed the limits: its provisional failure rows, removed again on success.
struct AuthService::Attempt {
  int64_t account_row = 0;
  int64_t address_row = 0;
};

namespace {

std::string AccountSubject(std::string_view login) { return "account:" + std::string(login); }
std::string AddressSubject(std::string_view addr) { return "address:" + AddressKey(addr); }

core::Error BadCredentials() {
  return core::MakeError(core::ErrorKind::kUnauthenticated, "bad_credentials", "登录名或密码错误",
                         "wrong login or password");
}

//! Verifies `password` against the user's hash, or against a fixed hash when there is no such
//! (active) user, so that an unknown login takes as long as a known one.
bool CheckCredentials(const std::optional<store::Row>& user, std::string_view password) {
  static const std::string kDummyHash = HashPassword("no-such-user-0").value();
  bool known = user && user->Bool("active");
  bool match = VerifyPassword(known ? user->Text("password_hash") : kDummyHash, password);
  return known && match;
}

}  // namespace

// The limit is checked by "insert, commit, then count": each attempt first commits a
// provisional failure row for its account and its address, then counts the rows in the window
// (its own included). Commits are totally ordered, so however many attempts race — on one node
// or many — at most `max` of them see a count within the limit. Rows of a successful attempt
// are removed again; the rest are the failures.
Result<AuthService::Attempt> AuthService::ReserveAttempt(std::string_view login, std::string_view remote_addr) {
  int64_t now = core::UnixSeconds(clock_.Now());
  int64_t window = int64_t{options_.failure_window_minutes} * 60;
  HQ_ASSIGN_OR_RETURN(Attempt a, db_.WriteValue<Attempt>([&](store::Session& s) -> Result<Attempt> {
    HQ_RETURN_IF_ERROR(s.Exec(kPruneFailures, {now - window}));
    HQ_ASSIGN_OR_RETURN(auto acc, s.QueryOne(kInsertFailure, {AccountSubject(login), now}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto addr, s.QueryOne(kInsertFailure, {AddressSubject(remote_addr), now}, "", ""));
    return Attempt{acc.Int("id"), addr.Int("id")};
  }));
  using Counts = std::pair<int64_t, int64_t>;
  HQ_ASSIGN_OR_RETURN(Counts n, db_.ReadValue<Counts>([&](store::Session& s) -> Result<Counts> {
    HQ_ASSIGN_OR_RETURN(auto acc, s.QueryOne(kCountFailures, {AccountSubject(login), now - window}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto addr, s.QueryOne(kCountFailures, {AddressSubject(remote_addr), now - window}, "", ""));
    return Counts{acc.Int("n"), addr.Int("n")};
  }));
  if (n.first <= options_.max_failures_per_account && n.second <= options_.max_failures_per_address) return a;
  // Refused before the password is looked at, so a locked account reveals nothing; the refused
  // attempt is not counted, so the lock ends one window after the last real failure.
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {a.account_row}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {a.address_row}));
    return core::Ok();
  }));
  return core::MakeError(core::ErrorKind::kRateLimited, "too_many_attempts",
                         "登录失败次数过多，请 " + std::to_string(options_.failure_window_minutes) + " 分钟后再试",
                         "too many failed logins; try again later");
}

Status AuthService::RecordFailure(std::string_view login, std::string_view remote_addr) {
  // The failure rows were written by ReserveAttempt; what is left is the audit row.
  return db_.Write([&](store::Session& s) -> Status {
    return audit::Record(s, clock_, {std::nullopt, std::string(login)}, "auth.login_failed", "login",
                         std::string(login), nullptr, {{"remote_addr", remote_addr}});
  });
}

Result<LoginResult> AuthService::Login(std::string_view login, std::string_view password,
                                       std::string_view remote_addr) {
  if (login.empty() || login.size() > 64) {
    return core::InvalidArgument("login", "required", "请输入登录名", "login is required");
  }
  if (password.empty() || password.size() > 1024) {
    return core::InvalidArgument("password", "required", "请输入密码", "password is required");
  }
  HQ_ASSIGN_OR_RETURN(Attempt attempt, ReserveAttempt(login, remote_addr));
  HQ_ASSIGN_OR_RETURN(auto user_row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kUserByLogin, {std::string(login)});
  }));
  if (!CheckCredentials(user_row, password)) {
    HQ_RETURN_IF_ERROR(RecordFailure(login, remote_addr));
    return BadCredentials();
  }
  return OpenSession(UserOf(*user_row), attempt, remote_addr);
}

Result<LoginResult> AuthService::OpenSession(const User& user, const Attempt& attempt, std::string_view remote_addr) {
  LoginResult out;
  out.token = RandomHex(32);
  std::string csrf = RandomHex(16);
  auto now = clock_.Now();
  int64_t now_s = core::UnixSeconds(now);
  int64_t expires = now_s + std::min<int64_t>(int64_t{options_.session_idle_minutes} * 60,
                                              int64_t{options_.session_max_hours} * 3600);
  HQ_ASSIGN_OR_RETURN(int64_t session_id, db_.WriteValue<int64_t>([&](store::Session& s) -> Result<int64_t> {
    // A success clears the account's failures; the address keeps its other failures.
    HQ_RETURN_IF_ERROR(s.Exec(kClearFailures, {AccountSubject(user.login)}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.address_row}));
    HQ_RETURN_IF_ERROR(s.Exec(kPruneSessions, {user.id, now_s - 86400}));
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsertSession, {Sha256Hex(out.token), user.id, csrf,
                                                              std::string(remote_addr), core::FormatTimestamp(now),
                                                              expires},
                                             "", ""));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, {user.id, user.login}, "auth.login", "session",
                                     std::to_string(row.Int("id")), nullptr, {{"remote_addr", remote_addr}}));
    return row.Int("id");
  }));
  out.principal = PrincipalOf(user, session_id, std::move(csrf));
  return out;
}

Status AuthService::Logout(const Principal& p) {
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(kRevoke, {p.session_id}));
    if (n == 0) return core::Ok();
    return audit::Record(s, clock_, {p.user_id, p.login}, "auth.logout", "session", std::to_string(p.session_id),
                         {{"revoked", false}}, {{"revoked", true}});
  });
}

Status AuthService::ChangePassword(const Principal& p, std::string_view old_password, std::string_view new_password,
                                   std::string_view remote_addr) {
  if (old_password.empty()) {
    return core::InvalidArgument("old_password", "required", "请输入原密码", "old_password is required");
  }
  if (Status st = CheckPasswordPolicy(new_password); !st.ok()) {
    core::Error e = st.error();
    e.field = "new_password";
    return e;
  }
  if (new_password == old_password) {
    return core::InvalidArgument("new_password", "unchanged", "新密码不能与原密码相同",
                                 "the new password must differ from the old one");
  }
  // A stolen session must not become a way round the login limit: wrong old passwords count.
  HQ_ASSIGN_OR_RETURN(Attempt attempt, ReserveAttempt(p.login, remote_addr));
  HQ_ASSIGN_OR_RETURN(auto user_row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kUserById, {p.user_id});
  }));
  if (!CheckCredentials(user_row, old_password)) {
    HQ_RETURN_IF_ERROR(RecordFailure(p.login, remote_addr));
    return core::InvalidArgument("old_password", "wrong_password", "原密码不正确", "the old password is wrong");
  }
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  return db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kSetPassword, {hash, core::FormatTimestamp(clock_.Now()), p.user_id}));
    HQ_ASSIGN_OR_RETURN(int64_t ended, s.Exec(kRevokeUserSessions, {p.user_id, p.session_id}));
    HQ_RETURN_IF_ERROR(s.Exec(kClearFailures, {AccountSubject(p.login)}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.address_row}));
    return audit::Record(s, clock_, {p.user_id, p.login}, "user.password_change", "user", std::to_string(p.user_id),
                         {{"login", p.login}}, {{"login", p.login}, {"other_sessions_ended", ended}});
  });
}

Result<std::optional<Principal>> AuthService::Resolve(std::string_view token) {
  using Found = std::optional<Principal>;
  if (token.empty() || token.size() > 128) return Found{};
  HQ_ASSIGN_OR_RETURN(auto row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kResolve, {Sha256Hex(token)});
  }));
  int64_t now = core::UnixSeconds(clock_.Now());
  if (!row || !row->Bool("active") || row->Int("expires_at") <= now) return Found{};
  // Sliding expiry, capped at session_max_hours after login.
  auto created = core::ParseTimestamp(row->Text("session_created_at"));
  if (!created.ok()) return Found{};
  int64_t cap = core::UnixSeconds(*created) + int64_t{options_.session_max_hours} * 3600;
  int64_t want = std::min(now + int64_t{options_.session_idle_minutes} * 60, cap);
  int64_t session_id = row->Int("session_id");
  if (want - row->Int("expires_at") >= int64_t{options_.session_refresh_minutes} * 60 && want > row->Int("expires_at")) {
    HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
      HQ_RETURN_IF_ERROR(s.Exec(kExtendSession, {want, session_id, want}));
      return core::Ok();
    }));
  }
  return Found{PrincipalOf(UserOf(*row), session_id, row->Text("csrf_token"))};
}

}  // namespace huiqi::auth
