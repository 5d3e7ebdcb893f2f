#include "auth/identity.h"

#include <nlohmann/json.hpp>

#include "auth/passwords.h"
#include "core/uscc.h"

namespace huiqi::auth {

namespace {

constexpr std::string_view kPurpose = "identity-ticket";
constexpr int64_t kTicketSeconds = 600;

core::Error BadTicket(std::string zh) {
  return core::InvalidArgument("identity_ticket", "identity_ticket", std::move(zh),
                               "the identity ticket is unknown, altered or expired");
}

std::string ToHex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool FromHex(std::string_view s, std::string& out) {
  auto nib = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nib(s[i]), lo = nib(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

core::Result<std::string> DemoIdentityProvider::IssueTicket(const LegalPersonClaim& claim) {
  HQ_ASSIGN_OR_RETURN(std::string uscc, core::NormalizeUscc(claim.uscc, "uscc"));
  if (claim.person_name.empty() || claim.person_name.size() > 100) {
    return core::InvalidArgument("person_name", "required", "请填写登录人姓名", "person_name is required");
  }
  if (claim.enterprise_name.size() > 200) {
    return core::InvalidArgument("enterprise_name", "too_long", "企业名称过长",
                                 "enterprise_name is too long");
  }
  nlohmann::json payload = {{"uscc", uscc},
                            {"enterprise_name", claim.enterprise_name},
                            {"person_name", claim.person_name},
                            {"legal_representative", claim.legal_representative},
                            {"reference", "demo-" + RandomHex(8)},
                            {"expires", core::UnixSeconds(clock_.Now()) + kTicketSeconds}};
  std::string body = ToHex(payload.dump());
  return body + "." + keys_.Mac(body, kPurpose);
}

core::Result<LegalPersonClaim> DemoIdentityProvider::Verify(std::string_view ticket) {
  size_t dot = ticket.find('.');
  if (ticket.empty() || ticket.size() > 4096 || dot == std::string_view::npos) {
    return BadTicket("身份认证凭据无效，请重新进行法人身份认证");
  }
  std::string_view body = ticket.substr(0, dot);
  if (!keys_.VerifyMac(body, ticket.substr(dot + 1), kPurpose))
    return BadTicket("身份认证凭据无效或已被改动");
  std::string text;
  if (!FromHex(body, text)) return BadTicket("身份认证凭据无效");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return BadTicket("身份认证凭据无效");
  if (j.value("expires", int64_t{0}) < core::UnixSeconds(clock_.Now())) {
    return BadTicket("身份认证已过期（10 分钟内有效），请重新认证");
  }
  LegalPersonClaim c;
  c.uscc = j.value("uscc", "");
  c.enterprise_name = j.value("enterprise_name", "");
  c.person_name = j.value("person_name", "");
  c.legal_representative = j.value("legal_representative", true);
  c.provider = "demo";
  c.reference = j.value("reference", "");
  return c;
}

}  // namespace huiqi::auth
