#include "seal/detail/records.h"

#include "seal/detail/crypto.h"

namespace huiqi::seal::detail {

core::Result<SealRow> SealOf(const store::Row& r) {
  SealRow out;
  DepartmentSeal& s = out.seal;
  s.id = r.Int("id");
  s.department_id = r.Int("department_id");
  s.department_code = r.Text("department_code");
  s.department_name = r.Text("department_name");
  s.serial = r.Text("serial");
  s.es_id = r.Text("es_id");
  s.certificate_pem = r.Text("certificate_pem");
  HQ_ASSIGN_OR_RETURN(s.image_png, FromBase64(r.Text("image_png_b64"), "image_png_b64"));
  HQ_ASSIGN_OR_RETURN(s.seal_der, FromBase64(r.Text("seal_der_b64"), "seal_der_b64"));
  s.status = r.Text("status") == "revoked" ? SealStatus::kRevoked : SealStatus::kActive;
  s.valid_from = r.Text("valid_from");
  s.valid_to = r.Text("valid_to");
  s.revoked_at = r.OptText("revoked_at");
  s.revocation_reason = r.Text("revocation_reason");
  s.created_at = r.Text("created_at");
  out.private_key_pem = r.Text("private_key_pem");
  return out;
}

CaInfo CaOf(const store::Row& r) {
  return CaInfo{r.Int("id"),          r.Text("subject"),  r.Text("serial"),    r.Text("certificate_pem"),
                r.Text("valid_from"), r.Text("valid_to"), r.Text("created_at")};
}

nlohmann::json SealAuditJson(const DepartmentSeal& s) {
  nlohmann::json j{{"department_id", s.department_id},
                   {"department_code", s.department_code},
                   {"department_name", s.department_name},
                   {"serial", s.serial},
                   {"es_id", s.es_id},
                   {"status", SealStatusCode(s.status)},
                   {"valid_from", s.valid_from},
                   {"valid_to", s.valid_to}};
  if (s.revoked_at) {
    j["revoked_at"] = *s.revoked_at;
    j["revocation_reason"] = s.revocation_reason;
  }
  return j;
}

}  // namespace huiqi::seal::detail
