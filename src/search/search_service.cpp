#include "search/search_service.h"

#include <xapian.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/audit_log.h"
#include "audit/change_follower.h"
#include "search/detail/query.h"
#include "search/detail/schema.h"
#include "search/detail/snippet.h"

namespace huiqi::search {

namespace fs = std::filesystem;
using core::Result;
using core::Status;

namespace {

// The store is read through the policy service; only the lists of ids to walk and the change
// log (which no service exposes) are read here.
constexpr store::Statement kVisiblePolicyIds{
    "search.visible_policy_ids",
    "SELECT id FROM policies WHERE status IN ('published', 'superseded', 'repealed') ORDER BY id"};

// A hole in the change-log ids is a transaction still in flight (PostgreSQL sequences hand ids
// out before commit) or one that rolled back; after this long it is taken to be the latter.
constexpr auto kGapGrace = std::chrono::seconds(10);
constexpr int kChangeBatch = 5000;
constexpr Xapian::doccount kCommonTermMinDocs = 5000;
// Idle readers kept for the next searches (one is opened per search running at once).
constexpr size_t kMaxIdleReaders = 16;
// A reader that fell more than one revision behind mid-query is reopened and the query retried.
constexpr int kModifiedRetries = 3;

core::Error IndexError(const Xapian::Error& e) {
  return core::MakeError(core::ErrorKind::kUnavailable, "search_index", "检索服务暂不可用，请稍后再试",
                         "search index: " + e.get_description());
}

bool IsNotFound(const core::Error& e) { return e.kind == core::ErrorKind::kNotFound; }

}  // namespace

Result<QueryMode> ParseQueryMode(std::string_view name) {
  if (name == "words") return QueryMode::kWords;
  if (name == "bigrams") return QueryMode::kBigrams;
  if (name == "both") return QueryMode::kWordsAndBigrams;
  return core::InvalidArgument("mode", "invalid_mode", "检索方式应为 words、bigrams 或 both",
                               "mode must be words, bigrams or both");
}

// A read-only view of the index for one search at a time. Searches run in parallel, each on a
// reader of its own; the writer (catch-up, reindex) never holds them up: a reader sees the last
// commit and is reopened when the writer committed since it was last used.
struct Reader {
  Xapian::Database db;
  uint64_t commits = 0;  // the writer's commit count when it was (re)opened
  uint64_t swaps = 0;    // the directory's swap count (Reindex) when it was opened
};

// Readers pass through while the directory stays; Reindex closes the gate to swap it, waiting
// for the searches under way (milliseconds) and holding new ones for the two renames. Writer
// first: a steady stream of searches cannot keep a reindex out.
class ReaderGate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !closed_; });
    ++active_;
  }
  void Leave() {
    std::lock_guard lock(mu_);
    if (--active_ == 0) cv_.notify_all();
  }
  void Close() {
    std::unique_lock lock(mu_);
    closed_ = true;
    cv_.wait(lock, [this] { return active_ == 0; });
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      closed_ = false;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  bool closed_ = false;
};

struct SearchService::Impl {
  store::Database* db = nullptr;
  policy::PolicyService* policies = nullptr;
  SearchOptions options;
  std::unique_ptr<Analyzer> analyzer;
  std::mutex mu;  // guards xdb and follower: the writer
  Xapian::WritableDatabase xdb;
  // The change log from the position stamped in the index (audit/change_follower.h), driven by
  // CatchUp on the caller's thread; made again when a reindex stamps a new position.
  std::unique_ptr<audit::ChangeFollower> follower;
  int64_t applied = 0;  // entities reindexed by the current CatchUp (under mu)
  std::atomic<uint64_t> commits{0}, swaps{0};
  ReaderGate gate;        // closed while Reindex swaps the directory
  std::mutex readers_mu;  // guards idle
  std::vector<std::unique_ptr<Reader>> idle;
  // Reads the store as the platform does (drafts and withdrawn items included, then filtered).
  auth::Principal reader = [] {
    auth::Principal p;
    p.login = "search-indexer";
    p.kind = auth::UserKind::kPlatformAdmin;
    return p;
  }();

  core::Date Today() const {
    return policies ? policies->Today() : core::ShanghaiDate(std::chrono::system_clock::now());
  }

