// Searches run in parallel, each on a reader of its own (issue 11 item 7): run at once from
// several threads — while the writer commits and a reindex swaps the directory under them —
// they return exactly what the same searches return one after another.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "audit/audit_log.h"
#include "search/search_test_support.h"

namespace huiqi::search {
namespace {

std::vector<std::string> Queries() {
  const char* src = std::getenv("HUIQI_SOURCE_DIR");
  std::ifstream in(std::string(src ? src : ".") + "/tests/search/relevance.tsv");
  std::vector<std::string> out = {"", "政策", "高企奖励"};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

// Everything a client sees of an answer, as one string.
std::string Describe(const SearchResult& r) {
  std::ostringstream out;
  out << r.total << (r.total_exact ? "=" : "~") << "|";
  for (const auto& h : r.items) out << h.kind << h.id << ":" << h.score << ":" << h.snippet << ";";
  for (const auto* facets : {&r.level, &r.type, &r.department}) {
    out << "|";
    for (const auto& f : *facets) out << f.code << "=" << f.count << ",";
  }
  return out.str();
}

class ConcurrentSearchTest : public testing_support::SearchFixture {
 protected:
  std::string Answer(const std::string& q) {
    SearchQuery sq;
    sq.q = q;
    auto r = search_->Search(sq);
    return r.ok() ? Describe(*r) : "error: " + r.error().ToString();
  }
};

TEST_P(ConcurrentSearchTest, ParallelSearchesAnswerAsSerialOnes) {
  LoadDemo();
  OpenSearch();
  auto queries = Queries();
  ASSERT_GE(queries.size(), 40u);
  std::vector<std::string> serial;
  for (const auto& q : queries) serial.push_back(Answer(q));
  ASSERT_NE(serial[2].find("item"), std::string::npos) << "高企奖励 finds items: " << serial[2];

  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, mismatches{0}, reindexes{0}, commits{0};
  std::string first_mismatch;
  std::mutex mismatch_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t round = 0; !stop; ++round) {
        size_t i = (round * 7 + static_cast<size_t>(t) * 13) % queries.size();
        std::string got = Answer(queries[i]);
        ++searches;
        if (got != serial[i]) {
          ++mismatches;
          std::lock_guard lock(mismatch_mu);
          if (first_mismatch.empty()) first_mismatch = queries[i] + "\n  got " + got + "\n  not " + serial[i];
        }
      }
    });
  }
  // The writer: items reindexed through the change log (new revisions, same content and
  // document ids), and whole reindexes that swap the directory.
  auto items = svc_->ListPublishedItems({});
  ASSERT_TRUE(items.ok());
  for (int i = 0; i < 3; ++i) {
    for (const auto& it : items->items) {
      ASSERT_TRUE(db_->Write([&](store::Session& s) {
                       return audit::Record(s, clock_, {std::nullopt, "test"}, "item.touch", "item",
                                            std::to_string(it.id), nullptr, nullptr);
                     })
                      .ok());
      auto applied = search_->CatchUp();
      ASSERT_TRUE(applied.ok());
      commits += *applied > 0;
    }
    ASSERT_TRUE(search_->Reindex().ok());
    ++reindexes;
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, 0) << first_mismatch;
  EXPECT_GE(searches, 100) << "the readers ran while the writer did";
  EXPECT_EQ(reindexes, 3);
  EXPECT_GT(commits, 3);
  for (size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(Answer(queries[i]), serial[i]) << queries[i];
}

INSTANTIATE_TEST_SUITE_P(All, ConcurrentSearchTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend());

}  // namespace
}  // namespace huiqi::search
