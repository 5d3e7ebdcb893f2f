#pragma once
// Internals of the seal module: OpenSSL 3.0 SM2/SM3 primitives with owning handles. Not for other
// modules (the public headers carry no OpenSSL type).
//
// SM2 signatures always carry the distinguishing identifier 1234567812345678 (GB/T 35276-2017
// 5.5, GM/T 0009): OpenSSL 3.0's default identifier is empty, so a signature made without
// setting it would not verify in any other GM implementation.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::seal::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

inline constexpr std::string_view kSm2DistId = "1234567812345678";
inline constexpr std::string_view kSm2WithSm3Oid = "1.2.156.10197.1.501";

//! The OpenSSL error queue as one line (and clears it), for English messages.
std::string OpenSslErrors();

//! The raw 32-byte SM3 digest.
std::string Sm3(std::string_view data);

//! A fresh SM2 key pair.
core::Result<PkeyPtr> GenerateSm2Key();

//! SM2-with-SM3 over `data` with the distid above; the DER SEQUENCE{r, s} (GB/T 35276).
core::Result<std::string> Sm2Sign(EVP_PKEY* key, std::string_view data);
//! True when `signature` is a valid SM2-with-SM3 signature of `data` by `key` (distid above).
bool Sm2Verify(EVP_PKEY* key, std::string_view data, std::string_view signature);

//! PKCS#8 EncryptedPrivateKeyInfo, PEM: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC.
core::Result<std::string> EncryptPrivateKey(EVP_PKEY* key, std::string_view passphrase, int iterations);
//! The key back; kFailedPrecondition "seal_key_passphrase" when the passphrase is wrong.
core::Result<PkeyPtr> DecryptPrivateKey(std::string_view pem, std::string_view passphrase);

// Certificates.
//! Signs `cert` (SM2-with-SM3, distid above) with `key`.
core::Status SignCertificate(X509* cert, EVP_PKEY* key);
core::Result<X509Ptr> CertFromPem(std::string_view pem);
core::Result<X509Ptr> CertFromDer(std::string_view der);
std::string CertToPem(X509* cert);
std::string CertToDer(X509* cert);
//! Sets the SM2 distid on a certificate, so that X509_verify / X509_verify_cert check its
//! signature with it.
void SetDistId(X509* cert);
//! Upper-case hex of the serial number.
std::string SerialHex(X509* cert);
//! A subject attribute (NID_commonName, NID_organizationName) as UTF-8; "" when absent.
std::string SubjectEntry(X509* cert, int nid);
//! Base64 without line breaks, and back (nullopt for bad input).
std::string Base64(std::string_view data);
core::Result<std::string> FromBase64(std::string_view text, std::string_view field);

}  // namespace huiqi::seal::detail
