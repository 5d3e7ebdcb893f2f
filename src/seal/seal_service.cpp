#include "seal/seal_service.h"

#include <openssl/x509.h>

#include <algorithm>
#include <stdexcept>

#include "seal/detail/certs.h"
#include "seal/detail/crypto.h"
#include "seal/detail/records.h"
#include "seal/detail/seal_image.h"
#include "seal/detail/ses_asn1.h"
#include "seal/detail/verifier.h"

namespace huiqi::seal {

using core::Result;
using core::Status;
namespace d = detail;

namespace {

constexpr size_t kMaxPropertyInfo = 512;

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

core::TimePoint Days(core::TimePoint from, int days) { return from + std::chrono::hours(24) * days; }

// The active CA with its key decrypted: what issuing a seal needs.
struct LoadedCa {
  CaInfo info;
  d::X509Ptr cert;
  d::PkeyPtr key;
};

// What a new department seal is made of, built before its transaction (key generation and
// signing are CPU work that should not hold the write lock).
struct SealMaterial {
  DepartmentSeal seal;
  std::string private_key_pem;
};

}  // namespace

Status SealOptions::Validate() const {
  auto bad = [](const char* field, const char* zh, const char* en) {
    return core::InvalidArgument(std::string("seal.") + field, "out_of_range", zh, en);
  };
  if (!key_passphrase.empty() && key_passphrase.size() < 12) {
    return bad("key_passphrase", "印章私钥口令至少 12 个字符",
               "key passphrase must be at least 12 characters");
  }
  if (kdf_iterations < 10000)
    return bad("kdf_iterations", "PBKDF2 迭代次数至少 10000", "kdf_iterations < 10000");
  if (ca_validity_days < 1 || ca_validity_days > 36500) {
    return bad("ca_validity_days", "CA 有效期应为 1–36500 天", "ca_validity_days out of 1..36500");
  }
  if (seal_validity_days < 1 || seal_validity_days > ca_validity_days) {
    return bad("seal_validity_days", "印章有效期应为 1 天至 CA 有效期",
               "seal_validity_days out of 1..ca_validity_days");
  }
  if (ca_name.empty() || ca_organization.empty())
    return bad("ca_name", "CA 名称不能为空", "CA name is empty");
  if (vendor_id.empty() || !IsAscii(vendor_id))
    return bad("vendor_id", "厂商标识须为 ASCII", "vendor_id must be ASCII");
  return core::Ok();
}

std::string_view SealStatusCode(SealStatus s) { return s == SealStatus::kRevoked ? "revoked" : "active"; }

const VerifyStep* VerifyReport::FirstFailure() const {
  for (const auto& s : steps) {
    if (s.status == StepStatus::kFailed) return &s;
  }
  return nullptr;
}

nlohmann::json ReportJson(const VerifyReport& r) {
  auto status = [](StepStatus s) -> std::pair<const char*, const char*> {
    switch (s) {
      case StepStatus::kPassed:
        return {"passed", "通过"};
      case StepStatus::kFailed:
        return {"failed", "未通过"};
      case StepStatus::kSkipped:
        return {"skipped", "未执行"};
      case StepStatus::kAbsent:
        return {"absent", "无此项"};
    }
    return {"skipped", "未执行"};
  };
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps) {
    auto [code, label] = status(s.status);
    steps.push_back({{"step", s.standard_step},
                     {"code", s.code},
                     {"title", s.title},
                     {"status", code},
                     {"status_label", label},
                     {"message", s.message}});
  }
  const VerifyStep* failed = r.FirstFailure();
  return {{"ok", r.ok},
          {"result", r.ok ? "有效" : "无效"},
          {"department",
           {{"id", r.department_id ? nlohmann::json(*r.department_id) : nlohmann::json()},
            {"code", r.department_code},
            {"name", r.department_name}}},
          {"signed_at", r.signed_at},
          {"es_id", r.es_id},
          {"cert_serial", r.cert_serial},
          {"first_failure", failed ? nlohmann::json(failed->code) : nlohmann::json()},
          {"steps", steps}};
}

