#include "core/uscc.h"

#include <gtest/gtest.h>

namespace huiqi::core {
namespace {

TEST(Uscc, AcceptsRealCodes) {
  // The example in GB 32100-2015 and codes of well-known companies, as published.
  for (const char* code :
       {"91350100M000100Y43", "9144030071526726XG", "911100001000044477", "91110108551385082Q"}) {
    auto st = ValidateUscc(code);
    EXPECT_TRUE(st.ok()) << code << ": " << (st.ok() ? "" : st.error().ToString());
  }
}

TEST(Uscc, ExplainsEachFailure) {
  struct {
    const char* code;
    const char* error_code;
  } cases[] = {
      {"91350100M000100Y4", "uscc_length"},       {"91350100M000100Y433", "uscc_length"},
      {"91350100M000100YI3", "uscc_charset"},    // I is not in the character set
      {"91350100m000100Y43", "uscc_charset"},    // lower case
      {"B1350100M000100Y43", "uscc_authority"},  // B is no registration authority
      {"94350100M000100Y43", "uscc_category"},   // 工商 has no category 4
      {"9135A100M000100Y43", "uscc_region"},      {"91990100M000100Y43", "uscc_region"},  // no province 99
      {"91350100M000100X43", "uscc_org_code"},     // organisation code check broken
      {"91350100M000100Y44", "uscc_check_digit"},  // last character typed wrong
  };
  for (const auto& c : cases) {
    auto st = ValidateUscc(c.code, "enterprise.uscc");
    ASSERT_FALSE(st.ok()) << c.code;
    EXPECT_EQ(st.error().code, c.error_code) << c.code << ": " << st.error().message;
    EXPECT_EQ(st.error().field, "enterprise.uscc");
    EXPECT_FALSE(st.error().message.empty());
  }
}

TEST(Uscc, CheckDigitMessageSaysTheExpectedCharacter) {
  auto st = ValidateUscc("9144030071526726XA");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("“G”"), std::string::npos) << st.error().message;
}

TEST(Uscc, NormalizesCaseAndSpaces) {
  auto r = NormalizeUscc(" 9144030071526726xg ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "9144030071526726XG");
}

}  // namespace
}  // namespace huiqi::core
