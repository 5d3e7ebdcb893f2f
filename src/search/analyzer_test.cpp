#include "search/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "support/test_db.h"

namespace huiqi::search {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.text);
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class AnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = testing::TempDir();
    std::ofstream(dir + "/lexicon.txt")
        << "# test lexicon\n高新技术企业\n专精特新\n研发费用加计扣除\n小巨人\n";
    std::ofstream(dir + "/synonyms.tsv") << "高企\t高新技术企业\n研发\t研究开发\n";
    AnalyzerOptions o;
    o.lexicon_path = dir + "/lexicon.txt";
    o.synonyms_path = dir + "/synonyms.tsv";
    auto a = Analyzer::Create(o);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    a_ = std::move(*a);
  }
  std::unique_ptr<Analyzer> a_;
};

TEST_F(AnalyzerTest, NormalizesTraditionalAndFullWidth) {
  EXPECT_EQ(a_->Normalize("高新技術企業"), "高新技术企业");
  EXPECT_EQ(a_->Normalize("ＡＢＣ１２３　研發"), "abc123 研发");
  EXPECT_EQ(a_->Normalize("常州市科学技术局"), "常州市科学技术局");
}

TEST_F(AnalyzerTest, LexiconTermsStayWholeIcuCutsTheRest) {
  auto w = Texts(a_->Words("常州市高新技术企业研发费用加计扣除奖励"));
  EXPECT_TRUE(Has(w, "高新技术企业"));
  EXPECT_TRUE(Has(w, "研发费用加计扣除"));
  EXPECT_TRUE(Has(w, "奖励"));
  EXPECT_FALSE(Has(w, "技术"));
}

TEST_F(AnalyzerTest, DigitsAndLatinWordsWhole) {
  auto w = Texts(a_->Words("奖励30万元，ic设计企业2025年"));
  EXPECT_TRUE(Has(w, "30"));
  EXPECT_TRUE(Has(w, "ic"));
  EXPECT_TRUE(Has(w, "2025"));
}

TEST_F(AnalyzerTest, BigramsOfHanRuns) {
  auto b = a_->Bigrams("首台套 奖励");
  EXPECT_EQ(b, (std::vector<std::string>{"首台", "台套", "奖励"}));
  EXPECT_EQ(a_->Bigrams("税"), std::vector<std::string>{"税"});
}

TEST_F(AnalyzerTest, SubWordsOfLexiconTerms) {
  auto parts = a_->SubWords("高新技术企业");
  EXPECT_TRUE(Has(parts, "技术"));
  EXPECT_TRUE(Has(parts, "企业"));
}

TEST_F(AnalyzerTest, SynonymExpansionsAndSuggestions) {
  auto e = a_->Expansions("高企认定");
  EXPECT_TRUE(Has(e, "高新技术企业"));
  EXPECT_TRUE(Has(a_->Expansions("研发投入"), "研究开发"));
  EXPECT_TRUE(Has(a_->LexiconWithPrefix("高新", 10), "高新技术企业"));
  EXPECT_NE(a_->Fingerprint(), "");
}

}  // namespace
}  // namespace huiqi::search
