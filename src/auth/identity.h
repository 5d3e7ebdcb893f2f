#pragma once
// Who a registrant is, as the platform's identity provider vouches: 江阴办法 第十三条 — the
// platform uses 江苏政务服务网's user system, where a legal person logs in as its enterprise and
// the provider hands back a ticket naming the enterprise (USCC) and the person. An operator
// plugs in the provincial provider behind IdentityProvider; DemoIdentityProvider stands in for
// it on a demo or test deployment (it vouches for whatever it is asked: never use it in
// production — `huiqi serve` enables it only with --demo-identity).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/error.h"
#include "secrets/keys.h"

namespace huiqi::auth {

//! What the provider vouches for: this person acts for this enterprise.
struct LegalPersonClaim {
  std::string uscc;  // normalised (GB 32100-2015)
  std::string enterprise_name;
  std::string person_name;
  bool legal_representative = true;  // the 法定代表人 (else a person the enterprise authorised)
  std::string provider;              // "demo", "jszwfw", …
  std::string reference;             // the provider's id of this login (kept with the binding)
};

class IdentityProvider {
 public:
  virtual ~IdentityProvider() = default;
  virtual std::string_view Name() const = 0;   // "demo"
  virtual std::string_view Label() const = 0;  // 江苏政务服务网（演示）
  //! The claim behind a ticket the provider issued; kInvalidArgument (field "identity_ticket")
  //! when it is unknown, altered or expired.
  virtual core::Result<LegalPersonClaim> Verify(std::string_view ticket) = 0;
};

//! Tickets are the claim signed with the key ring (HMAC-SHA256), valid for ten minutes.
//! Thread-safe.
class DemoIdentityProvider final : public IdentityProvider {
 public:
  DemoIdentityProvider(const secrets::KeyRing& keys, const core::Clock& clock) : keys_(keys), clock_(clock) {}
  std::string_view Name() const override { return "demo"; }
  std::string_view Label() const override { return "江苏政务服务网（演示）"; }
  //! The demo's stand-in for the provincial login page. kInvalidArgument naming the field for a
  //! bad USCC or a missing name.
  core::Result<std::string> IssueTicket(const LegalPersonClaim& claim);
  core::Result<LegalPersonClaim> Verify(std::string_view ticket) override;

 private:
  const secrets::KeyRing& keys_;
  const core::Clock& clock_;
};

}  // namespace huiqi::auth
