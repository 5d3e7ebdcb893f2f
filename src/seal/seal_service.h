#pragma once
// Electronic seals for review opinions (江阴办法 第二十一条: 审核意见加盖电子印章), after
// GB/T 38540-2020 (GM/T 0031 v4): a platform CA that also makes the seals, one seal per department
// (an SM2 key, an X.509 certificate issued by the CA, a picture, and an SESeal signed by the CA),
// detached SES_Signature over the caller's bytes, and verification in the standard's steps 1–8.
// What is implemented and what is not: docs/seal.md.
//
// Keys: SM2 (GB/T 32918) with SM3 (GB/T 32905), distid 1234567812345678. Private keys never leave
// this module and are stored as PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) under
// SealOptions::key_passphrase. Authorization (who may issue, revoke or sign) is the caller's.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/date.h"
#include "store/database.h"

namespace huiqi::seal {

struct SealOptions {
  std::string key_passphrase;    // encrypts every stored private key; "" = verify only
  int kdf_iterations = 100000;   // PBKDF2 iterations for a key stored from now on (≥ 10000)
  int ca_validity_days = 3650;   // the platform CA's certificate
  int seal_validity_days = 730;  // a department seal and its certificate (≤ the CA's)
  std::string ca_name = "惠企平台电子印章测试CA";    // CN of the CA (also the seal maker)
  std::string ca_organization = "惠企政策直达平台";  // O of the CA
  std::string vendor_id = "HUIQI";                   // SES_Header.Vid (ASCII)

  //! kInvalidArgument naming the first bad field ("seal.<name>").
  core::Status Validate() const;
};

struct CaInfo {
  int64_t id = 0;
  std::string subject;                           // one line, e.g. "C=CN, O=…, CN=…"
  std::string serial;                            // upper-case hex
  std::string certificate_pem;                   // the trust anchor; public
  std::string valid_from, valid_to, created_at;  // ISO-8601 +08:00
};

enum class SealStatus { kActive, kRevoked };
std::string_view SealStatusCode(SealStatus s);  // "active" | "revoked"

struct DepartmentSeal {
  int64_t id = 0;
  int64_t department_id = 0;
  std::string department_code, department_name;  // as in the certificate (O, CN)
  std::string serial;                            // the certificate's serial, upper-case hex
  std::string es_id;                             // SES_SealInfo.esID
  std::string certificate_pem;                   // public
  std::string image_png;                         // SES_ESPictrueInfo.data
  std::string seal_der;                          // SESeal
  SealStatus status = SealStatus::kActive;
  std::string valid_from, valid_to, created_at;
  std::optional<std::string> revoked_at;
  std::string revocation_reason;
};

struct NewSeal {
  int64_t department_id = 0;
  std::string department_code;  // certificate O
  std::string department_name;  // certificate CN and the seal's name
  std::string image_png;        // "" = the default red round seal
};

struct SignedData {
  std::string signature_der;  // SES_Signature, detached: store it beside the signed bytes
  int64_t seal_id = 0;
  int64_t department_id = 0;
  std::string cert_serial, es_id;
  std::string signed_at;  // TBS_Sign.timeInfo
  std::string data_sm3;   // TBS_Sign.dataHash, lower-case hex
};

enum class StepStatus { kPassed, kFailed, kSkipped, kAbsent };  // absent: nothing to check (no timestamp)

struct VerifyStep {
  std::string code;       // "parse", "seal_signature", … (docs/seal.md)
  int standard_step = 0;  // the GB/T 38540 verification step it belongs to, 1–8
  std::string title;      // 中文
  StepStatus status = StepStatus::kSkipped;
  std::string message;  // 中文: what was found
};

struct VerifyReport {
  bool ok = false;  // every step passed (or had nothing to check)
  std::vector<VerifyStep> steps;
  std::optional<int64_t> department_id;          // when the certificate is registered here
  std::string department_code, department_name;  // from the signer certificate
  std::string signed_at;                         // timeInfo as the signer declared it
  std::string es_id, cert_serial;
  //! The first failed step, or null.
  const VerifyStep* FirstFailure() const;
};

//! The report for the API and the CLI: {"ok", "result": "有效"|"无效", "department": {…},
//! "signed_at", "es_id", "cert_serial", "first_failure", "steps": [{"step", "code", "title",
//! "status", "status_label", "message"}]}.
nlohmann::json ReportJson(const VerifyReport& report);

//! Who signs and verifies: the local soft-key service below, later the provincial unified
//! seal service or an HSM (GM/T 0018 SDF) behind the same calls.
class SealProvider {
 public:
  virtual ~SealProvider() = default;
  //! Signs `data` with the department's active seal. `property_info` (ASCII, ≤ 512 bytes) goes
  //! into TBS_Sign.propertyInfo. kNotFound when the department has no active seal,
  //! kFailedPrecondition when it has expired or the key cannot be decrypted.
  virtual core::Result<SignedData> Sign(int64_t department_id, std::string_view data,
                                        std::string_view property_info) = 0;
  //! Verifies a detached signature over `data`. A failed verification is a report with ok false;
  //! an error only when the database cannot be read.
  virtual core::Result<VerifyReport> Verify(std::string_view signature_der, std::string_view data) = 0;
};

//! The local seal service. `db` and `clock` are not owned and must outlive it. Thread-safe:
//! it holds no mutable state; every state change is one transaction with its audit row.
class SealService final : public SealProvider {
 public:
  //! `options` must Validate().
  SealService(store::Database& db, const core::Clock& clock, SealOptions options);

  //! The active platform CA, created (key, self-signed certificate) when there is none.
  //! `created` says which. kFailedPrecondition "seal_passphrase_missing" without a passphrase.
  core::Result<CaInfo> EnsureCa(const audit::Actor& actor, bool* created = nullptr);
  //! kFailedPrecondition "seal_no_ca" before EnsureCa; kConflict when the department already has
  //! an active seal (revoke it first); kInvalidArgument for a bad image (field "image").
  core::Result<DepartmentSeal> IssueDepartmentSeal(const audit::Actor& actor, const NewSeal& seal);
  //! kNotFound when the department has no active seal.
  core::Result<DepartmentSeal> ActiveSeal(int64_t department_id);
  //! Revokes the seal and its certificate. Every signature it made, before or after, fails
  //! verification from now on. kNotFound for an unknown id; kConflict when it is not active (or
  //! another revocation won the race); kInvalidArgument for an empty reason.
  core::Result<DepartmentSeal> Revoke(const audit::Actor& actor, int64_t seal_id, std::string_view reason);

  core::Result<SignedData> Sign(int64_t department_id, std::string_view data,
                                std::string_view property_info = "huiqi-signature-v1") override;
  core::Result<VerifyReport> Verify(std::string_view signature_der, std::string_view data) override;

 private:
  core::Status RequirePassphrase() const;

  store::Database& db_;
  const core::Clock& clock_;
  SealOptions options_;
};

}  // namespace huiqi::seal
