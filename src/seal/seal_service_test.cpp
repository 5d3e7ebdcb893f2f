#include "seal/seal_service.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <atomic>
#include <thread>

#include "audit/audit_log.h"
#include "seal/detail/crypto.h"
#include "seal/detail/ses_asn1.h"
#include "seal/seal_test_fixture.h"

namespace huiqi::seal {
namespace {

using core::ErrorKind;
using testing::SealTest;

constexpr store::Statement kStoredKeys{
    "test.stored_keys",
    "SELECT private_key_pem FROM seal_ca UNION ALL SELECT private_key_pem FROM department_seals"};
constexpr store::Statement kSealKey{"test.seal_key",
                                    "SELECT private_key_pem FROM department_seals WHERE id = ?"};

std::vector<std::string> StoredKeys(store::Database& db) {
  return db
      .ReadValue<std::vector<std::string>>([](store::Session& s) -> core::Result<std::vector<std::string>> {
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kStoredKeys));
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.Text("private_key_pem"));
        return out;
      })
      .value();
}

std::string PlainPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  std::string out(p, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::vector<std::string> AuditActions(store::Database& db) {
  auto page = audit::List(db, 1, 100).value();
  std::vector<std::string> out;
  for (auto it = page.items.rbegin(); it != page.items.rend(); ++it) out.push_back(it->action);
  return out;
}

TEST_P(SealTest, IssuedSealSignsAnOpinionThatVerifies) {
  bool created = false;
  auto ca = svc_->EnsureCa(actor_, &created);
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_TRUE(created);
  EXPECT_NE(ca->certificate_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  auto again = svc_->EnsureCa(actor_, &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(again->id, ca->id);

  DepartmentSeal seal = IssueKjj();
  EXPECT_EQ(seal.status, SealStatus::kActive);
  EXPECT_EQ(seal.image_png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(seal.es_id, "HQ" + seal.serial);
  EXPECT_EQ(svc_->ActiveSeal(kjj_).value().serial, seal.serial);

  std::string bytes = CanonicalOpinion(testing::SampleOpinion());
  auto signed_data = svc_->Sign(kjj_, bytes, OpinionPropertyInfo(testing::SampleOpinion()));
  ASSERT_TRUE(signed_data.ok()) << signed_data.error().ToString();
  EXPECT_EQ(signed_data->data_sm3, audit::Sm3Hex(bytes));
  EXPECT_EQ(signed_data->signed_at, core::FormatTimestamp(clock_.Now()));

  VerifyReport rep = MustVerify(signed_data->signature_der, bytes);
  EXPECT_TRUE(rep.ok) << ReportJson(rep).dump(2);
  EXPECT_EQ(Failed(rep), "");
  for (const auto& s : rep.steps) {
    EXPECT_EQ(s.status, s.code == "timestamp" ? StepStatus::kAbsent : StepStatus::kPassed) << s.code;
  }
  EXPECT_EQ(rep.department_id, kjj_);
  EXPECT_EQ(rep.department_code, "CZ-KJJ");
  EXPECT_EQ(rep.department_name, "常州市科学技术局");
  EXPECT_EQ(rep.signed_at, signed_data->signed_at);
  auto j = ReportJson(rep);
  EXPECT_EQ(j["result"], "有效");
  EXPECT_EQ(j["steps"].size(), 10u);
  EXPECT_EQ(j["steps"][9]["status_label"], "无此项");
  EXPECT_EQ(AuditActions(*db_), (std::vector<std::string>{"seal.ca_create", "seal.issue"}));
  EXPECT_TRUE(audit::Verify(*db_).value().ok);
}

TEST_P(SealTest, OneChangedByteOfTheDataFailsAtTheDataHash) {
  IssueKjj();
  std::string bytes = CanonicalOpinion(testing::SampleOpinion());
  auto sig = svc_->Sign(kjj_, bytes).value();
  std::string changed = bytes;
  changed[changed.size() / 2] ^= 0x01;
  VerifyReport rep = MustVerify(sig.signature_der, changed);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "data_hash");
  EXPECT_EQ(ReportJson(rep)["result"], "无效");
  EXPECT_EQ(ReportJson(rep)["first_failure"], "data_hash");
  EXPECT_FALSE(MustVerify(sig.signature_der, bytes + " ").ok);
}

TEST_P(SealTest, EveryChangedByteOfTheSignatureFails) {
  IssueKjj();
  std::string bytes = "意见：同意";
  std::string der = svc_->Sign(kjj_, bytes).value().signature_der;
  ASSERT_TRUE(MustVerify(der, bytes).ok);
  // About 250 positions spread over the whole structure (header, seal, picture, certificate,
  // signature), and the last byte, which lies in the signature value.
  size_t stride = std::max<size_t>(1, der.size() / 250);
  for (size_t i = 0; i < der.size(); i += stride) {
    std::string bad = der;
    bad[i] ^= 0x01;
    EXPECT_FALSE(MustVerify(bad, bytes).ok) << "byte " << i << " of " << der.size();
  }
  std::string bad = der;
  bad.back() ^= 0x01;
  EXPECT_EQ(Failed(MustVerify(bad, bytes)), "signature");
  EXPECT_EQ(Failed(MustVerify(der.substr(0, der.size() - 1), bytes)), "parse");
  EXPECT_EQ(Failed(MustVerify(der + std::string(1, '\0'), bytes)), "parse");
}

TEST_P(SealTest, GarbageIsReportedAsUnparsable) {
  IssueKjj();
  VerifyReport rep = MustVerify("not a signature", "x");
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "parse");
  EXPECT_EQ(Step(rep, "signature").status, StepStatus::kSkipped);
}

TEST_P(SealTest, AnotherDepartmentsKeyCannotUseThisSeal) {
  DepartmentSeal kjj = IssueKjj();
  DepartmentSeal swj = Issue(swj_, "CZ-SWJ", "常州市商务局");
  // SWJ's key and certificate over KJJ's seal: the signature itself is sound, the seal is not theirs.
  std::string pem = db_->ReadValue<std::string>([&](store::Session& s) -> core::Result<std::string> {
                         HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kSealKey, {swj.id}, "", ""));
                         return r.Text("private_key_pem");
                       })
                        .value();
  auto key = detail::DecryptPrivateKey(pem, testing::kPassphrase).value();
  auto cert = detail::CertFromPem(swj.certificate_pem).value();
  std::string bytes = "意见：同意";
  detail::Signature sig;
  sig.to_sign.eseal = detail::DecodeSeal(kjj.seal_der).value();
  sig.to_sign.time_info = detail::TruncateToSeconds(clock_.Now());
  sig.to_sign.data_hash = detail::Sm3(bytes);
  sig.to_sign.property_info = "test";
  sig.value = detail::Sm2Sign(key.get(), detail::EncodeTbsSign(sig.to_sign).value()).value();
  sig.cert = detail::CertToDer(cert.get());
  sig.alg_oid = std::string(detail::kSm2WithSm3Oid);
  VerifyReport rep = MustVerify(detail::EncodeSignature(sig).value(), bytes);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "signer_in_seal,revocation");
  EXPECT_EQ(Step(rep, "signature").status, StepStatus::kPassed);
}

