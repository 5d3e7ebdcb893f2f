#pragma once
// Shared fixture of the search tests: the policy fixture (a fresh database of each backend,
// departments, staff, a fixed clock) plus a search index in a temp directory using the project's
// lexicon and synonyms.

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "policy/demo_loader.h"
#include "policy/policy_test_support.h"
#include "search/search_service.h"

namespace huiqi::search::testing_support {

class SearchFixture : public policy::testing_support::PolicyFixture {
 protected:
  void SetUp() override {
    PolicyFixture::SetUp();
    index_dir_ = testing::TempDir() + "/search";
  }

  SearchOptions Options() const {
    SearchOptions o;
    o.index_dir = index_dir_;
    o.analyzer.lexicon_path = testing::DataDir() + "/search/lexicon.txt";
    o.analyzer.synonyms_path = testing::DataDir() + "/search/synonyms.tsv";
    return o;
  }

  void OpenSearch() {
    search_.reset();
    auto s = SearchService::Open(db_.get(), svc_.get(), Options());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    search_ = std::move(*s);
  }

  //! Every demo department (the fixture made three), then the demo content.
  void LoadDemo() {
    std::ifstream in(testing::DataDir() + "/demo/departments.json");
    auto doc = nlohmann::json::parse(in);
    for (const auto& d : doc.at("departments")) {
      std::string code = d.at("code");
      if (code == "CZ-KJJ" || code == "CZ-GXJ" || code == "CZ-SWJ") continue;
      AddDepartment(code, d.at("name"));
    }
    auto r = policy::SeedDemo(*svc_, testing::DataDir() + "/demo");
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  SearchResult Find(const std::string& q, bool include_repealed = false) {
    SearchQuery sq;
    sq.q = q;
    sq.include_repealed = include_repealed;
    auto r = search_->Search(sq);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : SearchResult{};
  }

  static bool Contains(const SearchResult& r, const std::string& kind, int64_t id) {
    for (const auto& h : r.items) {
      if (h.kind == kind && h.id == id) return true;
    }
    return false;
  }

  std::string index_dir_;
  std::unique_ptr<SearchService> search_;
};

}  // namespace huiqi::search::testing_support
