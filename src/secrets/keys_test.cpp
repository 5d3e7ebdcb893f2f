#include "secrets/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/test_db.h"

namespace huiqi::secrets {
namespace {

TEST(KeyRing, SealsAndOpensForTheSamePurposeOnly) {
  KeyRing ring = KeyRing::Ephemeral();
  std::string sealed = ring.Seal("13812345678", "phone");
  EXPECT_TRUE(KeyRing::IsSealed(sealed));
  EXPECT_EQ(sealed.find("13812345678"), std::string::npos);
  EXPECT_NE(sealed, ring.Seal("13812345678", "phone")) << "a fresh nonce each time";
  ASSERT_TRUE(ring.Open(sealed, "phone").ok());
  EXPECT_EQ(*ring.Open(sealed, "phone"), "13812345678");
  EXPECT_FALSE(ring.Open(sealed, "bank_account").ok());
  EXPECT_FALSE(KeyRing::Ephemeral().Open(sealed, "phone").ok()) << "another ring's key";
}

TEST(KeyRing, DetectsAnyChangedCharacter) {
  KeyRing ring = KeyRing::Ephemeral();
  std::string sealed = ring.Seal("secret value", "phone");
  // Flip the top bit of one base64 digit at a time (the low bits of the last digit can be padding).
  static const std::string kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = sealed.find(':', 5) + 1; i < sealed.size(); ++i) {
    if (sealed[i] == '=') continue;
    std::string bad = sealed;
    bad[i] = kB64[kB64.find(bad[i]) ^ 32];
    EXPECT_FALSE(ring.Open(bad, "phone").ok()) << "position " << i;
  }
}

TEST(KeyRing, KeyFileIsCreatedPrivateAndReloadsTheSameKey) {
  auto file = std::filesystem::path(testing::TempDir()) / "sub" / "huiqi.key";
  auto a = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto b = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->Open(a->Seal("x", "p"), "p"), "x");
  EXPECT_EQ(a->Mac("data", "audit"), b->Mac("data", "audit"));
}

TEST(KeyRing, RotationKeepsOldValuesReadable) {
  auto file = std::filesystem::path(testing::TempDir()) / "rot.key";
  auto old_ring = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(old_ring.ok());
  std::string sealed = old_ring->Seal("old", "phone");
  std::string mac = old_ring->Mac("d", "audit");
  std::ofstream(file, std::ios::app) << "k2 " << std::string(64, 'a') << "\n";
  auto ring = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ(*ring->Open(sealed, "phone"), "old");
  EXPECT_EQ(ring->Seal("new", "phone").rfind("enc1:k2:", 0), 0u);
  EXPECT_TRUE(ring->VerifyMac("d", mac, "audit"));
  EXPECT_FALSE(ring->VerifyMac("e", mac, "audit"));
  EXPECT_EQ(ring->LookupHash("13812345678", "phone"), old_ring->LookupHash("13812345678", "phone"));
}

TEST(KeyRing, AppendKeyAddsANewestKeyAndKeepsTheOldOnes) {
  auto file = std::filesystem::path(testing::TempDir()) / "append.key";
  std::filesystem::remove(file);
  auto first = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(first.ok());
  std::string old_value = first->Seal("6222020200112233445", "bank_account");
  auto id = KeyRing::AppendKey(file, "2026-12-04T19:30:00+08:00");
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*id, "k2");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  auto ring = KeyRing::LoadOrCreate(file);
  ASSERT_TRUE(ring.ok());
  ASSERT_EQ(ring->Keys().size(), 2u);
  EXPECT_EQ(ring->Keys()[0].id, "k1");
  EXPECT_EQ(ring->Keys()[0].created_at, "");
  EXPECT_EQ(ring->Keys()[1].created_at, "2026-12-04T19:30:00+08:00");
  EXPECT_EQ(*ring->Open(old_value, "bank_account"), "6222020200112233445");
  std::string new_value = ring->Seal("6222020200112233445", "bank_account");
  EXPECT_EQ(KeyRing::SealedBy(old_value), "k1");
  EXPECT_EQ(KeyRing::SealedBy(new_value), "k2");
  EXPECT_FALSE(first->Open(new_value, "bank_account").ok()) << "a ring loaded before the rotation";
  EXPECT_EQ(ring->LookupHash("x", "phone"), first->LookupHash("x", "phone")) << "lookups stay stable";
  ASSERT_TRUE(KeyRing::AppendKey(file, "later").ok());
  EXPECT_EQ(KeyRing::LoadOrCreate(file)->Keys().back().id, "k3");
}

TEST(KeyRing, AppendKeyRefusesWhileAnotherRotationWrites) {
  auto file = std::filesystem::path(testing::TempDir()) / "busy.key";
  std::filesystem::remove(file);
  ASSERT_TRUE(KeyRing::LoadOrCreate(file).ok());
  std::ofstream(file.string() + ".tmp") << "partial";
  auto id = KeyRing::AppendKey(file, "now");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, core::ErrorKind::kUnavailable);
  EXPECT_EQ(KeyRing::LoadOrCreate(file)->size(), 1u) << "the key file is unchanged";
  std::filesystem::remove(file.string() + ".tmp");
}

TEST(KeyRing, SealedByNamesTheKeyOfASealedValueOnly) {
  EXPECT_EQ(KeyRing::SealedBy("enc1:k12:AAAA"), "k12");
  EXPECT_EQ(KeyRing::SealedBy("13812345678"), "");
  EXPECT_EQ(KeyRing::SealedBy("enc1:broken"), "");
}

TEST(KeyRing, MalformedKeyFileIsAnErrorNamingTheField) {
  auto file = std::filesystem::path(testing::TempDir()) / "bad.key";
  std::ofstream(file) << "k1 nothex\n";
  auto r = KeyRing::LoadOrCreate(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "key_file");
}

TEST(MaskPhone, KeepsPrefixAndLastFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("0519-85681000"), "***********00");
  EXPECT_EQ(MaskPhone(""), "");
}

}  // namespace
}  // namespace huiqi::secrets
