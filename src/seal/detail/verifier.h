#pragma once
// Internals of the seal module: GB/T 38540-2020 signature verification, steps 1–8, as a function
// of the signature, the bytes, the trust anchors and the platform's registry of seals.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "seal/detail/crypto.h"
#include "seal/seal_service.h"

namespace huiqi::seal::detail {

//! What the platform holds about the seal a certificate belongs to.
struct Registration {
  int64_t seal_id = 0;
  int64_t department_id = 0;
  bool revoked = false;
  std::string revoked_at, reason;
  std::string cert_der, seal_der;
};

//! By certificate serial (upper-case hex); nullopt when the platform never issued it.
using RegistrationLookup =
    std::function<core::Result<std::optional<Registration>>(const std::string& serial)>;

//! The report; an error only when `lookup` fails. Validity is checked both at the signing time
//! the signer declares (timeInfo) and at `now`: without a trusted timestamp, `now` is the only
//! instant the verifier knows.
core::Result<VerifyReport> VerifySignature(std::string_view signature_der, std::string_view data,
                                           const std::vector<X509*>& anchors,
                                           const RegistrationLookup& lookup, core::TimePoint now);

}  // namespace huiqi::seal::detail
