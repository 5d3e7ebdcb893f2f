#pragma once
// Internals of the seal module: the platform CA and department certificates (X.509 v3,
// SM2-with-SM3, signed and verified with the SM2 distid 1234567812345678).

#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "seal/detail/crypto.h"

namespace huiqi::seal::detail {

struct CertSubject {
  std::string common_name;   // CN
  std::string organization;  // O
};

//! A self-signed CA: basicConstraints critical CA:TRUE; keyUsage critical keyCertSign, cRLSign and
//! digitalSignature (the CA is also the seal maker and signs SES_SealInfo).
core::Result<X509Ptr> MakeCaCertificate(EVP_PKEY* key, const CertSubject& subject, core::TimePoint not_before,
                                        core::TimePoint not_after);
//! A department certificate issued by `ca`: CA:FALSE; keyUsage critical digitalSignature,
//! nonRepudiation.
core::Result<X509Ptr> IssueCertificate(X509* ca, EVP_PKEY* ca_key, EVP_PKEY* subject_key,
                                       const CertSubject& subject, core::TimePoint not_before,
                                       core::TimePoint not_after);

struct CertCheck {
  bool ok = false;
  std::string message;     // 中文
  std::string message_en;  // OpenSSL's reason
};

//! Chains `leaf` to one of `anchors` at the instant `at` (signatures with the SM2 distid,
//! validity periods, CA constraints). Sets the distid on `leaf`.
CertCheck VerifyChain(X509* leaf, const std::vector<X509*>& anchors, core::TimePoint at);
//! True when `cert` is valid at `at` (notBefore ≤ at ≤ notAfter).
bool ValidAt(X509* cert, core::TimePoint at);
//! True when the keyUsage extension is present and includes every bit of `bits` (KU_* flags).
bool HasKeyUsage(X509* cert, uint32_t bits);
core::TimePoint NotBefore(X509* cert);
core::TimePoint NotAfter(X509* cert);

}  // namespace huiqi::seal::detail
