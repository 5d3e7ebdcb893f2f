// The relevance set (tests/search/relevance.tsv: query TAB expected key[,more relevant keys] TAB note)
// over the demo content (a note beginning "repealed" runs the query with include_repealed): the expected
// policy or item must rank in the top 3 for at least 90% of the queries and in the top 10 for all
// (issue 5). Prints recall@3 and MRR for each query mode — words, bigrams, both — so the choice of the
// default can be checked against the numbers.
//
// Precision (issue 12): a hit is on topic when it is the expected document, its policy or another item
// of that policy (demo keys: an item's key is its policy's key and a suffix), or one of the further keys
// listed after a comma. precision@3 = on-topic hits among the first 3 / 3; precision@all = on-topic
// matches / all matches (what the minimum-match rule is for: a long query should not return the rest of
// the library); matches/query = the mean number of matches. Paraphrases an enterprise would type (notes
// beginning "paraphrase") are reported apart as well.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "search/search_test_support.h"

namespace huiqi::search {
namespace {

constexpr double kMinPrecisionAll = 0.40;  // measured 0.457 (0.128 without the minimum-match rule)
constexpr double kMinPrecisionAt3 = 0.70;  // measured 0.774

struct Case {
  std::string query, key, note;
  std::vector<std::string> also;  // further relevant keys
};

// The policy key of a demo item key (cz-2025-gaoqi-first → cz-2025-gaoqi); a policy key is its own.
std::string Family(const std::string& key) {
  int dashes = static_cast<int>(std::count(key.begin(), key.end(), '-'));
  return dashes >= 3 ? key.substr(0, key.rfind('-')) : key;
}

bool OnTopic(const Case& c, const std::string& hit) {
  if (hit == c.key || Family(hit) == Family(c.key)) return true;
  return std::find(c.also.begin(), c.also.end(), hit) != c.also.end();
}

std::vector<Case> LoadCases() {
  const char* src = std::getenv("HUIQI_SOURCE_DIR");
  std::ifstream in(std::string(src ? src : ".") + "/tests/search/relevance.tsv");
  std::vector<Case> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    Case c;
    std::getline(ss, c.query, '\t');
    std::getline(ss, c.key, '\t');
    std::getline(ss, c.note);
    if (auto comma = c.key.find(','); comma != std::string::npos) {
      std::stringstream keys(c.key.substr(comma + 1));
      for (std::string k; std::getline(keys, k, ',');) c.also.push_back(k);
      c.key.resize(comma);
    }
    if (!c.query.empty() && !c.key.empty()) out.push_back(c);
  }
  return out;
}

struct Score {
  int queries = 0, top3 = 0, top10 = 0;
  double mrr = 0, p3 = 0, p_all = 0, matches = 0;  // sums until Finish()
  std::vector<std::string> misses;                 // outside the top 3

  void Finish() {
    double n = queries ? static_cast<double>(queries) : 1.0;
    mrr /= n, p3 /= n, p_all /= n, matches /= n;
  }
  std::string Line() const {
    std::ostringstream o;
    double n = queries ? static_cast<double>(queries) : 1.0;
    o << "queries=" << queries << std::fixed << std::setprecision(3) << " recall@3=" << top3 / n
      << " recall@10=" << top10 / n << " MRR=" << mrr << " precision@3=" << p3 << " precision@all=" << p_all
      << std::setprecision(1) << " matches/query=" << matches;
    return o.str();
  }
};

class RelevanceTest : public testing_support::SearchFixture {
 protected:
  // Every match of the query (the demo has ~110 documents: one page of 100 is all of them but a
  // few, and the total counts the rest).
  SearchResult All(const Case& c, QueryMode mode) {
    SearchQuery q;
    q.q = c.query;
    // A case whose note begins "repealed" expects a repealed policy, asked for explicitly.
    q.include_repealed = c.note.starts_with("repealed");
    q.page_size = 100;
    q.mode = mode;
    auto r = search_->Search(q);
    EXPECT_TRUE(r.ok()) << c.query << ": " << r.error().ToString();
    return r.ok() ? *r : SearchResult{};
  }

  void Add(Score& s, const Case& c, QueryMode mode) {
    SearchResult r = All(c, mode);
    int rank = 0, on_topic_top3 = 0, on_topic = 0;
    std::string top;
    for (size_t i = 0; i < r.items.size(); ++i) {
      bool hit = OnTopic(c, r.items[i].key);
      on_topic += hit;
      if (i < 3) top += (i ? ", " : "") + r.items[i].key, on_topic_top3 += hit;
      if (rank == 0 && i < 10 && r.items[i].key == c.key) rank = static_cast<int>(i + 1);
    }
    ++s.queries;
    s.p3 += on_topic_top3 / 3.0;
    s.p_all += r.total ? static_cast<double>(on_topic) / static_cast<double>(r.total) : 0.0;
    s.matches += static_cast<double>(r.total);
    if (rank >= 1 && rank <= 3) ++s.top3;
    if (rank >= 1) ++s.top10, s.mrr += 1.0 / rank;
    if (rank == 0 || rank > 3) {
      s.misses.push_back(c.query + " → " + c.key + " rank " + (rank ? std::to_string(rank) : ">10") +
                         " (top: " + top + ")");
    }
  }
};

TEST_P(RelevanceTest, DemoQueriesRankTheExpectedDocument) {
  auto cases = LoadCases();
  ASSERT_GE(cases.size(), 40u) << "tests/search/relevance.tsv should hold at least 40 queries";
  LoadDemo();
  OpenSearch();
  const std::pair<QueryMode, const char*> modes[] = {
      {QueryMode::kWords, "words"}, {QueryMode::kBigrams, "bigrams"}, {QueryMode::kWordsAndBigrams, "both"}};
  Score both, paraphrases;
  for (const auto& [mode, name] : modes) {
    Score s, p;
    for (const auto& c : cases) {
      Add(s, c, mode);
      if (c.note.starts_with("paraphrase")) Add(p, c, mode);
    }
    s.Finish(), p.Finish();
    std::cout << "[relevance " << testing::BackendName(GetParam()) << "] mode=" << name << " " << s.Line()
              << "\n";
    if (mode == QueryMode::kWordsAndBigrams) both = s, paraphrases = p;
  }
  std::cout << "[relevance " << testing::BackendName(GetParam()) << "] paraphrases " << paraphrases.Line()
            << "\n";
  for (const auto& m : both.misses) std::cout << "  not in top 3: " << m << "\n";
  EXPECT_GE(paraphrases.queries, 15) << "tests/search/relevance.tsv should hold at least 15 paraphrases";
  EXPECT_GE(both.top3 * 10, both.queries * 9) << "recall@3 below 90%";
  EXPECT_EQ(both.top10, both.queries) << "every query must rank its document in the top 10";
  EXPECT_GE(paraphrases.top3 * 10, paraphrases.queries * 8) << "paraphrases: recall@3 below 80%";
  // Floors a little under the figures in docs/benchmarks.md: a change that lets the long tail back
  // (every document matching 企业) fails here.
  EXPECT_GE(both.p_all, kMinPrecisionAll) << "precision@all fell";
  EXPECT_GE(both.p3, kMinPrecisionAt3) << "precision@3 fell";
}

INSTANTIATE_TEST_SUITE_P(All, RelevanceTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend());

}  // namespace
}  // namespace huiqi::search
