// AuthService: registration's proofs (phone codes, identity tickets, invitations), rate limits on
// them, and the enterprise's own accounts.
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "auth/detail/records.h"
#include "auth/detail/session_cache.h"
#include "auth/passwords.h"
#include "core/uscc.h"

namespace huiqi::auth {

using core::Result;
using core::Status;
using nlohmann::json;
using namespace detail;  // NOLINT: this file implements the module's own statements

namespace {

constexpr int64_t kLongestWindow = 24 * 3600;  // rate events older than this are pruned

std::string SixDigits() {
  unsigned char b[4];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  uint32_t v = (uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]) % 1000000;
  std::string s = std::to_string(v);
  return std::string(6 - s.size(), '0') + s;
}

//! The role column has a CHECK constraint; a preparer is the safe reading of anything else.
Role RoleOr(const std::string& code) {
  auto r = ParseRole(code);
  return r.ok() ? *r : Role::kEnterprisePreparer;
}

core::Error BadCode() {
  return core::InvalidArgument("phone_code", "phone_code", "短信验证码错误或已过期，请重新获取",
                               "the phone code is wrong or expired");
}

Member MemberOf(const store::Row& r, const secrets::KeyRing& keys) {
  Member m;
  m.user_id = r.Int("id");
  m.login = r.Text("login");
  m.display_name = r.Text("display_name");
  auto roles = SplitRoles(r.Text("roles"));
  m.role = !roles.empty() && roles.front() == Role::kEnterpriseAdmin ? Role::kEnterpriseAdmin
                                                                     : Role::kEnterprisePreparer;
  std::string phone = r.Text("phone");
  if (secrets::KeyRing::IsSealed(phone)) {
    auto open = keys.Open(phone, "phone");
    phone = open.ok() ? *open : "";
  }
  m.phone_masked = secrets::MaskPhone(phone);
  m.active = r.Bool("active");
  m.created_at = r.Text("created_at");
  return m;
}

}  // namespace

// "Insert, commit, then count" (as for logins in sessions.cpp): however many requests race, at
// most `limit` of them see a count within it. A refused event is removed again.
Status AuthService::CountEvent(const std::string& subject, int limit, int window_seconds,
                               std::string_view what_zh) {
  int64_t now = core::UnixSeconds(clock_.Now());
  HQ_ASSIGN_OR_RETURN(int64_t id, db_.WriteValue<int64_t>([&](store::Session& s) -> Result<int64_t> {
    HQ_RETURN_IF_ERROR(s.Exec(kPruneEvents, {now - kLongestWindow}));
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsertEvent, {subject, now}, "", ""));
    return row.Int("id");
  }));
  HQ_ASSIGN_OR_RETURN(int64_t n, db_.ReadValue<int64_t>([&](store::Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kCountEvents, {subject, now - window_seconds}, "", ""));
    return row.Int("n");
  }));
  if (n <= limit) return core::Ok();
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kDeleteEvent, {id}));
    return core::Ok();
  }));
  std::string wait =
      window_seconds >= 3600 ? "1 小时" : std::to_string(std::max(1, window_seconds / 60)) + " 分钟";
  return core::MakeError(core::ErrorKind::kRateLimited, "too_many_requests",
                         std::string(what_zh) + "过于频繁，请 " + wait + "后再试",
                         "too many requests; try again later");
}

Result<PhoneCodeSent> AuthService::RequestPhoneCode(std::string_view phone, std::string_view remote_addr) {
  HQ_RETURN_IF_ERROR(ValidatePhone(phone, /*required=*/true));
  if (deps_.texts == nullptr && !options_.echo_codes) {
    return core::MakeError(core::ErrorKind::kUnavailable, "sms_unavailable", "短信服务未配置，暂不能注册",
                           "no SMS sender is configured");
  }
  std::string phone_hash = deps_.keys.LookupHash(phone, "phone");
  HQ_RETURN_IF_ERROR(CountEvent("code-minute:" + phone_hash, 1, 60, "获取验证码"));
  HQ_RETURN_IF_ERROR(CountEvent("code:" + phone_hash, options_.max_codes_per_phone, 3600, "获取验证码"));
  HQ_RETURN_IF_ERROR(CountEvent("code-address:" + AddressKey(remote_addr), options_.max_codes_per_address,
                                3600, "获取验证码"));
  std::string code = SixDigits();
  int64_t now = core::UnixSeconds(clock_.Now());
  int64_t ttl = int64_t{options_.phone_code_minutes} * 60;
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> Status {
    HQ_RETURN_IF_ERROR(s.Exec(kPruneCodes, {now}));
    HQ_RETURN_IF_ERROR(s.Exec(kInsertCode, {phone_hash, std::string("register"),
                                            Sha256Hex(phone_hash + ":" + code), now, now + ttl}));
    return core::Ok();
  }));
  if (deps_.texts != nullptr) {
    HQ_RETURN_IF_ERROR(deps_.texts->Send(phone, "【惠企】您的注册验证码为 " + code + "，" +
                                                    std::to_string(options_.phone_code_minutes) +
                                                    " 分钟内有效。如非本人操作，请忽略本短信。"));
  }
  PhoneCodeSent out;
  out.expires_in_seconds = ttl;
  out.phone_masked = secrets::MaskPhone(phone);
  if (options_.echo_codes) out.code = code;
  return out;
}