SealService::SealService(store::Database& db, const core::Clock& clock, SealOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  if (auto st = options_.Validate(); !st.ok()) throw std::invalid_argument(st.error().ToString());
}

Status SealService::RequirePassphrase() const {
  if (!options_.key_passphrase.empty()) return core::Ok();
  return core::MakeError(core::ErrorKind::kFailedPrecondition, "seal_passphrase_missing",
                         "未配置印章私钥口令（--key-passphrase 或 HUIQI_SEAL_PASSPHRASE）",
                         "no seal key passphrase configured");
}

// ---- the CA ----

namespace {

Result<std::optional<CaInfo>> ActiveCaInfo(store::Database& db) {
  return db.ReadValue<std::optional<CaInfo>>([](store::Session& s) -> Result<std::optional<CaInfo>> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kActiveCa));
    if (!row) return std::optional<CaInfo>();
    return std::optional<CaInfo>(d::CaOf(*row));
  });
}

Result<LoadedCa> LoadCa(store::Database& db, std::string_view passphrase) {
  auto row = db.ReadValue<std::optional<store::Row>>(
      [](store::Session& s) { return s.QueryOptional(d::kActiveCa); });
  if (!row.ok()) return row.error();
  if (!row->has_value()) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "seal_no_ca",
                           "尚未建立电子印章 CA，请先运行 huiqi seal keygen",
                           "no seal CA yet: run `huiqi seal keygen`");
  }
  const store::Row& r = **row;
  HQ_ASSIGN_OR_RETURN(auto cert, d::CertFromPem(r.Text("certificate_pem")));
  HQ_ASSIGN_OR_RETURN(auto key, d::DecryptPrivateKey(r.Text("private_key_pem"), passphrase));
  return LoadedCa{d::CaOf(r), std::move(cert), std::move(key)};
}

}  // namespace

Result<CaInfo> SealService::EnsureCa(const audit::Actor& actor, bool* created) {
  if (created != nullptr) *created = false;
  HQ_ASSIGN_OR_RETURN(auto existing, ActiveCaInfo(db_));
  if (existing) return *existing;
  HQ_RETURN_IF_ERROR(RequirePassphrase());
  HQ_ASSIGN_OR_RETURN(auto key, d::GenerateSm2Key());
  core::TimePoint now = d::TruncateToSeconds(clock_.Now());
  d::CertSubject subject{options_.ca_name, options_.ca_organization};
  HQ_ASSIGN_OR_RETURN(auto cert,
                      d::MakeCaCertificate(key.get(), subject, now, Days(now, options_.ca_validity_days)));
  HQ_ASSIGN_OR_RETURN(auto key_pem,
                      d::EncryptPrivateKey(key.get(), options_.key_passphrase, options_.kdf_iterations));
  CaInfo ca{0,
            "C=CN, O=" + subject.organization + ", CN=" + subject.common_name,
            d::SerialHex(cert.get()),
            d::CertToPem(cert.get()),
            core::FormatTimestamp(d::NotBefore(cert.get())),
            core::FormatTimestamp(d::NotAfter(cert.get())),
            core::FormatTimestamp(now)};
  auto inserted = db_.WriteValue<CaInfo>([&](store::Session& s) -> Result<CaInfo> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(d::kInsertCa,
                                             {ca.subject, ca.serial, ca.certificate_pem, key_pem,
                                              ca.valid_from, ca.valid_to, ca.created_at},
                                             "电子印章 CA", "seal CA"));
    ca.id = row.Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, actor, "seal.ca_create", "seal_ca", std::to_string(ca.id),
                                     nullptr,
                                     {{"subject", ca.subject},
                                      {"serial", ca.serial},
                                      {"valid_from", ca.valid_from},
                                      {"valid_to", ca.valid_to}}));
    return ca;
  });
  if (!inserted.ok() && inserted.error().kind == core::ErrorKind::kConflict) {
    // Another node created the CA first: use theirs.
    HQ_ASSIGN_OR_RETURN(auto theirs, ActiveCaInfo(db_));
    if (theirs) return *theirs;
  }
  if (inserted.ok() && created != nullptr) *created = true;
  return inserted;
}

