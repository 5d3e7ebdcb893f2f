#include "seal/detail/ses_asn1.h"

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/safestack.h>

#include <ctime>
#include <memory>

namespace huiqi::seal::detail {

namespace {

// ---- OpenSSL ASN.1 templates (GB/T 38540-2020 v4; names as in the standard) ----
// The template macros are not C++ clang-format can read: laid out by hand.
// clang-format off
DEFINE_STACK_OF(ASN1_OCTET_STRING)

struct SES_ExtData {
  ASN1_OBJECT* extn_id;
  int critical;  // BOOLEAN DEFAULT FALSE
  ASN1_OCTET_STRING* extn_value;
};
DECLARE_ASN1_FUNCTIONS(SES_ExtData)
DEFINE_STACK_OF(SES_ExtData)
ASN1_SEQUENCE(SES_ExtData) = {
    ASN1_SIMPLE(SES_ExtData, extn_id, ASN1_OBJECT),
    ASN1_OPT(SES_ExtData, critical, ASN1_FBOOLEAN),
    ASN1_SIMPLE(SES_ExtData, extn_value, ASN1_OCTET_STRING),
} ASN1_SEQUENCE_END(SES_ExtData)
IMPLEMENT_ASN1_FUNCTIONS(SES_ExtData)

struct SES_Header {
  ASN1_IA5STRING* id;
  ASN1_INTEGER* version;
  ASN1_IA5STRING* vid;
};
// Only ever inside SES_SealInfo: OpenSSL needs its item, no functions of its own.
DECLARE_ASN1_ITEM(SES_Header)
ASN1_SEQUENCE(SES_Header) = {
    ASN1_SIMPLE(SES_Header, id, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_Header, version, ASN1_INTEGER),
    ASN1_SIMPLE(SES_Header, vid, ASN1_IA5STRING),
} ASN1_SEQUENCE_END(SES_Header)

// certList is the CHOICE's `certs` alternative (certListType 1) only: the CHOICE between two
// untagged SEQUENCE OFs cannot be told apart by tag, and certListType already says which.
struct SES_ESPropertyInfo {
  ASN1_INTEGER* type;
  ASN1_UTF8STRING* name;
  ASN1_INTEGER* cert_list_type;
  STACK_OF(ASN1_OCTET_STRING) * cert_list;
  ASN1_GENERALIZEDTIME* create_date;
  ASN1_GENERALIZEDTIME* valid_start;
  ASN1_GENERALIZEDTIME* valid_end;
};
// Only ever inside SES_SealInfo: OpenSSL needs its item, no functions of its own.
DECLARE_ASN1_ITEM(SES_ESPropertyInfo)
ASN1_SEQUENCE(SES_ESPropertyInfo) = {
    ASN1_SIMPLE(SES_ESPropertyInfo, type, ASN1_INTEGER),
    ASN1_SIMPLE(SES_ESPropertyInfo, name, ASN1_UTF8STRING),
    ASN1_SIMPLE(SES_ESPropertyInfo, cert_list_type, ASN1_INTEGER),
    ASN1_SEQUENCE_OF(SES_ESPropertyInfo, cert_list, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_ESPropertyInfo, create_date, ASN1_GENERALIZEDTIME),
    ASN1_SIMPLE(SES_ESPropertyInfo, valid_start, ASN1_GENERALIZEDTIME),
    ASN1_SIMPLE(SES_ESPropertyInfo, valid_end, ASN1_GENERALIZEDTIME),
} ASN1_SEQUENCE_END(SES_ESPropertyInfo)

struct SES_ESPictrueInfo {  // sic: the standard's spelling
  ASN1_IA5STRING* type;
  ASN1_OCTET_STRING* data;
  ASN1_INTEGER* width;
  ASN1_INTEGER* height;
};
// Only ever inside SES_SealInfo: OpenSSL needs its item, no functions of its own.
DECLARE_ASN1_ITEM(SES_ESPictrueInfo)
ASN1_SEQUENCE(SES_ESPictrueInfo) = {
    ASN1_SIMPLE(SES_ESPictrueInfo, type, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_ESPictrueInfo, data, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_ESPictrueInfo, width, ASN1_INTEGER),
    ASN1_SIMPLE(SES_ESPictrueInfo, height, ASN1_INTEGER),
} ASN1_SEQUENCE_END(SES_ESPictrueInfo)

struct SES_SealInfo {
  SES_Header* header;
  ASN1_IA5STRING* es_id;
  SES_ESPropertyInfo* property;
  SES_ESPictrueInfo* picture;
  STACK_OF(SES_ExtData) * ext_datas;
};
DECLARE_ASN1_FUNCTIONS(SES_SealInfo)
ASN1_SEQUENCE(SES_SealInfo) = {
    ASN1_SIMPLE(SES_SealInfo, header, SES_Header),
    ASN1_SIMPLE(SES_SealInfo, es_id, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_SealInfo, property, SES_ESPropertyInfo),
    ASN1_SIMPLE(SES_SealInfo, picture, SES_ESPictrueInfo),
    ASN1_SEQUENCE_OF_OPT(SES_SealInfo, ext_datas, SES_ExtData),
} ASN1_SEQUENCE_END(SES_SealInfo)
IMPLEMENT_ASN1_FUNCTIONS(SES_SealInfo)

struct SESeal {
  SES_SealInfo* e_seal_info;
  ASN1_OCTET_STRING* cert;
  ASN1_OBJECT* sign_alg_id;
  ASN1_BIT_STRING* signed_value;
};
DECLARE_ASN1_FUNCTIONS(SESeal)
ASN1_SEQUENCE(SESeal) = {
    ASN1_SIMPLE(SESeal, e_seal_info, SES_SealInfo),
    ASN1_SIMPLE(SESeal, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SESeal, sign_alg_id, ASN1_OBJECT),
    ASN1_SIMPLE(SESeal, signed_value, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(SESeal)
IMPLEMENT_ASN1_FUNCTIONS(SESeal)

struct TBS_Sign {
  ASN1_INTEGER* version;
  SESeal* eseal;
  ASN1_GENERALIZEDTIME* time_info;
  ASN1_BIT_STRING* data_hash;
  ASN1_IA5STRING* property_info;
  STACK_OF(SES_ExtData) * ext_datas;
};
DECLARE_ASN1_FUNCTIONS(TBS_Sign)
ASN1_SEQUENCE(TBS_Sign) = {
    ASN1_SIMPLE(TBS_Sign, version, ASN1_INTEGER),
    ASN1_SIMPLE(TBS_Sign, eseal, SESeal),
    ASN1_SIMPLE(TBS_Sign, time_info, ASN1_GENERALIZEDTIME),
    ASN1_SIMPLE(TBS_Sign, data_hash, ASN1_BIT_STRING),
    ASN1_SIMPLE(TBS_Sign, property_info, ASN1_IA5STRING),
    ASN1_SEQUENCE_OF_OPT(TBS_Sign, ext_datas, SES_ExtData),
} ASN1_SEQUENCE_END(TBS_Sign)
IMPLEMENT_ASN1_FUNCTIONS(TBS_Sign)

struct SES_Signature {
  TBS_Sign* to_sign;
  ASN1_OCTET_STRING* cert;
  ASN1_OBJECT* signature_alg_id;
  ASN1_BIT_STRING* signature;
  ASN1_BIT_STRING* time_stamp;  // [0] EXPLICIT OPTIONAL
};
DECLARE_ASN1_FUNCTIONS(SES_Signature)
ASN1_SEQUENCE(SES_Signature) = {
    ASN1_SIMPLE(SES_Signature, to_sign, TBS_Sign),
    ASN1_SIMPLE(SES_Signature, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_Signature, signature_alg_id, ASN1_OBJECT),
    ASN1_SIMPLE(SES_Signature, signature, ASN1_BIT_STRING),
    ASN1_EXP_OPT(SES_Signature, time_stamp, ASN1_BIT_STRING, 0),
} ASN1_SEQUENCE_END(SES_Signature)
IMPLEMENT_ASN1_FUNCTIONS(SES_Signature)

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;
// clang-format on

// ---- errors ----

core::Error BadStructure(std::string zh, std::string en) {
  ERR_clear_error();
  return core::MakeError(core::ErrorKind::kInvalidArgument, "bad_seal_structure", std::move(zh),
                         std::move(en), "signature");
}

core::Error NotIa5(std::string_view what) {
  return core::InvalidArgument(std::string(what), "not_ia5", std::string(what) + " 只能包含 ASCII 字符",
                               std::string(what) + " must be ASCII (IA5String)");
}

// ---- C++ → ASN.1 ----

bool IsIa5(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool SetString(ASN1_STRING* s, std::string_view v) {
  return ASN1_STRING_set(s, v.data(), static_cast<int>(v.size())) == 1;
}

bool SetOid(ASN1_OBJECT** slot, const std::string& dotted) {
  ASN1_OBJECT* obj = OBJ_txt2obj(dotted.c_str(), 1);
  if (obj == nullptr) return false;
  ASN1_OBJECT_free(*slot);
  *slot = obj;
  return true;
}

bool SetTime(ASN1_GENERALIZEDTIME* t, core::TimePoint tp) {
  return ASN1_GENERALIZEDTIME_set(t, static_cast<time_t>(core::UnixSeconds(tp))) != nullptr;
}

// All octets significant: without BITS_LEFT OpenSSL would drop trailing zero octets.
bool SetBits(ASN1_BIT_STRING* b, std::string_view v) {
  if (!SetString(b, v)) return false;
  b->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  b->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  return true;
}

bool SetExt(STACK_OF(SES_ExtData) * *slot, const std::vector<ExtData>& ext) {
  if (ext.empty()) return true;
  *slot = sk_SES_ExtData_new_null();
  for (const auto& e : ext) {
    SES_ExtData* d = SES_ExtData_new();
    if (d == nullptr || sk_SES_ExtData_push(*slot, d) <= 0) {
      SES_ExtData_free(d);
      return false;
    }
    d->critical = e.critical ? 0xff : 0;
    if (!SetOid(&d->extn_id, e.oid) || !SetString(d->extn_value, e.value)) return false;
  }
  return true;
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
std::string Der(const T* v) {
  unsigned char* buf = nullptr;
  int n = I2d(v, &buf);
  if (n <= 0) return "";
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

bool FillProperty(SES_ESPropertyInfo* p, const SealInfo& info) {
  bool ok = ASN1_INTEGER_set_int64(p->type, info.type) == 1 && SetString(p->name, info.name) &&
            ASN1_INTEGER_set_int64(p->cert_list_type, info.cert_list_type) == 1 &&
            SetTime(p->create_date, info.create_date) && SetTime(p->valid_start, info.valid_start) &&
            SetTime(p->valid_end, info.valid_end);
  for (const auto& c : info.certs) {
    ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
    if (s == nullptr || !SetString(s, c) || sk_ASN1_OCTET_STRING_push(p->cert_list, s) <= 0) {
      ASN1_OCTET_STRING_free(s);
      return false;
    }
  }
  return ok;
}

core::Result<Owned<SES_SealInfo, SES_SealInfo_free>> BuildSealInfo(const SealInfo& info) {
  for (const auto* s : {&info.header_id, &info.vid, &info.es_id, &info.picture_type}) {
    if (!IsIa5(*s)) return NotIa5("seal");
  }
  Owned<SES_SealInfo, SES_SealInfo_free> v(SES_SealInfo_new());
  bool ok = v && SetString(v->header->id, info.header_id) &&
            ASN1_INTEGER_set_int64(v->header->version, info.version) && SetString(v->header->vid, info.vid) &&
            SetString(v->es_id, info.es_id) && FillProperty(v->property, info) &&
            SetString(v->picture->type, info.picture_type) && SetString(v->picture->data, info.picture) &&
            ASN1_INTEGER_set_int64(v->picture->width, info.width_mm) &&
            ASN1_INTEGER_set_int64(v->picture->height, info.height_mm) && SetExt(&v->ext_datas, info.ext);
  if (!ok) return core::Internal("SES_SealInfo construction failed");
  return v;
}

core::Result<Owned<SESeal, SESeal_free>> BuildSeal(const Seal& seal) {
  HQ_ASSIGN_OR_RETURN(auto info, BuildSealInfo(seal.info));
  Owned<SESeal, SESeal_free> v(SESeal_new());
  if (!v) return core::Internal("SESeal allocation failed");
  SES_SealInfo_free(v->e_seal_info);
  v->e_seal_info = info.release();
  if (!SetString(v->cert, seal.maker_cert) || !SetOid(&v->sign_alg_id, seal.sign_alg_oid) ||
      !SetBits(v->signed_value, seal.signed_value)) {
    return core::Internal("SESeal construction failed");
  }
  return v;
}

core::Result<Owned<TBS_Sign, TBS_Sign_free>> BuildTbs(const TbsSign& tbs) {
  if (!IsIa5(tbs.property_info)) return NotIa5("property_info");
  HQ_ASSIGN_OR_RETURN(auto seal, BuildSeal(tbs.eseal));
  Owned<TBS_Sign, TBS_Sign_free> v(TBS_Sign_new());
  if (!v) return core::Internal("TBS_Sign allocation failed");
  SESeal_free(v->eseal);
  v->eseal = seal.release();
  if (ASN1_INTEGER_set_int64(v->version, tbs.version) != 1 || !SetTime(v->time_info, tbs.time_info) ||
      !SetBits(v->data_hash, tbs.data_hash) || !SetString(v->property_info, tbs.property_info) ||
      !SetExt(&v->ext_datas, tbs.ext)) {
    return core::Internal("TBS_Sign construction failed");
  }
  return v;
}

// ---- ASN.1 → C++ ----

std::string Str(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string Oid(const ASN1_OBJECT* o) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, o, 1);
  return n > 0 && n < static_cast<int>(sizeof buf) ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Field readers record the first problem instead of returning early, so a decoder stays flat.
struct Reader {
  std::string problem;
  int64_t Int(const ASN1_INTEGER* i, const char* what) {
    int64_t v = 0;
    if (ASN1_INTEGER_get_int64(&v, i) != 1) Fail(what);
    return v;
  }
  core::TimePoint Time(const ASN1_GENERALIZEDTIME* t, const char* what) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
      Fail(what);
      return {};
    }
    return core::FromUnixSeconds(static_cast<int64_t>(timegm(&tm)));
  }
  std::string Bits(const ASN1_BIT_STRING* b, const char* what) {
    if ((b->flags & ASN1_STRING_FLAG_BITS_LEFT) != 0 && (b->flags & 0x07) != 0) Fail(what);
    return Str(b);
  }
  std::vector<ExtData> Ext(const STACK_OF(SES_ExtData) * s) {
    std::vector<ExtData> out;
    for (int i = 0; s != nullptr && i < sk_SES_ExtData_num(s); ++i) {
      const SES_ExtData* d = sk_SES_ExtData_value(s, i);
      out.push_back({Oid(d->extn_id), d->critical != 0, Str(d->extn_value)});
    }
    return out;
  }
  void Fail(const char* what) {
    if (problem.empty()) problem = what;
  }
};

SealInfo ReadSealInfo(const SES_SealInfo* v, Reader& r) {
  SealInfo info;
  info.header_id = Str(v->header->id);
  info.version = r.Int(v->header->version, "header.version");
  info.vid = Str(v->header->vid);
  info.es_id = Str(v->es_id);
  const SES_ESPropertyInfo* p = v->property;
  info.type = r.Int(p->type, "property.type");
  info.name = Str(p->name);
  info.cert_list_type = r.Int(p->cert_list_type, "property.certListType");
  for (int i = 0; i < sk_ASN1_OCTET_STRING_num(p->cert_list); ++i) {
    info.certs.push_back(Str(sk_ASN1_OCTET_STRING_value(p->cert_list, i)));
  }
  info.create_date = r.Time(p->create_date, "property.createDate");
  info.valid_start = r.Time(p->valid_start, "property.validStart");
  info.valid_end = r.Time(p->valid_end, "property.validEnd");
  info.picture_type = Str(v->picture->type);
  info.picture = Str(v->picture->data);
  info.width_mm = r.Int(v->picture->width, "picture.width");
  info.height_mm = r.Int(v->picture->height, "picture.height");
  info.ext = r.Ext(v->ext_datas);
  return info;
}

Seal ReadSeal(const SESeal* v, Reader& r) {
  Seal seal;
  seal.info = ReadSealInfo(v->e_seal_info, r);
  seal.maker_cert = Str(v->cert);
  seal.sign_alg_oid = Oid(v->sign_alg_id);
  seal.signed_value = r.Bits(v->signed_value, "signedValue");
  seal.info_der = Der<SES_SealInfo, i2d_SES_SealInfo>(v->e_seal_info);
  return seal;
}

// d2i, then insist that the value re-encodes to exactly the input: DER, nothing trailing.
template <typename T, T* (*D2i)(T**, const unsigned char**, long), int (*I2d)(const T*, unsigned char**),
          void (*Free)(T*)>
core::Result<Owned<T, Free>> ParseStrict(std::string_view der, const char* what) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Owned<T, Free> v(D2i(nullptr, &p, static_cast<long>(der.size())));
  if (!v)
    return BadStructure(std::string("无法解析") + what + "的 ASN.1 结构",
                        std::string(what) + " does not parse");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size() || Der<T, I2d>(v.get()) != der) {
    return BadStructure(std::string(what) + "不是规范的 DER 编码",
                        std::string(what) + " is not canonical DER");
  }
  return v;
}

}  // namespace

core::TimePoint TruncateToSeconds(core::TimePoint t) { return core::FromUnixSeconds(core::UnixSeconds(t)); }

core::Result<std::string> EncodeSealInfo(const SealInfo& info) {
  HQ_ASSIGN_OR_RETURN(auto v, BuildSealInfo(info));
  return Der<SES_SealInfo, i2d_SES_SealInfo>(v.get());
}

core::Result<std::string> EncodeSeal(const Seal& seal) {
  HQ_ASSIGN_OR_RETURN(auto v, BuildSeal(seal));
  return Der<SESeal, i2d_SESeal>(v.get());
}

core::Result<std::string> EncodeTbsSign(const TbsSign& tbs) {
  HQ_ASSIGN_OR_RETURN(auto v, BuildTbs(tbs));
  return Der<TBS_Sign, i2d_TBS_Sign>(v.get());
}

core::Result<std::string> EncodeSignature(const Signature& sig) {
  HQ_ASSIGN_OR_RETURN(auto tbs, BuildTbs(sig.to_sign));
  Owned<SES_Signature, SES_Signature_free> v(SES_Signature_new());
  if (!v) return core::Internal("SES_Signature allocation failed");
  TBS_Sign_free(v->to_sign);
  v->to_sign = tbs.release();
  if (!SetString(v->cert, sig.cert) || !SetOid(&v->signature_alg_id, sig.alg_oid) ||
      !SetBits(v->signature, sig.value)) {
    return core::Internal("SES_Signature construction failed");
  }
  return Der<SES_Signature, i2d_SES_Signature>(v.get());
}

core::Result<Seal> DecodeSeal(std::string_view der) {
  HQ_ASSIGN_OR_RETURN(auto v, (ParseStrict<SESeal, d2i_SESeal, i2d_SESeal, SESeal_free>(der, "电子印章")));
  Reader r;
  Seal seal = ReadSeal(v.get(), r);
  if (!r.problem.empty())
    return BadStructure("电子印章字段无效：" + r.problem, "bad SESeal field: " + r.problem);
  return seal;
}

core::Result<Signature> DecodeSignature(std::string_view der) {
  HQ_ASSIGN_OR_RETURN(auto v,
                      (ParseStrict<SES_Signature, d2i_SES_Signature, i2d_SES_Signature, SES_Signature_free>(
                          der, "电子签章")));
  Reader r;
  Signature sig;
  const TBS_Sign* t = v->to_sign;
  sig.to_sign.version = r.Int(t->version, "toSign.version");
  sig.to_sign.eseal = ReadSeal(t->eseal, r);
  sig.to_sign.time_info = r.Time(t->time_info, "toSign.timeInfo");
  sig.to_sign.data_hash = r.Bits(t->data_hash, "toSign.dataHash");
  sig.to_sign.property_info = Str(t->property_info);
  sig.to_sign.ext = r.Ext(t->ext_datas);
  sig.cert = Str(v->cert);
  sig.alg_oid = Oid(v->signature_alg_id);
  sig.value = r.Bits(v->signature, "signature");
  sig.has_timestamp = v->time_stamp != nullptr;
  sig.tbs_der = Der<TBS_Sign, i2d_TBS_Sign>(t);
  if (!r.problem.empty())
    return BadStructure("电子签章字段无效：" + r.problem, "bad SES_Signature field: " + r.problem);
  return sig;
}

}  // namespace huiqi::seal::detail