Result<int64_t> AuthService::CheckPhoneCode(std::string_view phone, std::string_view code) {
  if (code.empty()) {
    return core::InvalidArgument("phone_code", "required", "请填写短信验证码", "phone_code is required");
  }
  std::string phone_hash = deps_.keys.LookupHash(phone, "phone");
  int64_t now = core::UnixSeconds(clock_.Now());
  using Found = std::optional<std::pair<int64_t, std::string>>;
  // The try is counted and committed before the code is compared, so a wrong guess is spent.
  HQ_ASSIGN_OR_RETURN(Found found, db_.WriteValue<Found>([&](store::Session& s) -> Result<Found> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(kOpenCode, {phone_hash, std::string("register"), now}));
    if (!row) return Found{};
    HQ_ASSIGN_OR_RETURN(int64_t tried,
                        s.Exec(kTryCode, {row->Int("id"), int64_t{options_.phone_code_attempts}}));
    if (tried != 1) return Found{};
    return Found{{row->Int("id"), row->Text("code_hash")}};
  }));
  if (!found || found->second != Sha256Hex(phone_hash + ":" + std::string(code))) return BadCode();
  return found->first;
}

Result<AuthService::Binding> AuthService::BindingFor(const Registration& r) {
  Binding b;
  if (!r.invite_code.empty()) {
    int64_t now = core::UnixSeconds(clock_.Now());
    HQ_ASSIGN_OR_RETURN(auto row, db_.ReadValue<std::optional<store::Row>>([&](store::Session& s) {
      return s.QueryOptional(kOpenInvitation, {Sha256Hex(r.invite_code), now});
    }));
    if (!row) {
      return core::InvalidArgument("invite_code", "invite_code", "邀请码无效、已使用或已过期",
                                   "the invitation code is unknown, used or expired");
    }
    b.mode = Binding::Mode::kJoin;
    b.uscc = row->Text("uscc");
    b.invitation_id = row->Int("id");
    b.role = RoleOr(row->Text("role"));
    return b;
  }
  if (deps_.identity == nullptr) {
    return core::InvalidArgument("identity_ticket", "identity_unavailable",
                                 "平台尚未接入法人身份认证服务，请使用本企业管理员发出的邀请码注册",
                                 "no identity provider is configured");
  }
  HQ_ASSIGN_OR_RETURN(LegalPersonClaim claim, deps_.identity->Verify(r.identity_ticket));
  HQ_ASSIGN_OR_RETURN(b.uscc, core::NormalizeUscc(claim.uscc, "identity_ticket"));
  b.mode = Binding::Mode::kBind;
  b.verified_by = claim.provider;
  b.reference = claim.reference;
  b.legal_person = claim.person_name + (claim.legal_representative ? "（法定代表人）" : "（经授权）");
  return b;
}

Status AuthService::RequireEnterpriseAdmin(const Principal& p) const {
  if (!p.Is(UserKind::kEnterprise) || !p.uscc) {
    return core::PermissionDenied("只有企业用户可以管理本企业的账号", "enterprise users only");
  }
  if (!p.HasRole(Role::kEnterpriseAdmin)) {
    return core::PermissionDenied("只有本企业的管理员可以管理企业成员",
                                  "only the enterprise's admin may do this");
  }
  return core::Ok();
}

Result<std::vector<Member>> AuthService::ListMembers(const Principal& p) {
  if (!p.Is(UserKind::kEnterprise) || !p.uscc)
    return core::PermissionDenied("只有企业用户可以查看企业成员", "enterprise users only");
  return db_.ReadValue<std::vector<Member>>([&](store::Session& s) -> Result<std::vector<Member>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kMembersOf, {*p.uscc}));
    std::vector<Member> out;
    for (const auto& r : rows) out.push_back(MemberOf(r, deps_.keys));
    return out;
  });
}

