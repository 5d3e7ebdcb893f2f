// AuthService: login with limits, sessions (sliding expiry, database-held), password changes.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "auth/detail/records.h"
#include "auth/detail/session_cache.h"
#include "auth/passwords.h"

namespace huiqi::auth {

using core::Result;
using core::Status;
using namespace detail;  // NOLINT: this file implements the module's own statements

//! An attempt that passed the limits: its provisional failure rows, removed again on success,
//! and whether it came from a browser that logged in to this account before.
struct AuthService::Attempt {
  int64_t pair_row = 0;
  int64_t account_row = 0;
  int64_t address_row = 0;
  std::optional<int64_t> device_user;  // the account the presented device cookie belongs to
};

namespace {

std::string AccountSubject(std::string_view login) { return "account:" + std::string(login); }
std::string AddressSubject(std::string_view addr) { return "address:" + AddressKey(addr); }
std::string PairSubject(std::string_view login, std::string_view addr) {
  return "pair:" + std::string(login) + "|" + AddressKey(addr);
}

core::Error Limited(std::string zh, int64_t retry_after_seconds) {
  core::Error e = core::MakeError(core::ErrorKind::kRateLimited, "too_many_attempts", std::move(zh),
                                  "too many failed logins; try again later");
  e.retry_after_seconds = retry_after_seconds;
  return e;
}

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

// The limits are checked by "insert, commit, then count": each attempt first commits a
// provisional failure row for its account × address pair, its account and its address, then
// counts the rows in the window (its own included). Commits are totally ordered, so however many
// attempts race — on one node or many — at most `max` of them see a count within a limit. Rows
// of a successful attempt are removed again; the rest are the failures.
//
// Three limits, so that an attacker cannot lock the rightful user out (issue 10 finding 6):
//  - the pair (this account from this address) locks after max_failures_per_pair: the attacker's
//    address is stopped, the user elsewhere is not;
//  - the account, from anywhere: after account_backoff_after failures each further attempt waits
//    a delay doubling up to account_backoff_max_seconds after the previous failure — unless it
//    comes from a browser that logged in to this account before (a trusted-device cookie);
//  - the address, over all accounts (password spraying): max_failures_per_address, again
//    skipped by a trusted device, and counted on the client address the proxy vouches for.
Result<AuthService::Attempt> AuthService::ReserveAttempt(std::string_view login, std::string_view remote_addr,
                                                         std::string_view device_token) {
  int64_t now = core::UnixSeconds(clock_.Now());
  int64_t window = int64_t{options_.failure_window_minutes} * 60;
  int64_t device_cutoff = now - int64_t{options_.trusted_device_days} * 86400;
  HQ_ASSIGN_OR_RETURN(Attempt a, db_.WriteValue<Attempt>([&](store::Session& s) -> Result<Attempt> {
    HQ_RETURN_IF_ERROR(s.Exec(kPruneFailures, {now - window}));
    HQ_ASSIGN_OR_RETURN(auto pair,
                        s.QueryOne(kInsertFailure, {PairSubject(login, remote_addr), now}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto acc, s.QueryOne(kInsertFailure, {AccountSubject(login), now}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto addr, s.QueryOne(kInsertFailure, {AddressSubject(remote_addr), now}, "", ""));
    Attempt out{pair.Int("id"), acc.Int("id"), addr.Int("id"), std::nullopt};
    if (!device_token.empty() && device_token.size() <= 128) {
      HQ_ASSIGN_OR_RETURN(auto dev, s.QueryOptional(kDeviceUser, {Sha256Hex(device_token), device_cutoff}));
      if (dev) out.device_user = dev->Int("user_id");
    }
    return out;
  }));
  struct Counts {
    int64_t pair = 0, account = 0, address = 0, last_account_failure = 0;
    std::optional<int64_t> user_id;
  };
  HQ_ASSIGN_OR_RETURN(Counts n, db_.ReadValue<Counts>([&](store::Session& s) -> Result<Counts> {
    Counts c;
    HQ_ASSIGN_OR_RETURN(auto p,
                        s.QueryOne(kCountFailures, {PairSubject(login, remote_addr), now - window}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto acc, s.QueryOne(kCountFailures, {AccountSubject(login), now - window}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto addr,
                        s.QueryOne(kCountFailures, {AddressSubject(remote_addr), now - window}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto last, s.QueryOne(kLastFailure, {AccountSubject(login), a.account_row}, "", ""));
    HQ_ASSIGN_OR_RETURN(auto user, s.QueryOptional(kUserByLogin, {std::string(login)}));
    c.pair = p.Int("n");
    c.account = acc.Int("n");
    c.address = addr.Int("n");
    c.last_account_failure = last.Int("at");
    if (user) c.user_id = user->Int("id");
    return c;
  }));
  bool trusted = a.device_user && n.user_id && *a.device_user == *n.user_id;
  std::optional<core::Error> refusal;
  if (n.pair > options_.max_failures_per_pair) {
    refusal = Limited("此账号在本机登录失败次数过多，请 " + std::to_string(options_.failure_window_minutes) +
                          " 分钟后再试，或在常用设备上登录",
                      window);
  } else if (!trusted && n.address > options_.max_failures_per_address) {
    refusal = Limited("本网络登录失败次数过多，请稍后再试", window);
  } else if (!trusted && n.account > options_.account_backoff_after) {
    // Counting this attempt, n.account - 1 earlier failures; the delay doubles per failure.
    int64_t over = std::min<int64_t>(n.account - 1 - options_.account_backoff_after, 20);
    int64_t delay =
        std::min<int64_t>(int64_t{1} << std::max<int64_t>(over, 0), options_.account_backoff_max_seconds);
    int64_t wait = n.last_account_failure + delay - now;
    if (wait > 0) {
      refusal = Limited(
          "此账号近期登录失败次数较多，请 " + std::to_string(wait) + " 秒后再试（常用设备不受此限制）", wait);
    }
  }
  if (!refusal) return a;
  // Refused before the password is looked at, so a locked account reveals nothing; the refused
  // attempt is not counted, so a lock ends one window after the last real failure.
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    for (int64_t row : {a.pair_row, a.account_row, a.address_row})
      HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {row}));
    return core::Ok();
  }));
  return *refusal;
}

Status AuthService::RecordFailure(std::string_view login, std::string_view remote_addr) {
  // The failure rows were written by ReserveAttempt; what is left is the note the rightful user
  // sees at the next login, and the audit row.
  return db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kNoteUserFailure, {core::FormatTimestamp(clock_.Now()),
                                                 std::string(remote_addr), std::string(login)}));
    return audit::Record(s, clock_, {std::nullopt, std::string(login)}, "auth.login_failed", "login",
                         std::string(login), nullptr, {{"remote_addr", remote_addr}});
  });
}

