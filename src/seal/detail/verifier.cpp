#include "seal/detail/verifier.h"

#include <openssl/x509v3.h>

#include "seal/detail/certs.h"
#include "seal/detail/ses_asn1.h"

namespace huiqi::seal::detail {

namespace {

struct StepDef {
  const char* code;
  int standard_step;
  const char* title;
};

// The order of the report; codes are documented in docs/seal.md.
constexpr StepDef kSteps[] = {
    {"parse", 1, "解析签章数据"},
    {"seal_signature", 2, "验证印章的制章者签名"},
    {"maker_certificate", 3, "验证制章者证书"},
    {"seal_validity", 4, "验证印章有效期"},
    {"signer_in_seal", 5, "签章者证书属于该印章"},
    {"signer_certificate", 5, "验证签章者证书"},
    {"revocation", 5, "证书登记与吊销状态"},
    {"signature", 6, "验证签章签名值"},
    {"data_hash", 7, "验证原文杂凑值"},
    {"timestamp", 8, "验证时间戳"},
};

std::string When(core::TimePoint t) { return core::FormatTimestamp(t); }

class Verification {
 public:
  Verification(std::string_view der, std::string_view data, const std::vector<X509*>& anchors,
               const RegistrationLookup& lookup, core::TimePoint now)
      : der_(der), data_(data), anchors_(anchors), lookup_(lookup), now_(TruncateToSeconds(now)) {
    for (const auto& s : kSteps)
      report_.steps.push_back({s.code, s.standard_step, s.title, StepStatus::kSkipped, ""});
  }

  core::Result<VerifyReport> Run() {
    if (!Parse()) return Finish();
    CheckSealSignature();
    CheckMaker();
    CheckSealValidity();
    CheckSignerInSeal();
    CheckSignerCertificate();
    HQ_RETURN_IF_ERROR(CheckRegistration());
    CheckSignature();
    CheckDataHash();
    CheckTimestamp();
    return Finish();
  }

 private:
  void Set(size_t i, StepStatus status, std::string message) {
    report_.steps[i].status = status;
    report_.steps[i].message = std::move(message);
  }
  void Pass(size_t i, std::string m) { Set(i, StepStatus::kPassed, std::move(m)); }
  void Fail(size_t i, std::string m) { Set(i, StepStatus::kFailed, std::move(m)); }

  bool Parse();
  bool ParseProblem(std::string& problem);
  void CheckSealSignature();
  void CheckMaker();
  void CheckSealValidity();
  void CheckSignerInSeal();
  void CheckSignerCertificate();
  core::Status CheckRegistration();
  std::string RegistrationProblem(const std::optional<Registration>& reg, const std::string& eseal_der) const;
  void CheckSignature();
  void CheckDataHash();
  void CheckTimestamp();
  //! "" when `cert` is valid both at the declared signing time and now; else why not.
  std::string ValidityProblem(X509* cert) const;

  core::Result<VerifyReport> Finish() {
    report_.ok = true;
    for (auto& s : report_.steps) {
      if (s.status == StepStatus::kFailed || s.status == StepStatus::kSkipped) report_.ok = false;
      if (s.status == StepStatus::kSkipped && s.message.empty()) s.message = "前序步骤失败，未执行";
    }
    return report_;
  }