Result<Invitation> AuthService::Invite(const Principal& p, Role role, std::string_view note) {
  HQ_RETURN_IF_ERROR(RequireEnterpriseAdmin(p));
  if (!IsEnterpriseRole(role)) {
    return core::InvalidArgument("role", "invalid_enum", "角色应为企业管理员或企业经办人",
                                 "role must be an enterprise role");
  }
  if (note.size() > 200)
    return core::InvalidArgument("note", "too_long", "备注不能超过 200 字节", "note is too long");
  Invitation inv;
  inv.code = RandomHex(12);
  inv.uscc = *p.uscc;
  inv.role = role;
  inv.note = std::string(note);
  inv.status = "open";
  inv.invited_by_login = p.login;
  inv.created_at = core::FormatTimestamp(clock_.Now());
  inv.expires_at = core::UnixSeconds(clock_.Now()) + int64_t{options_.invitation_days} * 86400;
  return db_.WriteValue<Invitation>([&](store::Session& s) -> Result<Invitation> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kInsertInvitation,
                                             {inv.uscc, Sha256Hex(inv.code), std::string(RoleCode(role)),
                                              p.user_id, inv.note, inv.created_at, inv.expires_at},
                                             "", ""));
    inv.id = row.Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(
        s, clock_, {p.user_id, p.login}, "enterprise.invite", "enterprise_invitation", std::to_string(inv.id),
        nullptr, {{"uscc", inv.uscc}, {"role", RoleCode(role)}, {"expires_at", inv.expires_at}}));
    return inv;
  });
}

Result<std::vector<Invitation>> AuthService::ListInvitations(const Principal& p) {
  HQ_RETURN_IF_ERROR(RequireEnterpriseAdmin(p));
  int64_t now = core::UnixSeconds(clock_.Now());
  return db_.ReadValue<std::vector<Invitation>>([&](store::Session& s) -> Result<std::vector<Invitation>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kInvitationsOf, {*p.uscc}));
    std::vector<Invitation> out;
    for (const auto& r : rows) {
      Invitation i;
      i.id = r.Int("id");
      i.uscc = r.Text("uscc");
      i.role = RoleOr(r.Text("role"));
      i.note = r.Text("note");
      i.created_at = r.Text("created_at");
      i.expires_at = r.Int("expires_at");
      i.status = r.Text("status");
      if (i.status == "open" && i.expires_at <= now) i.status = "expired";
      i.invited_by_login = r.Text("invited_by_login");
      out.push_back(std::move(i));
    }
    return out;
  });
}

Status AuthService::RevokeInvitation(const Principal& p, int64_t invitation_id) {
  HQ_RETURN_IF_ERROR(RequireEnterpriseAdmin(p));
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(kRevokeInvitation, {invitation_id, *p.uscc}));
    if (n != 1) {
      // Another enterprise's invitation (or none) is not found; one of ours no longer open, a conflict.
      HQ_ASSIGN_OR_RETURN(auto ours, s.QueryOptional(kInvitationOfEnterprise, {invitation_id, *p.uscc}));
      if (!ours) return core::NotFound("本企业的该邀请", "invitation of this enterprise");
      return core::MakeError(core::ErrorKind::kConflict, "not_open", "该邀请已使用或已撤销",
                             "the invitation is no longer open", "id");
    }
    return audit::Record(s, clock_, {p.user_id, p.login}, "enterprise.invite_revoke", "enterprise_invitation",
                         std::to_string(invitation_id), {{"status", "open"}}, {{"status", "revoked"}});
  });
}

Status AuthService::RemoveMember(const Principal& p, int64_t user_id) {
  HQ_RETURN_IF_ERROR(RequireEnterpriseAdmin(p));
  if (user_id == p.user_id) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "self_remove", "不能停用自己的账号",
                           "an admin cannot remove their own account", "id");
  }
  std::string now = core::FormatTimestamp(clock_.Now());
  detail::ForgetUserAfter forget(*sessions_, user_id);  // its sessions end on this node at once
  return db_.Write([&](store::Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(kDisableMember, {now, user_id, *p.uscc}));
    if (n != 1) return core::NotFound("本企业的该成员", "member of this enterprise");
    HQ_RETURN_IF_ERROR(s.Exec(kRevokeUserSessions, {user_id, int64_t{0}}));
    return audit::Record(s, clock_, {p.user_id, p.login}, "enterprise.member_remove", "user",
                         std::to_string(user_id), {{"active", true}}, {{"active", false}});
  });
}

}  // namespace huiqi::auth