  Status OpenIndex() {
    try {
      xdb = Xapian::WritableDatabase(options.index_dir, Xapian::DB_CREATE_OR_OPEN);
      return core::Ok();
    } catch (const Xapian::DatabaseLockError& e) {
      return core::MakeError(core::ErrorKind::kUnavailable, "search_index_locked",
                             "检索索引正被另一个进程使用（服务是否在运行？）",
                             "search index locked: " + e.get_msg());
    } catch (const Xapian::Error& e) {
      return IndexError(e);
    }
  }

  bool Current() {
    return xdb.get_metadata(detail::kMetaSchema) == detail::kSchemaVersion &&
           xdb.get_metadata(detail::kMetaLexicon) == analyzer->Fingerprint() &&
           !xdb.get_metadata(detail::kMetaLastChange).empty();
  }

  void Stamp(Xapian::WritableDatabase& d, int64_t last_change) {
    d.set_metadata(detail::kMetaSchema, std::string(detail::kSchemaVersion));
    d.set_metadata(detail::kMetaLexicon, analyzer->Fingerprint());
    d.set_metadata(detail::kMetaLastChange, std::to_string(last_change));
  }

  // Items are read as the platform would see them (every item of the lineage) and filtered
  // here: published items of a lineage whose current version is published or repealed, the
  // latter indexed as repealed so include_repealed still finds them.
  static bool IndexableItems(const policy::Policy& current) {
    return current.status == policy::PolicyStatus::kPublished ||
           current.status == policy::PolicyStatus::kRepealed;
  }

  static std::vector<policy::Item> PublishedOnly(std::vector<policy::Item> items) {
    std::erase_if(items, [](const policy::Item& it) { return it.status != policy::ItemStatus::kPublished; });
    return items;
  }

  // A policy and, when it is the current version of its lineage, the items of the lineage.
  Status IndexPolicyFromStore(Xapian::WritableDatabase& d, int64_t id, int64_t* items_indexed) {
    auto p = policies->GetPolicy(nullptr, id);
    if (!p.ok()) {
      if (!IsNotFound(p.error())) return p.error();
      d.delete_document(detail::PolicyTerm(id));  // a draft revision, or gone
      return core::Ok();
    }
    HQ_ASSIGN_OR_RETURN(auto all, policies->ItemsOfPolicy(&reader, id));
    bool current = all.empty() || all.front().policy_id == p->id;
    std::vector<policy::Item> items =
        IndexableItems(*p) ? PublishedOnly(std::move(all)) : std::vector<policy::Item>{};
    detail::ReplacePolicy(d, *analyzer, *p, items);
    if (current) {
      detail::ReplaceLineageItems(d, *analyzer, p->root_id, items, *p);
      if (items_indexed) *items_indexed += static_cast<int64_t>(items.size());
    }
    return core::Ok();
  }

  Status IndexItemFromStore(int64_t id) {
    auto it = policies->GetItem(&reader, id);
    if (!it.ok() && !IsNotFound(it.error())) return it.error();
    if (it.ok() && it->status == policy::ItemStatus::kPublished) {
      HQ_ASSIGN_OR_RETURN(policy::Policy p, policies->GetPolicy(&reader, it->policy_id));
      if (IndexableItems(p)) {
        xdb.replace_document(detail::ItemTerm(id), detail::ItemDocument(*analyzer, *it, p));
        return core::Ok();
      }
    }
    xdb.delete_document(detail::ItemTerm(id));
    return core::Ok();
  }

  Result<int64_t> LastChangeId() { return audit::LatestChangeId(*db); }

