#include "seal/detail/crypto.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <stdexcept>

namespace huiqi::seal::detail {

namespace {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

core::Error CryptoError(std::string what) { return core::Internal(what + ": " + OpenSslErrors()); }

BioPtr MemoryBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioText(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  return std::string(p, static_cast<size_t>(n));
}

// The SM2(7) recipe: the id is set on a key context that the digest context then uses. The key
// context is freed by us, after the digest context (EVP_MD_CTX_set_pkey_ctx does not own it).
struct Sm2Context {
  PkeyCtxPtr pctx;
  MdCtxPtr mctx;
};

core::Result<Sm2Context> NewSm2Context(EVP_PKEY* key) {
  Sm2Context c{PkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr)), MdCtxPtr(EVP_MD_CTX_new())};
  if (!c.pctx || !c.mctx ||
      EVP_PKEY_CTX_set1_id(c.pctx.get(), kSm2DistId.data(), static_cast<int>(kSm2DistId.size())) != 1) {
    return CryptoError("SM2 context");
  }
  EVP_MD_CTX_set_pkey_ctx(c.mctx.get(), c.pctx.get());
  return c;
}

}  // namespace

std::string OpenSslErrors() {
  std::string out;
  char buf[256];
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error" : out;
}

std::string Sm3(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sm3(), nullptr) != 1) {
    throw std::runtime_error("SM3 digest failed");  // OpenSSL 3 always has SM3: a broken invariant
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

core::Result<PkeyPtr> GenerateSm2Key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"));
  if (!key) return CryptoError("SM2 key generation");
  return key;
}

core::Result<std::string> Sm2Sign(EVP_PKEY* key, std::string_view data) {
  HQ_ASSIGN_OR_RETURN(auto c, NewSm2Context(key));
  size_t len = 0;
  if (EVP_DigestSignInit(c.mctx.get(), nullptr, EVP_sm3(), nullptr, key) != 1 ||
      EVP_DigestSignUpdate(c.mctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestSignFinal(c.mctx.get(), nullptr, &len) != 1) {
    return CryptoError("SM2 sign");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSignFinal(c.mctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len) != 1) {
    return CryptoError("SM2 sign");
  }
  sig.resize(len);
  return sig;
}

bool Sm2Verify(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  auto c = NewSm2Context(key);
  bool ok = c.ok() && EVP_DigestVerifyInit(c->mctx.get(), nullptr, EVP_sm3(), nullptr, key) == 1 &&
            EVP_DigestVerifyUpdate(c->mctx.get(), data.data(), data.size()) == 1 &&
            EVP_DigestVerifyFinal(c->mctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                  signature.size()) == 1;
  ERR_clear_error();
  return ok;
}

core::Result<std::string> EncryptPrivateKey(EVP_PKEY* key, std::string_view passphrase, int iterations) {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(EVP_PKEY2PKCS8(key),
                                                                               PKCS8_PRIV_KEY_INFO_free);
  // Random salt and IV; the PRF named explicitly rather than left to the library's default.
  X509_ALGOR* pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), iterations, nullptr, 0, nullptr, NID_hmacWithSHA256);
  if (!p8 || pbe == nullptr) {
    X509_ALGOR_free(pbe);
    return CryptoError("PKCS#8 parameters");
  }
  std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)> enc(
      PKCS8_set0_pbe(passphrase.data(), static_cast<int>(passphrase.size()), p8.get(), pbe), X509_SIG_free);
  if (!enc) {
    X509_ALGOR_free(pbe);
    return CryptoError("PKCS#8 encryption");
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PKCS8(out.get(), enc.get()) != 1) return CryptoError("PKCS#8 PEM");
  return BioText(out.get());
}

core::Result<PkeyPtr> DecryptPrivateKey(std::string_view pem, std::string_view passphrase) {
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string_view::npos) {
    return core::Internal("stored seal key is not an encrypted PKCS#8 key");
  }
  auto in = MemoryBio(pem);
  std::string pass(passphrase);
  PkeyPtr key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, pass.data()));
  if (!key) {
    std::string detail = OpenSslErrors();
    return core::MakeError(
        core::ErrorKind::kFailedPrecondition, "seal_key_passphrase",
        "印章私钥无法解密：口令错误或私钥数据损坏",
        "the seal private key cannot be decrypted: wrong passphrase or damaged key (" + detail + ")");
  }
  return key;
}

core::Status SignCertificate(X509* cert, EVP_PKEY* key) {
  HQ_ASSIGN_OR_RETURN(auto c, NewSm2Context(key));
  if (EVP_DigestSignInit(c.mctx.get(), nullptr, EVP_sm3(), nullptr, key) != 1 ||
      X509_sign_ctx(cert, c.mctx.get()) <= 0) {
    return CryptoError("certificate signature");
  }
  return core::Ok();
}

core::Result<X509Ptr> CertFromPem(std::string_view pem) {
  auto in = MemoryBio(pem);
  X509Ptr cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
  if (!cert) return CryptoError("certificate PEM");
  return cert;
}

core::Result<X509Ptr> CertFromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return core::InvalidArgument("certificate", "bad_certificate", "证书数据无法解析",
                                 "certificate does not parse");
  }
  return cert;
}

std::string CertToPem(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), cert) != 1) throw std::runtime_error("PEM_write_bio_X509 failed");
  return BioText(out.get());
}

std::string CertToDer(X509* cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert, &buf);
  if (n <= 0) throw std::runtime_error("i2d_X509 failed");
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

void SetDistId(X509* cert) {
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  if (id == nullptr || ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DistId.data()),
                                             static_cast<int>(kSm2DistId.size())) != 1) {
    ASN1_OCTET_STRING_free(id);
    throw std::runtime_error("distid allocation failed");
  }
  X509_set0_distinguishing_id(cert, id);  // takes ownership
}

std::string SerialHex(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string SubjectEntry(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return "";
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (n < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

core::Result<std::string> FromBase64(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return core::InvalidArgument(std::string(field), "bad_base64", "数据不是有效的 Base64",
                                 "not valid base64");
  };
  if (text.size() % 4 != 0) return bad();
  std::string out(3 * (text.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return bad();
  // EVP_DecodeBlock keeps the zero bytes that the padding stands for.
  size_t pad = text.empty() ? 0 : (text.back() == '=') + (text.size() > 1 && text[text.size() - 2] == '=');
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace huiqi::seal::detail
