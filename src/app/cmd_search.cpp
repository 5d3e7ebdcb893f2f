// huiqi search reindex | huiqi search query '<text>' | huiqi gen policies — the full-text search
// index from the command line (issue 5).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "app/search_context.h"
#include "search/synthetic.h"

namespace huiqi::app {

namespace fs = std::filesystem;

std::string SearchIndexDir(const CommonOptions& common) {
  if (const char* env = std::getenv("HUIQI_SEARCH_DIR"); env && *env) return env;
  const std::string& url = common.db_url;
  if (url.rfind("sqlite:", 0) == 0) {
    fs::path db(url.substr(7));
    return (db.parent_path() / (db.stem().string() + "-search")).string();
  }
  return "var/search";
}

search::SearchOptions SearchOptionsFor(const CommonOptions& common, const std::string& index_dir) {
  search::SearchOptions o;
  o.index_dir = index_dir.empty() ? SearchIndexDir(common) : index_dir;
  fs::path dir = fs::path(common.data_dir) / "search";
  o.analyzer.lexicon_path = (dir / "lexicon.txt").string();
  o.analyzer.synonyms_path = (dir / "synonyms.tsv").string();
  return o;
}

std::unique_ptr<search::SearchService> OpenSearchOrFail(const CommonOptions& common, store::Database& db,
                                                        policy::PolicyService& policies,
                                                        const std::string& index_dir) {
  auto s = search::SearchService::Open(&db, &policies, SearchOptionsFor(common, index_dir));
  if (!s.ok()) Fail(s.error());
  return std::move(s).value();
}

void UpdateSearchAfterSeed(const CommonOptions& common, store::Database& db,
                           policy::PolicyService& policies) {
  auto s = search::SearchService::Open(&db, &policies, SearchOptionsFor(common));
  if (!s.ok()) {
    std::cerr << "注意：检索索引未更新（" << s.error().message << "）；服务运行时会自行跟进\n";
    return;
  }
  auto n = (*s)->CatchUp();
  if (n.ok()) std::cout << "search index: " << (*s)->DocumentCount() << " documents\n";
}

namespace {

struct SearchArgs {
  std::string index_dir;
  std::string text;
  int limit = 10;
  std::string mode = "both";
  bool include_repealed = false;
  int64_t count = 1000;
  uint64_t seed = 1;
};

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Reindex(const CommonOptions& common, const SearchArgs& a) {
  auto db = OpenMigratedDatabase(common);
  auto cal = LoadCalendar(common, db.get());
  core::SystemClock clock;
  policy::PolicyService policies(*db, clock, cal);
  auto search = OpenSearchOrFail(common, *db, policies, a.index_dir);
  auto report = search->Reindex([](int64_t done, int64_t total) {
    std::cerr << "\r重建索引 reindexing " << done << " / " << total << " policies" << std::flush;
  });
  std::cerr << "\n";
  if (!report.ok()) Fail(report.error());
  std::cout << report->policies << " policies and " << report->items << " items indexed in " << std::fixed
            << std::setprecision(1) << report->seconds << " s ("
            << static_cast<int64_t>((report->policies + report->items) / std::max(report->seconds, 1e-3))
            << " docs/s)\n";
}

void Query(const CommonOptions& common, const SearchArgs& a) {
  auto mode = search::ParseQueryMode(a.mode);
  if (!mode.ok()) Fail(mode.error());
  auto db = OpenMigratedDatabase(common);
  auto cal = LoadCalendar(common, db.get());
  core::SystemClock clock;
  policy::PolicyService policies(*db, clock, cal);
  auto search = OpenSearchOrFail(common, *db, policies, a.index_dir);
  search::SearchQuery q;
  q.q = a.text;
  q.page_size = a.limit;
  q.mode = *mode;
  q.include_repealed = a.include_repealed;
  auto r = search->Search(q);
  if (!r.ok()) Fail(r.error());
  for (const auto& h : r->items) {
    std::cout << h.id << "\t" << h.kind << "\t" << h.title << "\t" << std::fixed << std::setprecision(3)
              << h.score << "\n";
  }
  std::cerr << r->total << (r->total_exact ? "" : "+") << " matches\n";
}

// Real published policies through the policy service, as the platform (so the demo
// departments must exist: run seed-demo first).
void GeneratePolicies(const CommonOptions& common, const SearchArgs& a) {
  auto db = OpenMigratedDatabase(common);
  auto cal = LoadCalendar(common, db.get());
  core::SystemClock clock;
  policy::PolicyService policies(*db, clock, cal);
  auth::Principal platform;
  platform.login = "gen";
  platform.kind = auth::UserKind::kPlatformAdmin;
  search::PolicyGenerator gen(a.seed, {"CZ-KJJ", "CZ-GXJ", "CZ-CZJ", "CZ-SWJ", "CZ-RSJ", "CZ-FGW"});
  auto t0 = std::chrono::steady_clock::now();
  int64_t items = 0;
  for (int64_t n = 0; n < a.count; ++n) {
    search::SyntheticPolicy s = gen.Next(n);
    auto p = policies.CreatePolicy(platform, s.policy);
    if (!p.ok()) Fail(p.error());
    if (auto st = policies.SubmitPolicy(platform, p->id); !st.ok()) Fail(st.error());
    if (auto st = policies.PublishPolicy(platform, p->id, {s.published_on}); !st.ok()) Fail(st.error());
    for (const auto& in : s.items) {
      auto it = policies.CreateItem(platform, p->id, in);
      if (!it.ok()) Fail(it.error());
      if (auto st = policies.PublishItem(platform, it->id, {s.published_on}); !st.ok()) Fail(st.error());
      ++items;
    }
    if ((n + 1) % 100 == 0 || n + 1 == a.count) {
      std::cerr << "\r生成 generated " << n + 1 << " / " << a.count << " ("
                << static_cast<int>(SecondsSince(t0)) << " s)" << std::flush;
    }
  }
  std::cerr << "\n";
  std::cout << a.count << " policies and " << items << " items published in " << std::fixed
            << std::setprecision(1) << SecondsSince(t0) << " s\n";
}

}  // namespace

void AddSearchCommands(CLI::App& cli, CommonOptions& common) {
  auto a = std::make_shared<SearchArgs>();
  auto* search = cli.add_subcommand("search", "全文检索 full-text search over policies and items");
  search->require_subcommand(1);
  auto* reindex = search->add_subcommand("reindex", "从数据库重建检索索引 rebuild the index from the store");
  AddCommonOptions(*reindex, common);
  reindex->add_option("--index", a->index_dir, "索引目录 index directory (env HUIQI_SEARCH_DIR)");
  reindex->callback([&common, a] { Reindex(common, *a); });

  auto* query =
      search->add_subcommand("query", "检索：每行打印 id、类型、标题、得分 print id, kind, title, score");
  AddCommonOptions(*query, common);
  query->add_option("text", a->text, "检索词")->required();
  query->add_option("--index", a->index_dir, "索引目录 index directory (env HUIQI_SEARCH_DIR)");
  query->add_option("--limit", a->limit, "条数")->capture_default_str()->check(CLI::Range(1, 100));
  query->add_option("--mode", a->mode, "words | bigrams | both")->capture_default_str();
  query->add_flag("--include-repealed", a->include_repealed, "包括已废止、已被修订的政策");
  query->callback([&common, a] { Query(common, *a); });

  // `gen` is made by the rules commands (gen enterprises); policies join it.
  CLI::App* gen = nullptr;
  try {
    gen = cli.get_subcommand("gen");
  } catch (const CLI::OptionNotFound&) {
    gen = cli.add_subcommand("gen", "生成合成数据 synthetic data");
    gen->require_subcommand(1);
  }
  auto* pol = gen->add_subcommand("policies",
                                  "生成合成政策（经政策服务发布）synthetic published policies with items");
  AddCommonOptions(*pol, common);
  pol->add_option("--count", a->count, "数量")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  pol->add_option("--seed", a->seed, "随机种子")->capture_default_str();
  pol->callback([&common, a] { GeneratePolicies(common, *a); });
}

}  // namespace huiqi::app
