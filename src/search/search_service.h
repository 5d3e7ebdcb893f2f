#pragma once
//! Full-text search over the policy library (issue 5; 常州办法 第二条 / 江阴办法 第二条 "惠企政策查询").
//!
//! The index is a Xapian database in a directory of its own: a cache. The SQL store stays the
//! source of truth — Reindex() rebuilds the index from it, and CatchUp() follows the change log
//! (the rows audit::Record writes beside every state change) from the last change id applied,
//! which the index keeps in its metadata; so publishing, revising or repealing on any server
//! node reaches every node's index at its next query.
//!
//! Documents: published policies (title, 干货 highlights, 解读 interpretation, full text), and
//! published items of published policies (name, conditions, subsidy standard, scope). Superseded
//! and repealed policies stay in the index, excluded unless `include_repealed`.
//!
//! No Xapian type appears here. Thread-safe. Searches and suggestions run in parallel, each on a
//! read-only view of its own (reopened when the index has moved), so the writer — CatchUp, a
//! reindex — never holds them up; one mutex serialises the writer. Search and Suggest catch up
//! first unless another thread is doing it (they then answer from the last commit). The database
//! and the policy service are not owned.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "policy/policy.h"
#include "policy/policy_service.h"
#include "search/analyzer.h"

namespace huiqi::search {

//! Which terms a query uses. Documents are always indexed with both.
enum class QueryMode { kWords, kBigrams, kWordsAndBigrams };

struct SearchOptions {
  std::string index_dir;     // required; created when missing
  AnalyzerOptions analyzer;  // lexicon, synonyms, OpenCC config
  QueryMode mode = QueryMode::kWordsAndBigrams;
  int facet_sample = 2000;  // matches examined for facet counts (scaled above this)
};

struct SearchQuery {
  std::string q;                                     // free text; empty = newest first
  std::string level, type, department, tag, region;  // codes; "" = any (region: GB/T 2260 prefix)
  std::string period;                                // "" | open | upcoming | closed
  std::string kind;                                  // "" | policy | item
  bool include_repealed = false;                     // superseded and repealed policies too
  std::optional<QueryMode> mode;                     // default: SearchOptions::mode
  //! "" or relevance (BM25; the newest first for an empty q) | date (newest first) | amount
  //! (the most an item gives first, then the rest) | deadline (the soonest closing open or
  //! coming window first, then year-round and pending, then closed). Ties by relevance.
  std::string sort;
  int page = 1;        // from 1
  int page_size = 20;  // 1..100
};

struct Hit {
  std::string kind;  // "policy" | "item"
  int64_t id = 0;
  int64_t policy_id = 0;  // the policy itself, or the item's policy
  std::string key;        // source key (demo/import), may be empty
  std::string title;
  std::string snippet;  // HTML-escaped, matched terms in <mark>…</mark>
  double score = 0;
  std::string level, level_label, department, published_on, status;
  //! 申报时间: an item's period type (year_round | fixed | pending) and fixed window; a policy's
  //! span of its items' fixed windows (period_type empty). Dates YYYY-MM-DD or "".
  std::string period_type, window_start, window_end;
  std::optional<int64_t> amount_max_fen;  // items: the most the formula gives (fixed, cap, top tier)
  std::string amount_text;                // items: the formula in words, else the subsidy standard
};

struct FacetCount {
  std::string code, label;
  int64_t count = 0;
};

struct SearchResult {
  std::vector<Hit> items;
  int64_t total = 0;
  bool total_exact = true;
  std::vector<FacetCount> level, type, department;
};

struct ReindexReport {
  int64_t policies = 0, items = 0;
  double seconds = 0;
};

//! Called with (documents done, documents in all) while reindexing.
using Progress = std::function<void(int64_t done, int64_t total)>;

class SearchService {
 public:
  //! Opens (or creates) the index. `db` and `policies` may be null for an index fed directly
  //! (IndexPolicy; benchmarks); then Reindex and CatchUp do nothing. A fresh index, or one
  //! built with another lexicon or schema, is rebuilt from the store here.
  //! Errors: kUnavailable "search_index_locked" when another process holds the index,
  //! kUnavailable "search_index" for other Xapian failures, the analyzer's errors.
  static core::Result<std::unique_ptr<SearchService>> Open(store::Database* db,
                                                           policy::PolicyService* policies,
                                                           const SearchOptions& options);
  ~SearchService();

  //! Rebuilds the whole index from the store into a fresh directory and swaps it in.
  core::Result<ReindexReport> Reindex(const Progress& progress = {});
  //! Applies the change log since the last applied id; returns the entities reindexed.
  core::Result<int64_t> CatchUp();
  //! Ranked hits with snippets, total and facet counts. Never throws; query errors are
  //! kInvalidArgument (field "q"), index failures kUnavailable.
  core::Result<SearchResult> Search(const SearchQuery& query);
  //! Up to `limit` completions: lexicon terms, item names and titles starting with the text,
  //! then titles of the best hits.
  core::Result<std::vector<std::string>> Suggest(std::string_view text, int limit = 10);

  //! Direct feed without the store (benchmarks, tests): adds or replaces a policy and items,
  //! searchable once committed (Commit).
  core::Status IndexPolicy(const policy::Policy& policy, const std::vector<policy::Item>& items);
  core::Status Commit();
  int64_t DocumentCount();
  const Analyzer& analyzer() const;

 private:
  struct Impl;
  explicit SearchService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

//! Parses a QueryMode name: words | bigrams | both.
core::Result<QueryMode> ParseQueryMode(std::string_view name);

}  // namespace huiqi::search
