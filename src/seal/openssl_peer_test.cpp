// An independent peer: the `openssl` command line checks what the seal module produced. The DER
// is taken apart by a small TLV walker written here, not by the module's ASN.1 templates.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "seal/seal_test_fixture.h"

namespace huiqi::seal {
namespace {

using testing::SealTest;

constexpr store::Statement kSealKey{"test.peer_seal_key",
                                    "SELECT private_key_pem FROM department_seals WHERE id = ?"};

struct Output {
  int status = -1;
  std::string text;
};

Output Shell(const std::string& command) {
  Output out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.text.append(buf, n);
  int rc = pclose(p);
  out.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

void Write(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// The children of a DER SEQUENCE, each as its whole TLV.
std::vector<std::string_view> Children(std::string_view tlv) {
  auto header = [](std::string_view s, size_t& len) {
    auto b = [&](size_t i) { return static_cast<unsigned char>(s.at(i)); };
    if (b(1) < 0x80) {
      len = b(1);
      return size_t{2};
    }
    size_t n = b(1) & 0x7f;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | b(2 + i);
    return 2 + n;
  };
  size_t len = 0, h = header(tlv, len);
  std::string_view content = tlv.substr(h, len);
  std::vector<std::string_view> out;
  while (!content.empty()) {
    size_t clen = 0, ch = header(content, clen);
    out.push_back(content.substr(0, ch + clen));
    content.remove_prefix(ch + clen);
  }
  return out;
}

// A BIT STRING's octets without its unused-bits octet.
std::string BitStringOctets(std::string_view tlv) {
  size_t h = static_cast<unsigned char>(tlv[1]) < 0x80 ? 2 : 2 + (static_cast<unsigned char>(tlv[1]) & 0x7f);
  EXPECT_EQ(tlv[0], 0x03);
  EXPECT_EQ(tlv[h], 0x00);  // no unused bits
  return std::string(tlv.substr(h + 1));
}

class OpenSslPeerTest : public SealTest {
 protected:
  void SetUp() override {
    SealTest::SetUp();
    if (Shell("openssl version").status != 0) GTEST_SKIP() << "no openssl command line";
    dir_ = huiqi::testing::TempDir() + "/";
  }
  std::string Path(const char* name) const { return dir_ + name; }
  std::string dir_;
};

TEST_P(OpenSslPeerTest, OpenSslVerifiesTheCertificatesSignaturesAndDigest) {
  DepartmentSeal seal = IssueKjj();
  CaInfo ca = svc_->EnsureCa(actor_).value();
  std::string data = CanonicalOpinion(testing::SampleOpinion());
  std::string der = svc_->Sign(kjj_, data).value().signature_der;
  Write(Path("ca.pem"), ca.certificate_pem);
  Write(Path("dept.pem"), seal.certificate_pem);
  Write(Path("data.bin"), data);
  Write(Path("sig.der"), der);

  // The certificate chain, SM2-with-SM3 with the GM/T 0009 default distid.
  std::string id = " -vfyopt distid:1234567812345678";
  Output chain = Shell("openssl verify -CAfile " + Path("ca.pem") + id + " " + Path("dept.pem"));
  EXPECT_EQ(chain.status, 0) << chain.text;
  EXPECT_NE(chain.text.find(": OK"), std::string::npos) << chain.text;
  // OpenSSL 3.0's default (empty) identifier is not the one the certificate was signed with.
  Output no_id = Shell("openssl verify -CAfile " + Path("ca.pem") + " " + Path("dept.pem"));
  EXPECT_NE(no_id.status, 0) << no_id.text;
  Output text = Shell("openssl x509 -noout -text -nameopt utf8 -in " + Path("dept.pem"));
  EXPECT_NE(text.text.find("SM2-with-SM3"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("Digital Signature, Non Repudiation"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("CN=常州市科学技术局"), std::string::npos) << text.text;
  Output ca_text = Shell("openssl x509 -noout -text -in " + Path("ca.pem"));
  EXPECT_NE(ca_text.text.find("CA:TRUE"), std::string::npos) << ca_text.text;
  EXPECT_NE(ca_text.text.find("Certificate Sign, CRL Sign"), std::string::npos) << ca_text.text;

  // The whole structure parses as DER.
  Output parsed = Shell("openssl asn1parse -inform DER -in " + Path("sig.der"));
  EXPECT_EQ(parsed.status, 0) << parsed.text;
  EXPECT_NE(parsed.text.find("SM2-with-SM3"), std::string::npos);

  // SES_Signature { toSign, cert, signatureAlgID, signature }; TBS_Sign { version, eseal,
  // timeInfo, dataHash, propertyInfo }; SESeal { eSealInfo, cert, signAlgID, signedValue }.
  auto sig_parts = Children(der);
  ASSERT_EQ(sig_parts.size(), 4u);
  auto tbs_parts = Children(sig_parts[0]);
  ASSERT_EQ(tbs_parts.size(), 5u);
  auto seal_parts = Children(tbs_parts[1]);
  ASSERT_EQ(seal_parts.size(), 4u);
  Write(Path("tbs.der"), sig_parts[0]);
  Write(Path("tbs.sig"), BitStringOctets(sig_parts[3]));
  Write(Path("info.der"), seal_parts[0]);
  Write(Path("info.sig"), BitStringOctets(seal_parts[3]));
  ASSERT_EQ(Shell("openssl x509 -pubkey -noout -in " + Path("dept.pem") + " -out " + Path("dept.pub")).status,
            0);
  ASSERT_EQ(Shell("openssl x509 -pubkey -noout -in " + Path("ca.pem") + " -out " + Path("ca.pub")).status, 0);

  auto dgst_verify = [&](const char* pub, const char* sig, const char* file, const std::string& distid) {
    return Shell("openssl dgst -sm3 -verify " + Path(pub) + " -sigopt distid:" + distid + " -signature " +
                 Path(sig) + " " + Path(file));
  };
  Output tbs_ok = dgst_verify("dept.pub", "tbs.sig", "tbs.der", "1234567812345678");
  EXPECT_NE(tbs_ok.text.find("Verified OK"), std::string::npos) << tbs_ok.text;
  Output seal_ok = dgst_verify("ca.pub", "info.sig", "info.der", "1234567812345678");
  EXPECT_NE(seal_ok.text.find("Verified OK"), std::string::npos) << seal_ok.text;
  // The identifier really is part of the signature, and a changed byte is caught.
  Output wrong_id = dgst_verify("dept.pub", "tbs.sig", "tbs.der", "1234567812345679");
  EXPECT_NE(wrong_id.text.find("Verification failure"), std::string::npos) << wrong_id.text;
  std::string tbs(sig_parts[0]);
  tbs[tbs.size() - 3] ^= 0x01;
  Write(Path("tbs.der"), tbs);
  Output changed = dgst_verify("dept.pub", "tbs.sig", "tbs.der", "1234567812345678");
  EXPECT_NE(changed.text.find("Verification failure"), std::string::npos) << changed.text;

  // dataHash is SM3 of the data as openssl computes it.
  Output sm3 = Shell("openssl dgst -sm3 -r " + Path("data.bin"));
  std::string hex;
  for (unsigned char c : BitStringOctets(tbs_parts[3])) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  EXPECT_EQ(sm3.text.substr(0, 64), hex);
}

TEST_P(OpenSslPeerTest, TheStoredKeyIsPbes2AndOpensOnlyWithThePassphrase) {
  DepartmentSeal seal = IssueKjj();
  std::string pem = db_->ReadValue<std::string>([&](store::Session& s) -> core::Result<std::string> {
                         HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kSealKey, {seal.id}, "", ""));
                         return r.Text("private_key_pem");
                       })
                        .value();
  Write(Path("key.pem"), pem);
  Output params = Shell("openssl asn1parse -in " + Path("key.pem"));
  EXPECT_NE(params.text.find("PBES2"), std::string::npos) << params.text;
  EXPECT_NE(params.text.find("PBKDF2"), std::string::npos);
  EXPECT_NE(params.text.find("hmacWithSHA256"), std::string::npos);
  EXPECT_NE(params.text.find("aes-256-cbc"), std::string::npos);
  Output right =
      Shell("openssl pkey -in " + Path("key.pem") + " -passin pass:" + testing::kPassphrase + " -pubout");
  EXPECT_EQ(right.status, 0) << right.text;
  // The key's public half is the certificate's.
  Output cert_pub =
      Shell("openssl x509 -pubkey -noout -in /dev/stdin <<'EOF'\n" + seal.certificate_pem + "EOF");
  EXPECT_EQ(right.text, cert_pub.text);
  Output wrong = Shell("openssl pkey -in " + Path("key.pem") + " -passin pass:not-the-passphrase -noout");
  EXPECT_NE(wrong.status, 0) << wrong.text;
}

INSTANTIATE_TEST_SUITE_P(All, OpenSslPeerTest, ::testing::ValuesIn(huiqi::testing::Backends()),
                         huiqi::testing::PrintBackend());

}  // namespace
}  // namespace huiqi::seal