TEST_P(SealTest, ASealFromAnotherPlatformIsNotTrusted) {
  IssueKjj();
  auto other_db = huiqi::testing::FreshDatabase(GetParam());
  int64_t other_dept = AddDepartment(*other_db, "CZ-KJJ", "常州市科学技术局");
  SealService other(*other_db, clock_, testing::TestOptions());
  ASSERT_TRUE(other.EnsureCa(actor_).ok());
  ASSERT_TRUE(other.IssueDepartmentSeal(actor_, {other_dept, "CZ-KJJ", "常州市科学技术局", ""}).ok());
  std::string bytes = "意见：同意";
  auto sig = other.Sign(other_dept, bytes).value();
  ASSERT_TRUE(other.Verify(sig.signature_der, bytes).value().ok);
  VerifyReport rep = MustVerify(sig.signature_der, bytes);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "maker_certificate,signer_certificate,revocation");
  EXPECT_EQ(Step(rep, "signature").status, StepStatus::kPassed);  // self-consistent, just not ours
}

TEST_P(SealTest, ARevokedSealFailsEvenForEarlierSignatures) {
  DepartmentSeal seal = IssueKjj();
  std::string bytes = CanonicalOpinion(testing::SampleOpinion());
  auto sig = svc_->Sign(kjj_, bytes).value();
  clock_.Advance(std::chrono::hours(2));
  auto revoked = svc_->Revoke(actor_, seal.id, "私钥疑似泄露");
  ASSERT_TRUE(revoked.ok()) << revoked.error().ToString();
  EXPECT_EQ(revoked->status, SealStatus::kRevoked);
  VerifyReport rep = MustVerify(sig.signature_der, bytes);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "revocation");
  EXPECT_NE(Step(rep, "revocation").message.find(*revoked->revoked_at), std::string::npos);
  EXPECT_NE(Step(rep, "revocation").message.find("私钥疑似泄露"), std::string::npos);

  EXPECT_EQ(svc_->Sign(kjj_, bytes).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(svc_->Revoke(actor_, seal.id, "again").error().kind, ErrorKind::kConflict);
  EXPECT_EQ(svc_->Revoke(actor_, seal.id + 100, "x").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(svc_->Revoke(actor_, seal.id, "").error().kind, ErrorKind::kInvalidArgument);
  // A replacement can be issued, and signs again.
  DepartmentSeal next = IssueKjj();
  EXPECT_NE(next.serial, seal.serial);
  EXPECT_TRUE(MustVerify(svc_->Sign(kjj_, bytes).value().signature_der, bytes).ok);
  EXPECT_EQ(AuditActions(*db_),
            (std::vector<std::string>{"seal.ca_create", "seal.issue", "seal.revoke", "seal.issue"}));
}

TEST_P(SealTest, ConcurrentRevocationsHaveOneWinner) {
  DepartmentSeal seal = IssueKjj();
  std::atomic<int> won{0}, conflict{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto r = svc_->Revoke(actor_, seal.id, "并发吊销");
      if (r.ok())
        ++won;
      else if (r.error().kind == ErrorKind::kConflict)
        ++conflict;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflict.load(), 3);
}

TEST_P(SealTest, ASecondActiveSealForOneDepartmentIsRefused) {
  IssueKjj();
  auto second = svc_->IssueDepartmentSeal(actor_, {kjj_, "CZ-KJJ", "常州市科学技术局", ""});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(second.error().code, "seal_exists");
}

TEST_P(SealTest, IssuingNeedsTheCaAndAValidImage) {
  auto no_ca = svc_->IssueDepartmentSeal(actor_, {kjj_, "CZ-KJJ", "常州市科学技术局", ""});
  ASSERT_FALSE(no_ca.ok());
  EXPECT_EQ(no_ca.error().code, "seal_no_ca");
  ASSERT_TRUE(svc_->EnsureCa(actor_).ok());
  auto bad = svc_->IssueDepartmentSeal(actor_, {kjj_, "CZ-KJJ", "常州市科学技术局", "GIF89a not a png"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "image");
  std::string png = IssueKjj().image_png;  // the default picture, given back as a custom one
  auto custom = svc_->IssueDepartmentSeal(actor_, {swj_, "CZ-SWJ", "常州市商务局", png});
  ASSERT_TRUE(custom.ok()) << custom.error().ToString();
  EXPECT_EQ(custom->image_png, png);
  EXPECT_EQ(detail::DecodeSeal(custom->seal_der).value().info.picture, png);
}

TEST_P(SealTest, AnExpiredSealNeitherSignsNorVerifies) {
  IssueKjj();
  std::string bytes = "意见：同意";
  auto sig = svc_->Sign(kjj_, bytes).value();
  clock_.Advance(std::chrono::hours(24 * 731));  // seal_validity_days = 730
  VerifyReport rep = MustVerify(sig.signature_der, bytes);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(Failed(rep), "seal_validity,signer_certificate");
  EXPECT_NE(Step(rep, "seal_validity").message.find("到期"), std::string::npos);
  auto late = svc_->Sign(kjj_, bytes);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "seal_expired");
}

TEST_P(SealTest, PrivateKeysAreStoredEncryptedAndNeedThePassphrase) {
  DepartmentSeal seal = IssueKjj();
  auto stored = StoredKeys(*db_);
  ASSERT_EQ(stored.size(), 2u);  // the CA's and the department's
  for (const auto& pem : stored) {
    EXPECT_EQ(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u);
    EXPECT_EQ(pem.find("BEGIN PRIVATE KEY"), std::string::npos);
    auto key = detail::DecryptPrivateKey(pem, testing::kPassphrase);
    ASSERT_TRUE(key.ok());
    // No line of the plaintext key's PEM body appears in what is stored.
    std::string plain = PlainPem(key->get());
    for (size_t pos = plain.find('\n') + 1, end; (end = plain.find('\n', pos)) != std::string::npos;
         pos = end + 1) {
      std::string line = plain.substr(pos, end - pos);
      if (line.rfind("-----", 0) == 0) continue;
      EXPECT_EQ(pem.find(line), std::string::npos);
    }
  }
  SealService wrong(*db_, clock_, testing::TestOptions("a-wrong-passphrase-000"));
  auto sign = wrong.Sign(kjj_, "x");
  ASSERT_FALSE(sign.ok());
  EXPECT_EQ(sign.error().code, "seal_key_passphrase");
  EXPECT_EQ(sign.error().kind, ErrorKind::kFailedPrecondition);
  EXPECT_NE(sign.error().message.find("口令错误"), std::string::npos);
  EXPECT_EQ(wrong.IssueDepartmentSeal(actor_, {swj_, "CZ-SWJ", "常州市商务局", ""}).error().code,
            "seal_key_passphrase");
  // Verification needs no private key, so no passphrase.
  SealService verify_only(*db_, clock_, testing::TestOptions(""));
  auto sig = svc_->Sign(kjj_, "x").value();
  EXPECT_TRUE(verify_only.Verify(sig.signature_der, "x").value().ok);
  EXPECT_EQ(verify_only.Sign(kjj_, "x").error().code, "seal_passphrase_missing");
  (void)seal;
}

TEST_P(SealTest, OptionsAreChecked) {
  SealOptions o = testing::TestOptions();
  EXPECT_TRUE(o.Validate().ok());
  o.key_passphrase = "short";
  EXPECT_EQ(o.Validate().error().field, "seal.key_passphrase");
  o = testing::TestOptions();
  o.seal_validity_days = o.ca_validity_days + 1;
  EXPECT_EQ(o.Validate().error().field, "seal.seal_validity_days");
  o = testing::TestOptions();
  o.kdf_iterations = 1000;
  EXPECT_EQ(o.Validate().error().field, "seal.kdf_iterations");
}

TEST_P(SealTest, PropertyInfoMustBeAscii) {
  IssueKjj();
  EXPECT_EQ(svc_->Sign(kjj_, "x", "阶段").error().field, "property_info");
  EXPECT_TRUE(svc_->Sign(kjj_, "x", "huiqi-opinion-v1;application=1").ok());
}

INSTANTIATE_TEST_SUITE_P(All, SealTest, ::testing::ValuesIn(huiqi::testing::Backends()),
                         huiqi::testing::PrintBackend());

}  // namespace
}  // namespace huiqi::seal
