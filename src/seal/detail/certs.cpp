#include "seal/detail/certs.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace huiqi::seal::detail {

namespace {

struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};

time_t TimeT(core::TimePoint t) { return static_cast<time_t>(core::UnixSeconds(t)); }
core::TimePoint TruncateSeconds(core::TimePoint t) { return core::FromUnixSeconds(core::UnixSeconds(t)); }

// d2i_X509 has already checked the times' syntax; an unreadable one reads as the epoch, which as
// notAfter makes the certificate expired.
core::TimePoint FromAsn1(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return core::FromUnixSeconds(static_cast<int64_t>(timegm(&tm)));
}

core::Error CertError(const char* what) { return core::Internal(std::string(what) + ": " + OpenSslErrors()); }

// 128 random bits with the top bit clear: positive, unique, not guessable (RFC 5280 4.1.2.2).
bool SetRandomSerial(X509* cert) {
  unsigned char buf[16];
  if (RAND_bytes(buf, sizeof buf) != 1) return false;
  buf[0] &= 0x7f;
  buf[0] |= 0x01;  // never a leading zero octet: the serial keeps its 16 octets
  BIGNUM* bn = BN_bin2bn(buf, sizeof buf, nullptr);
  bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok;
}

bool SetName(X509_NAME* name, const CertSubject& s) {
  auto add = [&](const char* field, const std::string& v) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(v.data()),
                                      static_cast<int>(v.size()), -1, 0) == 1;
  };
  return add("C", "CN") && add("O", s.organization) && add("CN", s.common_name);
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  bool ok = ext != nullptr && X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// The parts every certificate here shares: v3, serial, validity, subject, key.
core::Result<X509Ptr> NewCertificate(EVP_PKEY* subject_key, const CertSubject& subject,
                                     core::TimePoint not_before, core::TimePoint not_after) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 || !SetRandomSerial(cert.get()) ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), TimeT(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), TimeT(not_after)) == nullptr ||
      !SetName(X509_get_subject_name(cert.get()), subject) || X509_set_pubkey(cert.get(), subject_key) != 1) {
    return CertError("certificate fields");
  }
  return cert;
}

}  // namespace

core::Result<X509Ptr> MakeCaCertificate(EVP_PKEY* key, const CertSubject& subject, core::TimePoint not_before,
                                        core::TimePoint not_after) {
  HQ_ASSIGN_OR_RETURN(auto cert, NewCertificate(key, subject, not_before, not_after));
  X509* c = cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1 ||
      !AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") ||
      !AddExtension(c, c, NID_subject_key_identifier, "hash") ||
      !AddExtension(c, c, NID_authority_key_identifier, "keyid:always")) {
    return CertError("CA certificate extensions");
  }
  HQ_RETURN_IF_ERROR(SignCertificate(c, key));
  return cert;
}

core::Result<X509Ptr> IssueCertificate(X509* ca, EVP_PKEY* ca_key, EVP_PKEY* subject_key,
                                       const CertSubject& subject, core::TimePoint not_before,
                                       core::TimePoint not_after) {
  HQ_ASSIGN_OR_RETURN(auto cert, NewCertificate(subject_key, subject, not_before, not_after));
  X509* c = cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca)) != 1 ||
      !AddExtension(c, ca, NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(c, ca, NID_key_usage, "critical,digitalSignature,nonRepudiation") ||
      !AddExtension(c, ca, NID_subject_key_identifier, "hash") ||
      !AddExtension(c, ca, NID_authority_key_identifier, "keyid:always")) {
    return CertError("department certificate extensions");
  }
  HQ_RETURN_IF_ERROR(SignCertificate(c, ca_key));
  return cert;
}

CertCheck VerifyChain(X509* leaf, const std::vector<X509*>& anchors, core::TimePoint at) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!store || !ctx) return {false, "证书验证环境无法建立", OpenSslErrors()};
  for (X509* a : anchors) X509_STORE_add_cert(store.get(), a);
  SetDistId(leaf);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) != 1)
    return {false, "证书验证环境无法建立", OpenSslErrors()};
  X509_STORE_CTX_set_time(ctx.get(), 0, TimeT(at));
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
  int rc = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (rc == 1) return {true, "", ""};
  int err = X509_STORE_CTX_get_error(ctx.get());
  std::string en = X509_verify_cert_error_string(err);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return {false, "证书已过有效期", en};
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return {false, "证书尚未生效", en};
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return {false, "证书签名无效", en};
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return {false, "证书不是本平台电子印章 CA 签发的", en};
    default:
      return {false, "证书链验证失败：" + en, en};
  }
}

bool ValidAt(X509* cert, core::TimePoint at) {
  auto t = TruncateSeconds(at);
  return NotBefore(cert) <= t && t <= NotAfter(cert);
}

bool HasKeyUsage(X509* cert, uint32_t bits) {
  if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) == 0) return false;
  return (X509_get_key_usage(cert) & bits) == bits;
}

core::TimePoint NotBefore(X509* cert) { return FromAsn1(X509_get0_notBefore(cert)); }
core::TimePoint NotAfter(X509* cert) { return FromAsn1(X509_get0_notAfter(cert)); }

}  // namespace huiqi::seal::detail