// ---- department seals ----

namespace {

Status CheckNewSeal(const NewSeal& n) {
  if (n.department_id <= 0) {
    return core::InvalidArgument("department_id", "required", "请指定部门", "department_id is required");
  }
  if (n.department_code.empty() || n.department_name.empty()) {
    return core::InvalidArgument("department", "required", "部门编码和名称不能为空",
                                 "department code and name are required");
  }
  if (!n.image_png.empty()) HQ_RETURN_IF_ERROR(d::CheckPng(n.image_png));
  return core::Ok();
}

// The SESeal: the CA, as seal maker, signs DER(SES_SealInfo) (GB/T 38540 5.2).
Result<std::string> MakeSeal(const LoadedCa& ca, X509* cert, const NewSeal& n, const SealOptions& options,
                             core::TimePoint now, std::string es_id, std::string image) {
  d::SealInfo info;
  info.vid = options.vendor_id;
  info.es_id = std::move(es_id);
  info.name = n.department_name;
  info.certs = {d::CertToDer(cert)};
  info.create_date = now;
  info.valid_start = d::NotBefore(cert);
  info.valid_end = d::NotAfter(cert);
  info.picture = std::move(image);
  HQ_ASSIGN_OR_RETURN(std::string info_der, d::EncodeSealInfo(info));
  HQ_ASSIGN_OR_RETURN(std::string signed_value, d::Sm2Sign(ca.key.get(), info_der));
  return d::EncodeSeal(d::Seal{std::move(info), d::CertToDer(ca.cert.get()), std::string(d::kSm2WithSm3Oid),
                               std::move(signed_value), ""});
}

Result<SealMaterial> BuildSeal(const LoadedCa& ca, const NewSeal& n, const SealOptions& options,
                               core::TimePoint now) {
  HQ_ASSIGN_OR_RETURN(auto key, d::GenerateSm2Key());
  core::TimePoint not_after = std::min(Days(now, options.seal_validity_days), d::NotAfter(ca.cert.get()));
  HQ_ASSIGN_OR_RETURN(auto cert, d::IssueCertificate(ca.cert.get(), ca.key.get(), key.get(),
                                                     {n.department_name, n.department_code}, now, not_after));
  SealMaterial m;
  DepartmentSeal& s = m.seal;
  s.department_id = n.department_id;
  s.department_code = n.department_code;
  s.department_name = n.department_name;
  s.serial = d::SerialHex(cert.get());
  s.es_id = "HQ" + s.serial;  // 印章编码: unique because the serial is
  s.certificate_pem = d::CertToPem(cert.get());
  s.image_png = n.image_png.empty() ? d::DefaultSealPng() : n.image_png;
  HQ_ASSIGN_OR_RETURN(s.seal_der, MakeSeal(ca, cert.get(), n, options, now, s.es_id, s.image_png));
  s.valid_from = core::FormatTimestamp(d::NotBefore(cert.get()));
  s.valid_to = core::FormatTimestamp(not_after);
  s.created_at = core::FormatTimestamp(now);
  HQ_ASSIGN_OR_RETURN(m.private_key_pem,
                      d::EncryptPrivateKey(key.get(), options.key_passphrase, options.kdf_iterations));
  return m;
}

core::Error AlreadyHasSeal() {
  return core::MakeError(core::ErrorKind::kConflict, "seal_exists",
                         "该部门已有有效的电子印章，请先吊销后再重新制发",
                         "the department already has an active seal; revoke it first", "department_id");
}

}  // namespace