  Result<std::vector<int64_t>> VisiblePolicyIds() {
    return db->ReadValue<std::vector<int64_t>>([](store::Session& s) -> Result<std::vector<int64_t>> {
      HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kVisiblePolicyIds));
      std::vector<int64_t> ids;
      for (const auto& r : rows) ids.push_back(r.Int("id"));
      return ids;
    });
  }

  void FollowFromStamp() {
    follower.reset();
    if (!db) return;
    std::string meta = xdb.get_metadata(detail::kMetaLastChange);
    int64_t from = meta.empty() ? 0 : std::stoll(meta);
    audit::FollowerOptions fo;
    fo.hole_grace = kGapGrace;
    fo.batch = kChangeBatch;
    follower = std::make_unique<audit::ChangeFollower>(*db, fo);
    follower->Subscribe("search-index", {audit::Entity::kPolicy, audit::Entity::kItem}, from,
                        [this](const std::vector<audit::Change>& rows, int64_t through) -> Status {
                          return Apply(rows, through);
                        });
  }

  // Reindexes the policies and items the rows name (twice is harmless) and stamps `through`.
  Status Apply(const std::vector<audit::Change>& rows, int64_t through) {
    std::set<int64_t> policy_ids, item_ids;
    for (const auto& c : rows) {
      int64_t id = 0;
      try {
        id = std::stoll(c.entity_id);
      } catch (...) {
        continue;
      }
      (c.entity == "policy" ? policy_ids : item_ids).insert(id);
    }
    for (int64_t id : policy_ids) HQ_RETURN_IF_ERROR(IndexPolicyFromStore(xdb, id, nullptr));
    for (int64_t id : item_ids) HQ_RETURN_IF_ERROR(IndexItemFromStore(id));
    applied += static_cast<int64_t>(policy_ids.size() + item_ids.size());
    std::string meta = xdb.get_metadata(detail::kMetaLastChange);
    if (meta == std::to_string(through) && policy_ids.empty() && item_ids.empty()) return core::Ok();
    Stamp(xdb, through);
    xdb.commit();
    ++commits;
    return core::Ok();
  }

  Result<int64_t> CatchUpLocked() {
    if (!follower) FollowFromStamp();
    if (!follower) return int64_t{0};
    applied = 0;
    HQ_RETURN_IF_ERROR(follower->CatchUp());
    return applied;
  }

  // On a large index, a term in more than a third of the documents (企业, 奖励, 常州) costs
  // long posting lists for almost no BM25 weight; such terms are left out unless the query has
  // nothing else. Small indexes (the demo) keep every term.
  static detail::CommonTerm CommonTerms(const Xapian::Database& d) {
    Xapian::doccount n = d.get_doccount();
    if (n < kCommonTermMinDocs) return {};
    return [&d, n](const std::string& term) { return d.get_termfreq(term) * 3 > n; };
  }

  std::unique_ptr<Reader> AcquireReader() {
    std::unique_ptr<Reader> r;
    {
      std::lock_guard lock(readers_mu);
      if (!idle.empty()) {
        r = std::move(idle.back());
        idle.pop_back();
      }
    }
    uint64_t c = commits.load(), s = swaps.load();
    if (!r || r->swaps != s) {
      r = std::make_unique<Reader>(Reader{Xapian::Database(options.index_dir), c, s});
    } else if (r->commits != c) {
      r->db.reopen();
      r->commits = c;
    }
    return r;
  }

  void ReleaseReader(std::unique_ptr<Reader> r) {
    if (r->swaps != swaps.load()) return;  // opened on a directory Reindex replaced
    std::lock_guard lock(readers_mu);
    if (idle.size() < kMaxIdleReaders) idle.push_back(std::move(r));
  }

  //! Runs `fn` on a reader of its own. A reader left more than a revision behind while the
  //! writer committed (Xapian::DatabaseModifiedError) is reopened and `fn` run again; after
  //! kModifiedRetries such tries (a writer committing faster than the query runs) the last try
  //! holds the writer off, so a search always finishes.
  template <typename T>
  Result<T> WithReader(const std::function<Result<T>(Xapian::Database&)>& fn) {
    gate.Enter();
    struct Lease {
      Impl& m;
      std::unique_ptr<Reader> r;
      ~Lease() {
        if (r) m.ReleaseReader(std::move(r));
        m.gate.Leave();
      }
    } lease{*this, nullptr};
    for (int attempt = 1; attempt <= kModifiedRetries; ++attempt) {
      try {
        if (!lease.r) lease.r = AcquireReader();  // opening or reopening can meet a commit too
        return fn(lease.r->db);
      } catch (const Xapian::DatabaseModifiedError&) {
        lease.r.reset();  // a fresh one next time
      }
    }
    std::lock_guard writer(mu);
    lease.r = AcquireReader();
    return fn(lease.r->db);
  }

  //! CatchUp unless another thread is at it: a search never waits for the writer, and answers
  //! from the index as the other thread's catch-up leaves it at its last commit.
  void CatchUpUnlessBusy() {
    if (!db) return;
    std::unique_lock lock(mu, std::try_to_lock);
    if (!lock.owns_lock()) return;
    try {
      (void)CatchUpLocked();
    } catch (const Xapian::Error&) {
      // The index stays as it was: answering from it beats failing the search.
    }
  }

  Result<SearchResult> Run(Xapian::Database& d, const SearchQuery& q, const Xapian::Query& filter,
                           detail::SortBy sort) {
    Xapian::doccount docs = std::max<Xapian::doccount>(d.get_doccount(), 1);
    detail::TermFreq share = [&d, docs](const std::string& term) {
      return static_cast<double>(d.get_termfreq(term)) / static_cast<double>(docs);
    };
    detail::TextQuery text =
        detail::BuildTextQuery(*analyzer, q.q, q.mode.value_or(options.mode), CommonTerms(d), share);
    Xapian::Enquire enquire(d);
    bool browse = text.query.empty();
    if (browse) {
      // No words (empty, or only punctuation): the newest publications.
      if (!q.q.empty() && q.q.find_first_not_of(" \t") != std::string::npos) return SearchResult{};
      enquire.set_query(filter);
      if (sort == detail::SortBy::kRelevance) sort = detail::SortBy::kDate;
    } else {
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, text.query, filter));
      enquire.set_weighting_scheme(Xapian::BM25Weight());
    }
    detail::DeadlineKey deadline(Today().ToString());
    switch (sort) {
      case detail::SortBy::kRelevance:
        break;
      case detail::SortBy::kDate:
        enquire.set_sort_by_value_then_relevance(detail::kSlotSort, true);
        break;
      case detail::SortBy::kAmount:
        enquire.set_sort_by_value_then_relevance(detail::kSlotAmount, true);
        break;
      case detail::SortBy::kDeadline:
        enquire.set_sort_by_key_then_relevance(&deadline, false);
        break;
    }
    detail::FacetSpy spy;
    enquire.add_matchspy(&spy);
    auto first = static_cast<Xapian::doccount>((q.page - 1) * q.page_size);
    // The minimum-match rule (detail/query.h) as a match decider: facets and totals count only
    // the documents that pass it.
    Xapian::MSet mset = enquire.get_mset(first, q.page_size, options.facet_sample, nullptr,
                                         browse ? nullptr : text.min_match.get());
    SearchResult r;
    r.total = mset.get_matches_estimated();
    r.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    // Facets come from the first facet_sample matches examined; beyond that they are scaled.
    double scale = spy.seen() > 0 && r.total > spy.seen() ? double(r.total) / double(spy.seen()) : 1.0;
    spy.Scale(scale);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      r.items.push_back(HitOf(it, text.highlight));
      if (browse) r.items.back().score = 0;
    }
    r.level = spy.Counts(detail::kSlotLevel);
    r.type = spy.Counts(detail::kSlotTypes);
    r.department = spy.Counts(detail::kSlotDepartments);
    return r;
  }

  // Names and titles that start with the text, then titles of the best hits while `out` has room.
  template <typename Add>
  void SuggestFromIndex(Xapian::Database& d, const std::string& norm, int limit, Add&& add,
                        const std::vector<std::string>& out) {
    std::string prefix = detail::SuggestTerm(norm);
    std::vector<std::string> names;
    for (auto it = d.allterms_begin(prefix); it != d.allterms_end(prefix) && names.size() < 200; ++it) {
      names.push_back((*it).substr(1));
    }
    std::stable_sort(names.begin(), names.end(),
                     [](const auto& a, const auto& b) { return a.size() < b.size(); });
    for (const auto& n : names) add(n);
    if (static_cast<int>(out.size()) >= limit) return;
    // Titles that contain the text elsewhere: the best title matches.
    detail::TextQuery tq = detail::BuildTextQuery(*analyzer, norm, QueryMode::kWordsAndBigrams);
    if (tq.query.empty()) return;
    Xapian::Enquire enquire(d);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, tq.query, Xapian::Query("Spublished")));
    Xapian::MSet mset = enquire.get_mset(0, limit);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      auto data = nlohmann::json::parse(it.get_document().get_data(), nullptr, false);
      if (!data.is_discarded()) add(data.value("title", ""));
    }
  }

  Hit HitOf(const Xapian::MSetIterator& m, const std::vector<std::string>& terms) {
    auto data = nlohmann::json::parse(m.get_document().get_data(), nullptr, false);
    Hit h;
    if (data.is_discarded()) return h;
    h.kind = data.value("kind", "");
    h.id = data.value("id", int64_t{0});
    h.policy_id = data.value("policy_id", int64_t{0});
    h.key = data.value("key", "");
    h.title = data.value("title", "");
    h.level = data.value("level", "");
    h.level_label = data.value("level_label", "");
    h.department = data.value("department", "");
    h.published_on = data.value("published_on", "");
    h.status = data.value("status", "");
    h.period_type = data.value("period_type", "");
    h.window_start = data.value("window_start", "");
    h.window_end = data.value("window_end", "");
    if (auto a = data.find("amount_max_fen"); a != data.end() && a->is_number_integer()) {
      h.amount_max_fen = a->get<int64_t>();
    }
    h.amount_text = data.value("amount_text", "");
    h.score = m.get_weight();
    std::vector<std::string> texts = data.value("texts", std::vector<std::string>{});
    h.snippet = detail::Snippet(texts, terms);
    return h;
  }
};

