#pragma once
// Internals of the seal module: its SQL and row mapping.

#include "seal/seal_service.h"
#include "store/database.h"

namespace huiqi::seal::detail {

using store::Statement;

inline constexpr Statement kActiveCa{"seal.active_ca",
                                     "SELECT id, subject, serial, certificate_pem, private_key_pem, "
                                     "valid_from, valid_to, created_at FROM seal_ca "
                                     "WHERE status = 'active'"};
inline constexpr Statement kAllCaCertificates{"seal.all_ca_certificates",
                                              "SELECT certificate_pem FROM seal_ca ORDER BY id"};
inline constexpr Statement kInsertCa{"seal.insert_ca",
                                     "INSERT INTO seal_ca (subject, serial, certificate_pem, "
                                     "private_key_pem, status, valid_from, valid_to, created_at) "
                                     "VALUES (?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id"};

#define HQ_SEAL_COLUMNS                                                                                    \
  "id, department_id, department_code, department_name, serial, es_id, certificate_pem, private_key_pem, " \
  "image_png_b64, seal_der_b64, status, valid_from, valid_to, revoked_at, revocation_reason, created_at"
inline constexpr Statement kInsertSeal{
    "seal.insert_seal",
    "INSERT INTO department_seals (department_id, ca_id, department_code, department_name, serial, es_id, "
    "certificate_pem, private_key_pem, image_png_b64, seal_der_b64, status, valid_from, valid_to, "
    "created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id"};
inline constexpr Statement kActiveSealOf{
    "seal.active_seal_of",
    "SELECT " HQ_SEAL_COLUMNS " FROM department_seals WHERE department_id = ? AND status = 'active'"};
inline constexpr Statement kSealById{"seal.seal_by_id",
                                     "SELECT " HQ_SEAL_COLUMNS " FROM department_seals WHERE id = ?"};
inline constexpr Statement kSealBySerial{"seal.seal_by_serial",
                                         "SELECT " HQ_SEAL_COLUMNS " FROM department_seals WHERE serial = ?"};
// The guarded transition: only an active seal can be revoked, and only once.
inline constexpr Statement kRevoke{
    "seal.revoke",
    "UPDATE department_seals SET status = 'revoked', revoked_at = ?, revocation_reason = ? "
    "WHERE id = ? AND status = 'active'"};
#undef HQ_SEAL_COLUMNS

//! A department_seals row with its private key column (never leaves the module).
struct SealRow {
  DepartmentSeal seal;
  std::string private_key_pem;
};
core::Result<SealRow> SealOf(const store::Row& row);
CaInfo CaOf(const store::Row& row);
nlohmann::json SealAuditJson(const DepartmentSeal& s);

}  // namespace huiqi::seal::detail