Result<LoginResult> AuthService::Login(std::string_view login, std::string_view password,
                                       std::string_view remote_addr, std::string_view device_token) {
  if (login.empty() || login.size() > 64) {
    return core::InvalidArgument("login", "required", "请输入登录名", "login is required");
  }
  if (password.empty() || password.size() > 1024) {
    return core::InvalidArgument("password", "required", "请输入密码", "password is required");
  }
  HQ_ASSIGN_OR_RETURN(Attempt attempt, ReserveAttempt(login, remote_addr, device_token));
  HQ_ASSIGN_OR_RETURN(auto user_row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kUserByLogin, {std::string(login)});
  }));
  if (!CheckCredentials(user_row, password)) {
    HQ_RETURN_IF_ERROR(RecordFailure(login, remote_addr));
    return BadCredentials();
  }
  bool known_device = attempt.device_user && *attempt.device_user == user_row->Int("id");
  HQ_ASSIGN_OR_RETURN(LoginResult out, OpenSession(UserOf(*user_row, deps_.keys), attempt, remote_addr));
  out.notice.failed_attempts = user_row->Int("failed_logins");
  out.notice.last_failed_at = user_row->Text("last_failed_at");
  out.notice.last_failed_from = user_row->Text("last_failed_from");
  int64_t now = core::UnixSeconds(clock_.Now());
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kClearUserFailures, {out.principal.user_id}));
    if (known_device) {
      HQ_RETURN_IF_ERROR(s.Exec(kTouchDevice, {now, Sha256Hex(device_token)}));
      return core::Ok();
    }
    out.device_token = RandomHex(32);
    HQ_RETURN_IF_ERROR(
        s.Exec(kPruneDevices, {out.principal.user_id, now - int64_t{options_.trusted_device_days} * 86400}));
    HQ_RETURN_IF_ERROR(s.Exec(kInsertDevice, {out.principal.user_id, Sha256Hex(out.device_token),
                                              core::FormatTimestamp(clock_.Now()), now}));
    return core::Ok();
  }));
  return out;
}

Result<LoginResult> AuthService::OpenSession(const User& user, const Attempt& attempt,
                                             std::string_view remote_addr) {
  LoginResult out;
  out.token = RandomHex(32);
  std::string csrf = RandomHex(16);
  auto now = clock_.Now();
  int64_t now_s = core::UnixSeconds(now);
  int64_t expires = now_s + std::min<int64_t>(int64_t{options_.session_idle_minutes} * 60,
                                              int64_t{options_.session_max_hours} * 3600);
  HQ_ASSIGN_OR_RETURN(int64_t session_id, db_.WriteValue<int64_t>([&](store::Session& s) -> Result<int64_t> {
    // A success clears the pair's failures and this attempt's rows. The account keeps its other
    // failures: an attack from elsewhere goes on meeting its delay after the user logs in.
    HQ_RETURN_IF_ERROR(s.Exec(kClearFailures, {PairSubject(user.login, remote_addr)}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.account_row}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.address_row}));
    HQ_RETURN_IF_ERROR(s.Exec(kPruneSessions, {user.id, now_s - 86400}));
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsertSession,
                                             {Sha256Hex(out.token), user.id, csrf, std::string(remote_addr),
                                              core::FormatTimestamp(now), expires},
                                             "", ""));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, {user.id, user.login}, "auth.login", "session",
                                     std::to_string(row.Int("id")), nullptr, {{"remote_addr", remote_addr}}));
    return row.Int("id");
  }));
  out.principal = PrincipalOf(user, session_id, std::move(csrf));
  return out;
}

