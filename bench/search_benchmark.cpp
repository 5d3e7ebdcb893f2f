// Search benchmark (issue 5; results in docs/benchmarks.md, "Search"). HUIQI_SEARCH_BENCH_N
// policy-like documents (default 100,000: generated policies and their items, seed 1) are
// indexed once into a fresh Xapian database under HUIQI_BENCH_DIR (default /tmp), reporting the
// indexing rate; then a fixed mix of 25 queries (search::BenchmarkQueries: abbreviations,
// colloquial phrases, traditional characters, two-word queries) runs with the production options
// (words + bigrams, synonyms, facet counts, snippets for a page of 20), reporting the median and
// p99 latency of single queries.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "search/search_service.h"
#include "search/synthetic.h"

namespace {

using namespace huiqi;
using Clock = std::chrono::steady_clock;

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int64_t BenchN() {
  const char* n = std::getenv("HUIQI_SEARCH_BENCH_N");
  return n ? std::atoll(n) : 100000;
}

struct Index {
  std::unique_ptr<search::SearchService> search;
  int64_t docs = 0;
  double seconds = 0;
};

search::SearchOptions Options(const std::string& dir) {
  const char* data = std::getenv("HUIQI_DATA_DIR");
  std::string d = data ? data : "data";
  search::SearchOptions o;
  o.index_dir = dir;
  o.analyzer.lexicon_path = d + "/search/lexicon.txt";
  o.analyzer.synonyms_path = d + "/search/synonyms.tsv";
  if (const char* f = std::getenv("HUIQI_SEARCH_FACET_SAMPLE")) o.facet_sample = std::atoi(f);
  return o;
}

Index& Shared() {
  static Index* index = [] {
    auto* ix = new Index;
    const char* base = std::getenv("HUIQI_BENCH_DIR");
    std::string dir = std::string(base ? base : "/tmp") + "/search-bench-" + std::to_string(BenchN());
    // HUIQI_SEARCH_BENCH_REUSE=1 queries the index a previous run left (indexing is not re-measured).
    bool reuse = std::getenv("HUIQI_SEARCH_BENCH_REUSE") != nullptr && std::filesystem::exists(dir);
    if (!reuse) std::filesystem::remove_all(dir);
    ix->search = search::SearchService::Open(nullptr, nullptr, Options(dir)).value();
    if (reuse) {
      ix->docs = ix->search->DocumentCount();
      ix->seconds = 1;
      return ix;
    }
    search::PolicyGenerator gen(1, {"CZ-KJJ", "CZ-GXJ", "CZ-CZJ", "CZ-SWJ", "CZ-RSJ", "CZ-FGW"});
    auto t0 = Clock::now();
    int64_t next_item = 1;
    std::vector<policy::Item> items;
    for (int64_t n = 0; ix->docs < BenchN(); ++n) {
      policy::Policy p = search::AsPublishedPolicy(gen.Next(n), n + 1, items, next_item);
      if (!ix->search->IndexPolicy(p, items).ok()) std::abort();
      ix->docs += 1 + static_cast<int64_t>(items.size());
      if (n % 10000 == 0) std::cerr << "\rindexed " << ix->docs << " documents" << std::flush;
    }
    if (!ix->search->Commit().ok()) std::abort();
    ix->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cerr << "\rindexed " << ix->docs << " documents in " << ix->seconds << " s\n";
    return ix;
  }();
  return *index;
}

void BM_Index(benchmark::State& state) {
  Index& ix = Shared();
  for (auto _ : state) benchmark::DoNotOptimize(ix.docs);
  state.counters["docs"] = static_cast<double>(ix.docs);
  state.counters["index_s"] = ix.seconds;
  state.counters["docs_per_s"] = static_cast<double>(ix.docs) / ix.seconds;
}
BENCHMARK(BM_Index)->Iterations(1)->Unit(benchmark::kMillisecond);

// One query of the mix per iteration, cycling; latencies of every iteration give p50 and p99.
void QueryMix(benchmark::State& state, bool facets_only_first_page) {
  Index& ix = Shared();
  const auto& queries = search::BenchmarkQueries();
  std::vector<double> ms, cpu;
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    search::SearchQuery q;
    q.q = queries[i++ % queries.size()];
    if (!facets_only_first_page) q.page = 2;
    auto t0 = Clock::now();
    double c0 = ThreadCpuMs();
    auto r = ix.search->Search(q);
    cpu.push_back(ThreadCpuMs() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r.ok())
      state.SkipWithError(r.error().ToString().c_str());
    else
      hits += r->total;
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters["max_ms"] = ms.back();
  // CPU time of the querying thread: the latency without other processes competing for the cores.
  std::sort(cpu.begin(), cpu.end());
  state.counters["cpu_p50_ms"] = cpu[cpu.size() / 2];
  state.counters["cpu_p99_ms"] = cpu[std::min(cpu.size() - 1, cpu.size() * 99 / 100)];
  state.counters["avg_total"] = static_cast<double>(hits) / static_cast<double>(ms.size());
}

// Each query of the mix on its own (median of 20 runs), to see which ones cost most.
void BM_PerQuery(benchmark::State& state) {
  Index& ix = Shared();
  const auto& queries = search::BenchmarkQueries();
  const std::string& text = queries[static_cast<size_t>(state.range(0))];
  std::vector<double> ms;
  int64_t total = 0;
  for (auto _ : state) {
    search::SearchQuery q;
    q.q = text;
    auto t0 = Clock::now();
    auto r = ix.search->Search(q);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    total = r.ok() ? r->total : -1;
  }
  std::sort(ms.begin(), ms.end());
  state.SetLabel(text);
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK(BM_PerQuery)->DenseRange(0, 24)->Iterations(20)->Unit(benchmark::kMillisecond);

void BM_QueryMix(benchmark::State& state) { QueryMix(state, true); }
BENCHMARK(BM_QueryMix)->Iterations(2000)->Unit(benchmark::kMillisecond);
void BM_QueryMixPage2(benchmark::State& state) { QueryMix(state, false); }
BENCHMARK(BM_QueryMixPage2)->Iterations(500)->Unit(benchmark::kMillisecond);

void BM_Suggest(benchmark::State& state) {
  Index& ix = Shared();
  const char* prefixes[] = {"高新", "专精", "研发", "首台", "稳岗", "常州市", "科技型", "人才"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ix.search->Suggest(prefixes[i++ % 8]));
}
BENCHMARK(BM_Suggest)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