SearchService::SearchService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchService::~SearchService() = default;

Result<std::unique_ptr<SearchService>> SearchService::Open(store::Database* db,
                                                           policy::PolicyService* policies,
                                                           const SearchOptions& options) {
  if (options.index_dir.empty()) {
    return core::InvalidArgument("index_dir", "required", "请指定检索索引目录", "index_dir is required");
  }
  auto impl = std::make_unique<Impl>();
  impl->db = policies ? db : nullptr;
  impl->policies = db ? policies : nullptr;
  impl->options = options;
  AnalyzerOptions ao = options.analyzer;
  if (impl->policies) {
    // Tag names are domain terms the administrators maintain (常州办法 第十八条).
    auto tags = impl->policies->ListTags("");
    if (tags.ok()) {
      for (const auto& t : *tags) ao.extra_terms.push_back(t.name);
    }
  }
  HQ_ASSIGN_OR_RETURN(impl->analyzer, Analyzer::Create(ao));
  std::error_code ec;
  fs::create_directories(fs::path(options.index_dir).parent_path(), ec);
  HQ_RETURN_IF_ERROR(impl->OpenIndex());
  std::unique_ptr<SearchService> svc(new SearchService(std::move(impl)));
  bool current = false;
  try {
    current = svc->impl_->Current();
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
  if (!current && svc->impl_->db) {
    HQ_RETURN_IF_ERROR(svc->Reindex());
  }
  return svc;
}

Result<ReindexReport> SearchService::Reindex(const Progress& progress) {
  Impl& m = *impl_;
  ReindexReport report;
  if (!m.db) return report;
  auto t0 = std::chrono::steady_clock::now();
  // Changes made while this runs are applied again by the next CatchUp: the watermark is
  // taken before the store is read, and reindexing an entity twice is harmless.
  HQ_ASSIGN_OR_RETURN(int64_t watermark, m.LastChangeId());
  HQ_ASSIGN_OR_RETURN(auto ids, m.VisiblePolicyIds());
  std::string building = m.options.index_dir + ".new";
  try {
    fs::remove_all(building);
    Xapian::WritableDatabase fresh(building, Xapian::DB_CREATE_OR_OVERWRITE);
    for (size_t i = 0; i < ids.size(); ++i) {
      HQ_RETURN_IF_ERROR(m.IndexPolicyFromStore(fresh, ids[i], &report.items));
      ++report.policies;
      if (progress && (i % 200 == 0 || i + 1 == ids.size()))
        progress(static_cast<int64_t>(i + 1), ids.size());
    }
    m.Stamp(fresh, watermark);
    fresh.commit();
    fresh.close();
    // The gate first, then the writer's lock: a search holding the gate may wait for the lock
    // (WithReader's last try), never the other way round.
    m.gate.Close();  // no search reads while the directories move
    struct Reopen {
      ReaderGate& g;
      ~Reopen() { g.Open(); }
    } reopen{m.gate};
    std::lock_guard lock(m.mu);
    ++m.swaps;
    m.xdb.close();
    std::string old = m.options.index_dir + ".old";
    fs::remove_all(old);
    fs::rename(m.options.index_dir, old);
    fs::rename(building, m.options.index_dir);
    fs::remove_all(old);
    HQ_RETURN_IF_ERROR(m.OpenIndex());
    m.FollowFromStamp();  // from the position the new index was stamped with
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  } catch (const fs::filesystem_error& e) {
    return core::MakeError(core::ErrorKind::kUnavailable, "search_index", "无法替换检索索引目录",
                           std::string("cannot swap the index directory: ") + e.what());
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

Result<int64_t> SearchService::CatchUp() {
  if (!impl_->db) return int64_t{0};
  std::lock_guard lock(impl_->mu);
  try {
    return impl_->CatchUpLocked();
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
}

Result<SearchResult> SearchService::Search(const SearchQuery& q) {
  Impl& m = *impl_;
  if (q.page < 1 || q.page > 100000) {
    return core::InvalidArgument("page", "invalid_number", "page 应为正整数", "page out of range");
  }
  if (q.page_size < 1 || q.page_size > 100) {
    return core::InvalidArgument("page_size", "invalid_number", "page_size 应为 1–100",
                                 "page_size out of range");
  }
  if (q.q.size() > 1000) return core::InvalidArgument("q", "too_long", "检索词过长", "query too long");
  m.CatchUpUnlessBusy();
  HQ_ASSIGN_OR_RETURN(detail::SortBy sort, detail::ParseSort(q.sort));
  HQ_ASSIGN_OR_RETURN(Xapian::Query filter, detail::BuildFilter(q, m.Today()));
  try {
    return m.WithReader<SearchResult>([&](Xapian::Database& db) { return m.Run(db, q, filter, sort); });
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
}

Result<std::vector<std::string>> SearchService::Suggest(std::string_view text, int limit) {
  Impl& m = *impl_;
  limit = std::clamp(limit, 1, 20);
  std::string norm = m.analyzer->Normalize(text);
  while (!norm.empty() && norm.back() == ' ') norm.pop_back();
  while (!norm.empty() && norm.front() == ' ') norm.erase(0, 1);
  std::vector<std::string> out;
  if (norm.empty()) return out;
  auto add = [&](const std::string& s) {
    if (static_cast<int>(out.size()) < limit && s != norm &&
        std::find(out.begin(), out.end(), s) == out.end()) {
      out.push_back(s);
    }
  };
  // Domain terms first (short completions), then names and titles that start with the text.
  for (const auto& t : m.analyzer->LexiconWithPrefix(norm, static_cast<size_t>(limit) / 2)) add(t);
  m.CatchUpUnlessBusy();
  try {
    auto before = out;
    return m.WithReader<std::vector<std::string>>(
        [&](Xapian::Database& db) -> Result<std::vector<std::string>> {
          out = before;  // a retry starts again from the lexicon's completions
          m.SuggestFromIndex(db, norm, limit, add, out);
          return out;
        });
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
}

Status SearchService::IndexPolicy(const policy::Policy& p, const std::vector<policy::Item>& items) {
  std::lock_guard lock(impl_->mu);
  try {
    detail::ReplacePolicy(impl_->xdb, *impl_->analyzer, p, items);
    if (p.status == policy::PolicyStatus::kPublished) {
      detail::ReplaceLineageItems(impl_->xdb, *impl_->analyzer, p.root_id, items, p);
    }
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
  return core::Ok();
}

Status SearchService::Commit() {
  std::lock_guard lock(impl_->mu);
  try {
    if (impl_->xdb.get_metadata(detail::kMetaLastChange).empty()) impl_->Stamp(impl_->xdb, 0);
    impl_->xdb.commit();
    ++impl_->commits;
  } catch (const Xapian::Error& e) {
    return IndexError(e);
  }
  return core::Ok();
}

int64_t SearchService::DocumentCount() {
  std::lock_guard lock(impl_->mu);
  return impl_->xdb.get_doccount();
}

const Analyzer& SearchService::analyzer() const { return *impl_->analyzer; }

}  // namespace huiqi::search