Status AuthService::Logout(const Principal& p) {
  detail::ForgetSessionAfter forget(*sessions_, p.session_id);  // no request here resolves it again
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(kRevoke, {p.session_id}));
    if (n == 0) return core::Ok();
    return audit::Record(s, clock_, {p.user_id, p.login}, "auth.logout", "session",
                         std::to_string(p.session_id), {{"revoked", false}}, {{"revoked", true}});
  });
}

Status AuthService::ChangePassword(const Principal& p, std::string_view old_password,
                                   std::string_view new_password, std::string_view remote_addr) {
  if (old_password.empty()) {
    return core::InvalidArgument("old_password", "required", "请输入原密码", "old_password is required");
  }
  if (Status st = CheckPasswordPolicy(new_password, p.login); !st.ok()) {
    core::Error e = st.error();
    e.field = "new_password";
    return e;
  }
  if (new_password == old_password) {
    return core::InvalidArgument("new_password", "unchanged", "新密码不能与原密码相同",
                                 "the new password must differ from the old one");
  }
  // A stolen session must not become a way round the login limit: wrong old passwords count.
  HQ_ASSIGN_OR_RETURN(Attempt attempt, ReserveAttempt(p.login, remote_addr, ""));
  HQ_ASSIGN_OR_RETURN(auto user_row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
    return s.QueryOptional(kUserById, {p.user_id});
  }));
  if (!CheckCredentials(user_row, old_password)) {
    HQ_RETURN_IF_ERROR(RecordFailure(p.login, remote_addr));
    return core::InvalidArgument("old_password", "wrong_password", "原密码不正确",
                                 "the old password is wrong");
  }
  HQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  detail::ForgetUserAfter forget(*sessions_, p.user_id);  // the other sessions end at once
  return db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kSetPassword, {hash, core::FormatTimestamp(clock_.Now()), p.user_id}));
    HQ_ASSIGN_OR_RETURN(int64_t ended, s.Exec(kRevokeUserSessions, {p.user_id, p.session_id}));
    HQ_RETURN_IF_ERROR(s.Exec(kClearFailures, {PairSubject(p.login, remote_addr)}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.account_row}));
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteFailure, {attempt.address_row}));
    return audit::Record(s, clock_, {p.user_id, p.login}, "user.password_change", "user",
                         std::to_string(p.user_id), {{"login", p.login}},
                         {{"login", p.login}, {"other_sessions_ended", ended}});
  });
}

Result<std::optional<Principal>> AuthService::Resolve(std::string_view token) {
  using Found = std::optional<Principal>;
  if (token.empty() || token.size() > 128) return Found{};
  std::string hash = Sha256Hex(token);
  auto at = clock_.Now();
  if (auto cached = sessions_->Find(hash, at)) return Found{std::move(*cached)};
  uint64_t generation = sessions_->generation();  // before the read: a logout meanwhile wins
  HQ_ASSIGN_OR_RETURN(auto row, db_.ReadValue<std::optional<store::Row>>(
                                    [&](store::Session& s) { return s.QueryOptional(kResolve, {hash}); }));
  int64_t now = core::UnixSeconds(at);
  if (!row || !row->Bool("active") || row->Int("expires_at") <= now) return Found{};
  // Sliding expiry, capped at session_max_hours after login.
  auto created = core::ParseTimestamp(row->Text("session_created_at"));
  if (!created.ok()) return Found{};
  int64_t cap = core::UnixSeconds(*created) + int64_t{options_.session_max_hours} * 3600;
  int64_t want = std::min(now + int64_t{options_.session_idle_minutes} * 60, cap);
  int64_t session_id = row->Int("session_id");
  bool extend = want - row->Int("expires_at") >= int64_t{options_.session_refresh_minutes} * 60 &&
                want > row->Int("expires_at");
  if (extend) {
    HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
      HQ_RETURN_IF_ERROR(s.Exec(kExtendSession, {want, session_id, want}));
      return core::Ok();
    }));
  }
  Principal p = PrincipalOf(UserOf(*row, deps_.keys), session_id, row->Text("csrf_token"));
  sessions_->Put(hash, p, extend ? want : row->Int("expires_at"), at, generation);
  return Found{std::move(p)};
}

}  // namespace huiqi::auth
