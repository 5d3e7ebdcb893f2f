#include "seal/opinion.h"

#include <gtest/gtest.h>

#include "seal/seal_test_fixture.h"

namespace huiqi::seal {
namespace {

TEST(CanonicalOpinion, NoTwoDifferentOpinionsSerialiseAlike) {
  ReviewOpinion a = testing::SampleOpinion();
  ReviewOpinion b = a;
  // Text moved across a field boundary: the same concatenation, different fields.
  a.stage = "review";
  a.decision = "approve";
  b.stage = "reviewapp";
  b.decision = "rove";
  EXPECT_NE(CanonicalOpinion(a), CanonicalOpinion(b));
  // A hash moved from the list into the text.
  ReviewOpinion c = testing::SampleOpinion(), e = c;
  e.text += "7:sm3:abc;";
  c.material_hashes.push_back("sm3:abc");
  EXPECT_NE(CanonicalOpinion(c), CanonicalOpinion(e));
  ReviewOpinion later = testing::SampleOpinion();
  later.reviewed_at += std::chrono::seconds(1);
  EXPECT_NE(CanonicalOpinion(later), CanonicalOpinion(testing::SampleOpinion()));
  ReviewOpinion other_app = testing::SampleOpinion();
  other_app.application_id = 43;
  EXPECT_NE(CanonicalOpinion(other_app), CanonicalOpinion(testing::SampleOpinion()));
}

TEST(CanonicalOpinion, MaterialsAreASet) {
  ReviewOpinion a = testing::SampleOpinion(), b = a;
  std::reverse(b.material_hashes.begin(), b.material_hashes.end());
  b.material_hashes.push_back(b.material_hashes.front());
  EXPECT_EQ(CanonicalOpinion(a), CanonicalOpinion(b));
  EXPECT_EQ(CanonicalOpinion(a).rfind("16:huiqi-opinion-v1;2:42;17:department_review;7:approve;", 0), 0u);
  EXPECT_NE(CanonicalOpinion(a).find("25:2026-03-02T10:00:00+08:00;1:2;"), std::string::npos);
}

TEST(CanonicalOpinion, PropertyInfoIsAscii) {
  ReviewOpinion o = testing::SampleOpinion();
  o.stage = "科室 审核";
  std::string p = OpinionPropertyInfo(o);
  EXPECT_EQ(p.rfind("huiqi-opinion-v1;application=42;stage=%E7%A7%91", 0), 0u);
  for (unsigned char c : p) EXPECT_LT(c, 0x80);
}

}  // namespace
}  // namespace huiqi::seal
