#include "auth/passwords.h"

#include <gtest/gtest.h>

#include "auth/detail/records.h"

namespace huiqi::auth {
namespace {

TEST(Passwords, HashIsArgon2idSaltedAndVerifies) {
  auto h = HashPassword("Secret123");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "Secret123"));
  EXPECT_FALSE(VerifyPassword(*h, "Secret124"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
  EXPECT_FALSE(VerifyPassword("not a hash", "Secret123"));
  EXPECT_NE(*HashPassword("Secret123"), *h);  // a fresh salt every time
}

TEST(Passwords, PolicyWantsTenCharactersWithLettersAndDigits) {
  for (const char* weak : {"short1a", "allletters", "1234567890", "", "abcdefg12"}) {
    auto st = CheckPasswordPolicy(weak);
    ASSERT_FALSE(st.ok()) << weak;
    EXPECT_EQ(st.error().field, "password");
    EXPECT_EQ(st.error().code, "weak_password");
    EXPECT_NE(st.error().message.find("密码"), std::string::npos);
  }
  for (const char* fine : {"abcdefgh12", "Officer2026", "Huiqi@2026", "长密码也可以abc123"}) {
    EXPECT_TRUE(CheckPasswordPolicy(fine).ok()) << fine;
  }
  EXPECT_FALSE(CheckPasswordPolicy(std::string(129, 'a') + "1").ok());
}

// Issue 10 finding 7: password1, qwerty12 and a password equal to the login were accepted.
TEST(Passwords, CommonPasswordsAndTheLoginAreRefused) {
  for (const char* common :
       {"password1", "Password123", "Password123!", "qwerty1234", "Qwerty2026", "1qaz2wsx3edc", "woaini1314",
        "5201314abc", "admin12345", "P@ssw0rd2026", "aaaaaaaa11", "1212121212ab"}) {
    auto st = CheckPasswordPolicy(common);
    EXPECT_FALSE(st.ok()) << common;
  }
  EXPECT_FALSE(CheckPasswordPolicy("zhangsan2026", "zhangsan").ok());
  EXPECT_FALSE(CheckPasswordPolicy("ZhangSan@2026x", "zhangsan").ok()) << "case does not hide the login";
  EXPECT_NE(CheckPasswordPolicy("zhangsan2026", "zhangsan").error().message.find("登录名"),
            std::string::npos);
  EXPECT_TRUE(CheckPasswordPolicy("Lanting#Xu2026", "zhangsan").ok());
}

TEST(Passwords, RandomHexAndSha256) {
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_NE(RandomHex(16), RandomHex(16));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AddressKey, CountsIpv6ByItsSlash64AndMappedIpv4AsIpv4) {
  EXPECT_EQ(detail::AddressKey("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(detail::AddressKey("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(detail::AddressKey("2001:db8:1:2:aaaa::1"), "2001:0db8:0001:0002::/64");
  EXPECT_EQ(detail::AddressKey("2001:db8:1:2:bbbb::9"), detail::AddressKey("2001:db8:1:2::1"));
  EXPECT_NE(detail::AddressKey("2001:db8:1:3::1"), detail::AddressKey("2001:db8:1:2::1"));
  EXPECT_EQ(detail::AddressKey(""), "");
}

}  // namespace
}  // namespace huiqi::auth