Result<DepartmentSeal> SealService::IssueDepartmentSeal(const audit::Actor& actor, const NewSeal& n) {
  HQ_RETURN_IF_ERROR(CheckNewSeal(n));
  HQ_RETURN_IF_ERROR(RequirePassphrase());
  HQ_ASSIGN_OR_RETURN(auto ca, LoadCa(db_, options_.key_passphrase));
  HQ_ASSIGN_OR_RETURN(auto m, BuildSeal(ca, n, options_, d::TruncateToSeconds(clock_.Now())));
  DepartmentSeal& s = m.seal;
  auto out = db_.WriteValue<DepartmentSeal>([&](store::Session& tx) -> Result<DepartmentSeal> {
    HQ_ASSIGN_OR_RETURN(auto active, tx.QueryOptional(d::kActiveSealOf, {s.department_id}));
    if (active) return AlreadyHasSeal();
    HQ_ASSIGN_OR_RETURN(
        auto row, tx.QueryOne(d::kInsertSeal,
                              {s.department_id, ca.info.id, s.department_code, s.department_name, s.serial,
                               s.es_id, s.certificate_pem, m.private_key_pem, d::Base64(s.image_png),
                               d::Base64(s.seal_der), s.valid_from, s.valid_to, s.created_at},
                              "电子印章", "seal"));
    s.id = row.Int("id");
    HQ_RETURN_IF_ERROR(audit::Record(tx, clock_, actor, "seal.issue", "department_seal", std::to_string(s.id),
                                     nullptr, d::SealAuditJson(s)));
    return s;
  });
  // A concurrent issue for the same department loses on the one-active-seal index.
  if (!out.ok() && out.error().kind == core::ErrorKind::kConflict) return AlreadyHasSeal();
  return out;
}

Result<DepartmentSeal> SealService::ActiveSeal(int64_t department_id) {
  return db_.ReadValue<DepartmentSeal>([&](store::Session& s) -> Result<DepartmentSeal> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(d::kActiveSealOf, {department_id}, "该部门有效的电子印章",
                                             "active seal of the department"));
    HQ_ASSIGN_OR_RETURN(auto r, d::SealOf(row));
    return r.seal;
  });
}

Result<DepartmentSeal> SealService::Revoke(const audit::Actor& actor, int64_t seal_id,
                                           std::string_view reason) {
  if (reason.empty()) {
    return core::InvalidArgument("reason", "required", "请填写吊销原因", "a revocation reason is required");
  }
  std::string at = core::FormatTimestamp(clock_.Now());
  return db_.WriteValue<DepartmentSeal>([&](store::Session& tx) -> Result<DepartmentSeal> {
    HQ_ASSIGN_OR_RETURN(auto row, tx.QueryOne(d::kSealById, {seal_id}, "电子印章", "seal"));
    HQ_ASSIGN_OR_RETURN(auto before, d::SealOf(row));
    HQ_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(d::kRevoke, {at, std::string(reason), seal_id}));
    if (changed != 1) {
      return core::MakeError(core::ErrorKind::kConflict, "seal_not_active", "该电子印章已吊销，不能再次吊销",
                             "the seal is not active (already revoked)", "seal_id");
    }
    DepartmentSeal after = before.seal;
    after.status = SealStatus::kRevoked;
    after.revoked_at = at;
    after.revocation_reason = std::string(reason);
    HQ_RETURN_IF_ERROR(audit::Record(tx, clock_, actor, "seal.revoke", "department_seal",
                                     std::to_string(seal_id), d::SealAuditJson(before.seal),
                                     d::SealAuditJson(after)));
    return after;
  });
}

// ---- signing and verification ----

namespace {

Result<d::SealRow> ActiveSealRow(store::Database& db, int64_t department_id) {
  return db.ReadValue<d::SealRow>([&](store::Session& s) -> Result<d::SealRow> {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(d::kActiveSealOf, {department_id}, "该部门有效的电子印章",
                                             "active seal of the department"));
    return d::SealOf(row);
  });
}

Status CheckUsable(const DepartmentSeal& s, core::TimePoint now) {
  HQ_ASSIGN_OR_RETURN(auto from, core::ParseTimestamp(s.valid_from));
  HQ_ASSIGN_OR_RETURN(auto to, core::ParseTimestamp(s.valid_to));
  if (now < from || now > to) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "seal_expired",
                           "该部门的电子印章不在有效期内（" + s.valid_from + " 至 " + s.valid_to + "）",
                           "the department's seal is outside its validity period");
  }
  return core::Ok();
}

}  // namespace

