#pragma once
// GB/T 38540-2020 (GM/T 0031 v4) structures as plain C++ values, and their DER. The OpenSSL
// ASN.1 templates that do the encoding stay in ses_asn1.cpp. What is encoded (see docs/seal.md):
//
//   SESeal        ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING (maker),
//                                signAlgID OBJECT IDENTIFIER, signedValue BIT STRING }
//   SES_SealInfo  ::= SEQUENCE { header SES_Header, esID IA5String, property SES_ESPropertyInfo,
//                                picture SES_ESPictrueInfo, extDatas ExtensionDatas OPTIONAL }
//   SES_Header    ::= SEQUENCE { ID IA5String ("ES"), version INTEGER (4), Vid IA5String }
//   SES_ESPropertyInfo ::= SEQUENCE { type INTEGER, name UTF8String, certListType INTEGER (1),
//                                certList SEQUENCE OF OCTET STRING, createDate GeneralizedTime,
//                                validStart GeneralizedTime, validEnd GeneralizedTime }
//   SES_ESPictrueInfo  ::= SEQUENCE { type IA5String, data OCTET STRING, width INTEGER, height INTEGER }
//   TBS_Sign      ::= SEQUENCE { version INTEGER (4), eseal SESeal, timeInfo GeneralizedTime,
//                                dataHash BIT STRING, propertyInfo IA5String, extDatas OPTIONAL }
//   SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING (signer), signatureAlgID OID,
//                                signature BIT STRING, timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
//   ExtData       ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace huiqi::seal::detail {

inline constexpr int64_t kSesVersion = 4;
inline constexpr int64_t kCertListTypeCerts = 1;  // certList holds the certificates themselves
inline constexpr int64_t kSealTypeOfficial = 1;   // 单位印章

struct ExtData {
  std::string oid;  // dotted
  bool critical = false;
  std::string value;
};

struct SealInfo {
  std::string header_id = "ES";
  int64_t version = kSesVersion;
  std::string vid;    // vendor
  std::string es_id;  // 印章编码
  int64_t type = kSealTypeOfficial;
  std::string name;  // 印章名称 (UTF-8)
  int64_t cert_list_type = kCertListTypeCerts;
  std::vector<std::string> certs;  // DER of each signer certificate
  core::TimePoint create_date, valid_start, valid_end;
  std::string picture_type = "PNG";
  std::string picture;  // image bytes
  int64_t width_mm = 40, height_mm = 40;
  std::vector<ExtData> ext;
};

struct Seal {
  SealInfo info;
  std::string maker_cert;  // DER
  std::string sign_alg_oid;
  std::string signed_value;  // SM2 signature over DER(info)
  std::string info_der;      // DecodeSeal/DecodeSignature: the exact DER of `info` as received
};

struct TbsSign {
  int64_t version = kSesVersion;
  Seal eseal;
  core::TimePoint time_info;
  std::string data_hash;  // SM3 of the protected bytes
  std::string property_info;
  std::vector<ExtData> ext;
};

struct Signature {
  TbsSign to_sign;
  std::string cert;  // signer certificate, DER
  std::string alg_oid;
  std::string value;  // SM2 signature over DER(to_sign)
  bool has_timestamp = false;
  std::string tbs_der;  // DecodeSignature: the exact DER of `to_sign` as received
};

// Encoding. Fails (kInvalidArgument) only for values ASN.1 cannot carry (non-IA5 text).
core::Result<std::string> EncodeSealInfo(const SealInfo& info);
core::Result<std::string> EncodeSeal(const Seal& seal);
core::Result<std::string> EncodeTbsSign(const TbsSign& tbs);
core::Result<std::string> EncodeSignature(const Signature& sig);

// Decoding: strict DER (the input must re-encode to itself, nothing may trail).
// kInvalidArgument "bad_seal_structure" with the reason in the messages.
core::Result<Seal> DecodeSeal(std::string_view der);
core::Result<Signature> DecodeSignature(std::string_view der);

//! GeneralizedTime has whole seconds: the instant as it will read back after a round trip.
core::TimePoint TruncateToSeconds(core::TimePoint t);

}  // namespace huiqi::seal::detail
