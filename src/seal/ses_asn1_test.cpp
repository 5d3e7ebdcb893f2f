#include "seal/detail/ses_asn1.h"

#include <gtest/gtest.h>

#include "seal/detail/crypto.h"
#include "seal/detail/seal_image.h"

namespace huiqi::seal::detail {
namespace {

core::TimePoint At(int year, unsigned month, unsigned day) {
  return core::ShanghaiMidnight(core::Date::FromYmd(year, month, day));
}

Signature Sample() {
  Signature sig;
  SealInfo& info = sig.to_sign.eseal.info;
  info.vid = "HUIQI";
  info.es_id = "HQ0001";
  info.name = "常州市科学技术局";
  info.certs = {"cert-one", std::string("cert\0two", 8)};
  info.create_date = At(2026, 3, 1);
  info.valid_start = At(2026, 3, 1);
  info.valid_end = At(2028, 3, 1);
  info.picture = DefaultSealPng();
  sig.to_sign.eseal.maker_cert = "maker";
  sig.to_sign.eseal.sign_alg_oid = std::string(kSm2WithSm3Oid);
  sig.to_sign.eseal.signed_value = std::string("sv\0\0", 4);  // trailing zero octets must survive
  sig.to_sign.time_info = At(2026, 3, 2);
  sig.to_sign.data_hash = Sm3("意见");
  sig.to_sign.property_info = "huiqi-opinion-v1;application=42";
  sig.cert = "signer";
  sig.alg_oid = std::string(kSm2WithSm3Oid);
  sig.value = std::string("\x30\x00\x00", 3);
  return sig;
}

TEST(SesAsn1, ASignatureRoundTripsThroughDer) {
  Signature in = Sample();
  std::string der = EncodeSignature(in).value();
  Signature out = DecodeSignature(der).value();
  const SealInfo& info = out.to_sign.eseal.info;
  EXPECT_EQ(info.header_id, "ES");
  EXPECT_EQ(info.version, 4);
  EXPECT_EQ(info.vid, "HUIQI");
  EXPECT_EQ(info.es_id, "HQ0001");
  EXPECT_EQ(info.name, "常州市科学技术局");
  EXPECT_EQ(info.certs, in.to_sign.eseal.info.certs);
  EXPECT_EQ(info.valid_end, At(2028, 3, 1));
  EXPECT_EQ(info.picture, in.to_sign.eseal.info.picture);
  EXPECT_EQ(info.width_mm, 40);
  EXPECT_EQ(out.to_sign.eseal.signed_value, in.to_sign.eseal.signed_value);
  EXPECT_EQ(out.to_sign.time_info, At(2026, 3, 2));
  EXPECT_EQ(out.to_sign.data_hash, in.to_sign.data_hash);
  EXPECT_EQ(out.to_sign.property_info, in.to_sign.property_info);
  EXPECT_EQ(out.value, in.value);
  EXPECT_EQ(out.alg_oid, "1.2.156.10197.1.501");
  EXPECT_FALSE(out.has_timestamp);
  // What was signed can be recovered exactly.
  EXPECT_EQ(out.tbs_der, EncodeTbsSign(in.to_sign).value());
  EXPECT_EQ(out.to_sign.eseal.info_der, EncodeSealInfo(in.to_sign.eseal.info).value());
  EXPECT_EQ(EncodeSignature(out).value(), der);
}

TEST(SesAsn1, TrailingBytesAndTruncationAreRejected) {
  std::string der = EncodeSignature(Sample()).value();
  EXPECT_EQ(DecodeSignature(der + "x").error().code, "bad_seal_structure");
  EXPECT_EQ(DecodeSignature(der.substr(0, der.size() - 1)).error().code, "bad_seal_structure");
  EXPECT_FALSE(DecodeSignature("").ok());
  EXPECT_FALSE(DecodeSeal(der).ok());  // an SES_Signature is not an SESeal
}

TEST(SesAsn1, NonCanonicalLengthIsRejected) {
  // The same SESeal with its outer length in a needlessly long form is valid BER, not DER.
  std::string der = EncodeSeal(Sample().to_sign.eseal).value();
  ASSERT_EQ(static_cast<unsigned char>(der[1]), 0x82);  // > 255 bytes: two length octets
  std::string ber = der.substr(0, 1) + "\x83" + std::string(1, '\0') + der.substr(2);
  EXPECT_TRUE(DecodeSeal(der).ok());
  auto r = DecodeSeal(ber);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_seal_structure");
}

TEST(SesAsn1, Ia5FieldsRefuseNonAscii) {
  Signature sig = Sample();
  sig.to_sign.property_info = "阶段";
  EXPECT_EQ(EncodeSignature(sig).error().code, "not_ia5");
}

TEST(SealImage, TheDefaultPictureIsAPngAndOthersAreChecked) {
  std::string png = DefaultSealPng();
  auto size = CheckPng(png);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->width, 240u);
  EXPECT_EQ(CheckPng("GIF89a").error().field, "image");
  EXPECT_EQ(CheckPng(std::string(kMaxImageBytes + 1, 'x')).error().code, "image_too_large");
}

}  // namespace
}  // namespace huiqi::seal::detail