Result<SignedData> SealService::Sign(int64_t department_id, std::string_view data,
                                     std::string_view property_info) {
  if (property_info.size() > kMaxPropertyInfo || !IsAscii(property_info)) {
    return core::InvalidArgument("property_info", "bad_property_info",
                                 "签章属性信息须为不超过 512 字节的 ASCII 文本",
                                 "property_info must be printable ASCII, at most 512 bytes");
  }
  HQ_RETURN_IF_ERROR(RequirePassphrase());
  HQ_ASSIGN_OR_RETURN(auto row, ActiveSealRow(db_, department_id));
  core::TimePoint now = d::TruncateToSeconds(clock_.Now());
  HQ_RETURN_IF_ERROR(CheckUsable(row.seal, now));
  HQ_ASSIGN_OR_RETURN(auto key, d::DecryptPrivateKey(row.private_key_pem, options_.key_passphrase));
  HQ_ASSIGN_OR_RETURN(auto cert, d::CertFromPem(row.seal.certificate_pem));
  HQ_ASSIGN_OR_RETURN(auto eseal, d::DecodeSeal(row.seal.seal_der));
  d::Signature sig;
  sig.to_sign.eseal = std::move(eseal);
  sig.to_sign.time_info = now;
  sig.to_sign.data_hash = d::Sm3(data);
  sig.to_sign.property_info = std::string(property_info);
  HQ_ASSIGN_OR_RETURN(std::string tbs_der, d::EncodeTbsSign(sig.to_sign));
  HQ_ASSIGN_OR_RETURN(sig.value, d::Sm2Sign(key.get(), tbs_der));
  sig.cert = d::CertToDer(cert.get());
  sig.alg_oid = std::string(d::kSm2WithSm3Oid);
  HQ_ASSIGN_OR_RETURN(std::string der, d::EncodeSignature(sig));
  return SignedData{std::move(der),     row.seal.id,    department_id,
                    row.seal.serial,    row.seal.es_id, core::FormatTimestamp(now),
                    audit::Sm3Hex(data)};
}

Result<VerifyReport> SealService::Verify(std::string_view signature_der, std::string_view data) {
  HQ_ASSIGN_OR_RETURN(auto pems, db_.ReadValue<std::vector<std::string>>(
                                     [](store::Session& s) -> Result<std::vector<std::string>> {
                                       HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kAllCaCertificates));
                                       std::vector<std::string> out;
                                       for (const auto& r : rows) out.push_back(r.Text("certificate_pem"));
                                       return out;
                                     }));
  std::vector<d::X509Ptr> owned;
  std::vector<X509*> anchors;
  for (const auto& pem : pems) {
    HQ_ASSIGN_OR_RETURN(auto cert, d::CertFromPem(pem));
    anchors.push_back(cert.get());
    owned.push_back(std::move(cert));
  }
  d::RegistrationLookup lookup = [&](const std::string& serial) -> Result<std::optional<d::Registration>> {
    return db_.ReadValue<std::optional<d::Registration>>(
        [&](store::Session& s) -> Result<std::optional<d::Registration>> {
          HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kSealBySerial, {serial}));
          if (!row) return std::optional<d::Registration>();
          HQ_ASSIGN_OR_RETURN(auto r, d::SealOf(*row));
          HQ_ASSIGN_OR_RETURN(auto cert, d::CertFromPem(r.seal.certificate_pem));
          return std::optional<d::Registration>(
              d::Registration{r.seal.id, r.seal.department_id, r.seal.status == SealStatus::kRevoked,
                              r.seal.revoked_at.value_or(""), r.seal.revocation_reason,
                              d::CertToDer(cert.get()), r.seal.seal_der});
        });
  };
  return d::VerifySignature(signature_der, data, anchors, lookup, clock_.Now());
}

}  // namespace huiqi::seal