  std::string_view der_, data_;
  const std::vector<X509*>& anchors_;
  const RegistrationLookup& lookup_;
  core::TimePoint now_;
  VerifyReport report_;
  Signature sig_;
  X509Ptr signer_, maker_;
};

enum Step : size_t {
  kParse,
  kSealSignature,
  kMaker,
  kSealValidity,
  kSignerInSeal,
  kSignerCert,
  kRevocation,
  kSignature,
  kDataHash,
  kTimestamp
};

bool Verification::Parse() {
  auto decoded = DecodeSignature(der_);
  if (!decoded.ok()) {
    Fail(kParse, decoded.error().message);
    return false;
  }
  sig_ = std::move(decoded).value();
  std::string problem;
  if (!ParseProblem(problem)) {
    Fail(kParse, problem);
    return false;
  }
  report_.department_code = SubjectEntry(signer_.get(), NID_organizationName);
  report_.department_name = SubjectEntry(signer_.get(), NID_commonName);
  report_.signed_at = When(sig_.to_sign.time_info);
  report_.es_id = sig_.to_sign.eseal.info.es_id;
  report_.cert_serial = SerialHex(signer_.get());
  Pass(kParse, "GB/T 38540 第 4 版签章结构完整（SM2/SM3）");
  return true;
}

// The fields a v4 verifier must understand before anything else can be checked.
bool Verification::ParseProblem(std::string& problem) {
  const TbsSign& t = sig_.to_sign;
  const SealInfo& info = t.eseal.info;
  auto fail = [&](std::string p) {
    problem = std::move(p);
    return false;
  };
  if (t.version != kSesVersion || info.version != kSesVersion || info.header_id != "ES") {
    return fail("不是第 4 版（GB/T 38540-2020）电子签章");
  }
  if (info.cert_list_type != kCertListTypeCerts) return fail("印章证书列表类型不受支持（仅支持证书列表）");
  if (t.eseal.sign_alg_oid != kSm2WithSm3Oid || sig_.alg_oid != kSm2WithSm3Oid) {
    return fail("签名算法不是 SM2-with-SM3（1.2.156.10197.1.501）");
  }
  if (t.data_hash.size() != 32) return fail("原文杂凑值不是 SM3 杂凑（32 字节）");
  for (const auto* ext : {&info.ext, &t.ext}) {
    for (const auto& e : *ext) {
      if (e.critical) return fail("含有无法识别的关键扩展 " + e.oid);
    }
  }
  auto signer = CertFromDer(sig_.cert);
  auto maker = CertFromDer(t.eseal.maker_cert);
  if (!signer.ok()) return fail("签章者证书无法解析");
  if (!maker.ok()) return fail("制章者证书无法解析");
  signer_ = std::move(signer).value();
  maker_ = std::move(maker).value();
  return true;
}

void Verification::CheckSealSignature() {
  const Seal& seal = sig_.to_sign.eseal;
  if (Sm2Verify(X509_get0_pubkey(maker_.get()), seal.info_der, seal.signed_value)) {
    Pass(kSealSignature, "印章信息的制章者签名有效");
  } else {
    Fail(kSealSignature, "印章信息的制章者签名无效：印章数据被改动或不是该制章者制作");
  }
}

std::string Verification::ValidityProblem(X509* cert) const {
  if (!ValidAt(cert, sig_.to_sign.time_info))
    return "签章时间 " + When(sig_.to_sign.time_info) + " 不在证书有效期内";
  if (!ValidAt(cert, now_)) {
    return now_ > NotAfter(cert) ? "证书已于 " + When(NotAfter(cert)) + " 到期" : "证书尚未生效";
  }
  return "";
}

void Verification::CheckMaker() {
  std::string maker_der = CertToDer(maker_.get());
  bool anchored = false;
  for (X509* a : anchors_) anchored = anchored || CertToDer(a) == maker_der;
  if (!anchored) return Fail(kMaker, "制章者证书不是本平台的电子印章 CA");
  SetDistId(maker_.get());
  if (X509_verify(maker_.get(), X509_get0_pubkey(maker_.get())) != 1)
    return Fail(kMaker, "制章者证书自签名无效");
  if (std::string p = ValidityProblem(maker_.get()); !p.empty()) return Fail(kMaker, "制章者" + p);
  if (!HasKeyUsage(maker_.get(), KU_DIGITAL_SIGNATURE))
    return Fail(kMaker, "制章者证书的密钥用法不含数字签名");
  Pass(kMaker, "制章者为本平台电子印章 CA（受信任的根证书），证书在有效期内，密钥用法允许签名");
}

void Verification::CheckSealValidity() {
  const SealInfo& info = sig_.to_sign.eseal.info;
  core::TimePoint t = sig_.to_sign.time_info;
  if (info.valid_start > info.valid_end || info.create_date > info.valid_end) {
    return Fail(kSealValidity, "印章的有效期无效");
  }
  if (t < info.valid_start || t > info.valid_end) {
    return Fail(kSealValidity, "签章时间 " + When(t) + " 不在印章有效期（" + When(info.valid_start) + " 至 " +
                                   When(info.valid_end) + "）内");
  }
  if (now_ > info.valid_end) return Fail(kSealValidity, "印章已于 " + When(info.valid_end) + " 到期");
  if (now_ < info.valid_start)
    return Fail(kSealValidity, "印章尚未生效（" + When(info.valid_start) + " 起）");
  Pass(kSealValidity, "印章在有效期内（" + When(info.valid_start) + " 至 " + When(info.valid_end) + "）");
}

void Verification::CheckSignerInSeal() {
  for (const auto& c : sig_.to_sign.eseal.info.certs) {
    if (c == sig_.cert) return Pass(kSignerInSeal, "签章者证书在印章的证书列表中");
  }
  Fail(kSignerInSeal, "签章者证书不在印章的证书列表中：签章者无权使用该印章");
}

void Verification::CheckSignerCertificate() {
  CertCheck chain = VerifyChain(signer_.get(), anchors_, now_);
  if (!chain.ok) return Fail(kSignerCert, "签章者证书：" + chain.message);
  if (std::string p = ValidityProblem(signer_.get()); !p.empty()) return Fail(kSignerCert, "签章者" + p);
  if (!HasKeyUsage(signer_.get(), KU_DIGITAL_SIGNATURE)) {
    return Fail(kSignerCert, "签章者证书的密钥用法不含数字签名");
  }
  Pass(kSignerCert, "签章者证书由本平台电子印章 CA 签发，在有效期内，密钥用法允许签名");
}

core::Status Verification::CheckRegistration() {
  HQ_ASSIGN_OR_RETURN(auto reg, lookup_(SerialHex(signer_.get())));
  HQ_ASSIGN_OR_RETURN(std::string eseal_der, EncodeSeal(sig_.to_sign.eseal));
  if (reg) report_.department_id = reg->department_id;
  std::string problem = RegistrationProblem(reg, eseal_der);
  if (problem.empty()) {
    Pass(kRevocation, "印章证书已在本平台登记，未吊销");
  } else {
    Fail(kRevocation, problem);
  }
  return core::Ok();
}

std::string Verification::RegistrationProblem(const std::optional<Registration>& reg,
                                              const std::string& eseal_der) const {
  if (!reg) return "签章者证书未在本平台登记";
  if (reg->cert_der != sig_.cert) return "签章者证书与本平台登记的证书不符";
  if (reg->seal_der != eseal_der) return "签章所用印章与本平台登记的印章不符";
  if (!reg->revoked) return "";
  // Revocation ends every signature of the seal, earlier ones too: without a trusted timestamp
  // nothing proves that a signature was made before the key was compromised.
  std::string why = reg->reason.empty() ? "" : "（原因：" + reg->reason + "）";
  return "印章证书已于 " + reg->revoked_at + " 吊销" + why + "；吊销之前加盖的签章同样不再有效";
}

void Verification::CheckSignature() {
  if (Sm2Verify(X509_get0_pubkey(signer_.get()), sig_.tbs_der, sig_.value)) {
    Pass(kSignature, "签章签名值有效（SM2，用户标识 1234567812345678）");
  } else {
    Fail(kSignature, "签章签名值无效：签章数据被改动或不是该证书的私钥签署");
  }
}

void Verification::CheckDataHash() {
  if (Sm3(data_) == sig_.to_sign.data_hash) {
    Pass(kDataHash, "原文的 SM3 杂凑值与签章记录一致");
  } else {
    Fail(kDataHash, "原文的 SM3 杂凑值与签章记录不一致：原文被改动或不是该签章所签的原文");
  }
}

void Verification::CheckTimestamp() {
  if (sig_.has_timestamp) return Fail(kTimestamp, "签章含时间戳，本平台尚不支持验证时间戳");
  Set(kTimestamp, StepStatus::kAbsent,
      "签章未含时间戳：签章时间 " + When(sig_.to_sign.time_info) + " 由签章者声明，未经可信时间源证明");
}

}  // namespace

core::Result<VerifyReport> VerifySignature(std::string_view signature_der, std::string_view data,
                                           const std::vector<X509*>& anchors,
                                           const RegistrationLookup& lookup, core::TimePoint now) {
  return Verification(signature_der, data, anchors, lookup, now).Run();
}

}  // namespace huiqi::seal::detail
