#include "policy/detail/name_similarity.h"

#include <gtest/gtest.h>

namespace huiqi::policy::detail {
namespace {

TEST(NameSimilarity, CatchesOneCharacterVariants) {
  EXPECT_TRUE(SimilarNames("高新技术企业认定奖励", "高新技术企业认定奖补"));
  EXPECT_TRUE(SimilarNames("高新技术企业认定奖励", "高新技术企业 认定奖励"));
  EXPECT_TRUE(SimilarNames("首台（套）重大装备认定奖励", "首台套重大装备认定奖励"));
  EXPECT_TRUE(SimilarNames("高新技术企业认定奖励", "2026年度高新技术企业认定奖励"));
  EXPECT_GE(NameSimilarity("高新技术企业认定奖励", "高新技术企业认定奖补"), 0.89);
}

TEST(NameSimilarity, LeavesUnrelatedNamesAlone) {
  EXPECT_FALSE(SimilarNames("高新技术企业认定奖励", "科技型中小企业研发费用补助"));
  EXPECT_FALSE(SimilarNames("高新技术企业认定奖励", "外贸企业出口信用保险保费补贴"));
  EXPECT_FALSE(SimilarNames("首台（套）重大装备认定奖励", "高新技术企业认定奖励"));
  EXPECT_FALSE(SimilarNames("创业担保贷款贴息", "稳岗返还"));
  EXPECT_FALSE(SimilarNames("人才安居补贴", "人才公寓补贴"));  // too short to judge: distinct catalogue names
}

TEST(NameSimilarity, NormalisesPunctuationAndWidth) {
  EXPECT_EQ(NormalizeName(" 首台（套）重大装备 "), "首台套重大装备");
  EXPECT_EQ(NormalizeName("ＡＢＣ１２３"), "abc123");
}

}  // namespace
}  // namespace huiqi::policy::detail
