// Benchmarks of the rules issue (make bench; results in docs/benchmarks.md). One data set of
// HUIQI_BENCH_N generated enterprises (default 1,000,000, seed 1) serves every engine:
//   bitmap   in memory, built from the generator
//   SQLite   a file under build/bench-data, generated once and reused
//   PostgreSQL when HUIQI_DB is a postgresql:// URL (make bench starts a private server)
// The same 8-condition rule runs on each, side by side in one run.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "enterprise/archive.h"
#include "enterprise/generator.h"
#include "match/bitmap_engine.h"
#include "match/compiled_catalogue.h"
#include "match/random_rules.h"
#include "match/sql_compiler.h"
#include "store/migrations.h"

namespace {

using namespace huiqi;

constexpr const char* kRule8 =
    R"(region under "3205" and industry under "C" and employees >= 10 and revenue >= 2000万 and )"
    R"(has "高新技术企业" and not dishonest and tax_credit_grade in ["A", "B"] and age >= 3)";
const core::Date kToday = core::Date::FromYmd(2026, 11, 22);

int64_t BenchN() {
  const char* n = std::getenv("HUIQI_BENCH_N");
  return n ? std::atoll(n) : 1000000;
}

// Facts kept for the one-enterprise benchmarks (and Upsert): the first enterprises only, so
// that 10M enterprises fit in memory (a Facts object is far larger than its index entry).
constexpr size_t kFactsKept = 100000;

struct Data {
  rules::Schema schema = rules::BuiltinSchema();
  std::vector<rules::Facts> facts;  // of enterprises 1..min(N, kFactsKept)
  std::unique_ptr<match::BitmapEngine> bitmap;
  rules::Node rule;
};

Data& Shared() {
  static Data* data = [] {
    auto* d = new Data;
    const char* dir = std::getenv("HUIQI_DATA_DIR");
    auto ref = core::ReferenceData::Load(std::string(dir ? dir : "data") + "/reference").value();
    enterprise::Generator gen(ref, 1, kToday);
    int64_t n = BenchN();
    d->facts.reserve(std::min<size_t>(static_cast<size_t>(n), kFactsKept));
    d->bitmap = std::make_unique<match::BitmapEngine>(d->schema);
    for (int64_t i = 0; i < n; ++i) {
      auto rec = gen.Next(i);
      enterprise::DeriveScale(rec.facts);
      d->bitmap->Upsert(static_cast<uint32_t>(i + 1), rec.facts);
      if (d->facts.size() < kFactsKept) d->facts.push_back(std::move(rec.facts));
      if (n >= 5000000 && (i + 1) % 1000000 == 0) std::cerr << "indexed " << (i + 1) << " enterprises\n";
    }
    d->bitmap->RebuildBins();
    d->rule = rules::Parse(kRule8, d->schema).value();
    return d;
  }();
  return *data;
}

// A database holding the same enterprises (ids 1..N), generated once per file.
store::Database& SqlDatabase(const std::string& url) {
  static std::map<std::string, std::unique_ptr<store::Database>> dbs;
  auto& slot = dbs[url];
  if (slot) return *slot;
  slot = store::Database::Open(url).value();
  (void)store::Migrate(*slot).value();
  core::SystemClock clock;
  enterprise::Archive archive(*slot, clock);
  if (archive.Count().value() != BenchN()) {
    const char* dir = std::getenv("HUIQI_DATA_DIR");
    auto ref = core::ReferenceData::Load(std::string(dir ? dir : "data") + "/reference").value();
    enterprise::Generator gen(ref, 1, kToday);
    std::cerr << "loading " << BenchN() << " enterprises into " << slot->DisplayUrl() << " …\n";
    for (int64_t done = 0; done < BenchN();) {
      std::vector<enterprise::EnterpriseRecord> batch;
      for (int64_t i = 0; i < 20000 && done < BenchN(); ++i, ++done) batch.push_back(gen.Next(done));
      if (!archive.InsertBatch(batch).ok()) std::abort();
    }
    (void)slot->ExecOutsideTransaction(slot->kind() == store::Kind::kPostgres ? "VACUUM ANALYZE" : "ANALYZE");
  }
  return *slot;
}

int64_t SqlCount(store::Database& db, const match::CompiledSql& sql) {
  std::string text = "SELECT COUNT(*) AS n FROM enterprises e WHERE " + sql.condition;
  return db
      .ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
        HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne({"bench.count", text}, sql.params, "", ""));
        return row.Int("n");
      })
      .value();
}

void BM_BitmapCount8(benchmark::State& state) {
  Data& d = Shared();
  uint64_t eligible = 0;
  for (auto _ : state) {
    eligible = d.bitmap->Count(d.rule, kToday).eligible;
    benchmark::DoNotOptimize(eligible);
  }
  state.counters["eligible"] = static_cast<double>(eligible);
  state.counters["enterprises"] = static_cast<double>(d.bitmap->size());
  state.counters["index_bytes_per_enterprise"] =
      static_cast<double>(d.bitmap->MemoryBytes()) / d.bitmap->size();
}

// The same rule with every condition computed afresh (no cached condition results).
void BM_BitmapCount8Cold(benchmark::State& state) {
  Data& d = Shared();
  for (auto _ : state) {
    d.bitmap->DropCache();
    benchmark::DoNotOptimize(d.bitmap->Count(d.rule, kToday));
  }
}

// One condition of the 8-condition rule at a time, computed afresh: where the afresh count's
// time goes.
void BM_BitmapLeafCold(benchmark::State& state) {
  Data& d = Shared();
  rules::Node expanded = rules::ExpandDerived(d.rule, kToday);
  const rules::Node& leaf = expanded.children[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    d.bitmap->DropCache();
    benchmark::DoNotOptimize(d.bitmap->Count(leaf, kToday));
  }
  state.SetLabel(rules::Print(leaf, d.schema));
}

// One enterprise's profile changes (the change log's follower applies it): the index is
// updated in place — columns, bins, cumulative bitmaps, prefixes, tags — without a rebuild.
// Cached condition results are dropped, so the next count is computed afresh. (The profiles
// changed are put back after the timed loop.)
void BM_BitmapUpsert(benchmark::State& state) {
  Data& d = Shared();
  size_t i = 0;
  for (auto _ : state) {
    uint32_t row = static_cast<uint32_t>(1 + (i * 7919) % d.facts.size());
    d.bitmap->Upsert(row, d.facts[(i + 1) % d.facts.size()]);
    ++i;
  }
  for (size_t k = 0; k < std::min(i, d.facts.size()); ++k) {  // restore the profiles changed
    uint32_t row = static_cast<uint32_t>(1 + (k * 7919) % d.facts.size());
    d.bitmap->Upsert(row, d.facts[row - 1]);
  }
}

void BM_BitmapFirstPage(benchmark::State& state) {
  Data& d = Shared();
  for (auto _ : state) benchmark::DoNotOptimize(d.bitmap->Page(d.rule, kToday, 0, 20));
}

void BM_BitmapBreakdown(benchmark::State& state) {
  Data& d = Shared();
  for (auto _ : state) benchmark::DoNotOptimize(d.bitmap->BreakdownOf(d.rule, kToday));
}

// What-if: the same rule with the revenue threshold at 20 values.
void BM_BitmapWhatIfSweep20(benchmark::State& state) {
  Data& d = Shared();
  std::vector<rules::Node> variants;
  for (int k = 1; k <= 20; ++k) {
    std::string text = kRule8;
    const std::string from = "2000万";
    text.replace(text.find(from), from.size(), std::to_string(k * 500) + "万");
    variants.push_back(rules::Parse(text, d.schema).value());
  }
  for (auto _ : state) {
    for (const auto& v : variants) benchmark::DoNotOptimize(d.bitmap->Count(v, kToday));
  }
}

// One enterprise against 10,000 random rules: verdicts for all, a trace for the eligible and
// for near misses (one or two failed conditions).
void BM_RowOneEnterprise10kRules(benchmark::State& state) {
  Data& d = Shared();
  std::mt19937_64 rng(9);
  std::vector<rules::Node> rules_;
  while (rules_.size() < 10000)
    rules_.push_back(rules::Parse(match::RandomRuleText(rng, 2), d.schema).value());
  size_t who = 0;
  int64_t traced = 0;
  for (auto _ : state) {
    const rules::Facts& f = d.facts[who++ % d.facts.size()];
    for (const auto& r : rules_) {
      rules::Truth t = rules::EvaluateRule(r, f, kToday);
      if (t == rules::Truth::kTrue) {
        benchmark::DoNotOptimize(rules::Explain(r, d.schema, f, kToday));
        ++traced;
      }
    }
  }
  state.counters["traced_per_enterprise"] = static_cast<double>(traced) / state.iterations();
}

// 10,000 items with random rules (depth 2, as above), amount formulas drawn from a realistic
// mix (fixed sums, rate × base with a cap, tiers) and a few exclusivity groups.
const std::vector<match::CatalogueItem>& BenchItems(const rules::Schema& schema) {
  static const std::vector<match::CatalogueItem> items = [&] {
    std::vector<std::string> formulas;
    for (int wan : {5, 10, 20, 30, 50, 80, 100, 200}) {
      formulas.push_back(R"({"kind":"fixed","value":")" + std::to_string(wan) + R"(万元"})");
    }
    for (int pct : {5, 10, 15, 20}) {
      formulas.push_back(R"({"kind":"rate","base":"rd_expense","percent":)" + std::to_string(pct) +
                         R"(,"cap":")" + std::to_string(pct * 10) + R"(万元"})");
    }
    formulas.push_back(R"({"kind":"tiers","tiers":[{"when":"revenue >= 1亿","value":"100万元"},)"
                       R"({"when":"revenue >= 2000万","value":"30万元"}]})");
    std::mt19937_64 rng(9);
    std::vector<match::CatalogueItem> out(10000);
    for (size_t i = 0; i < out.size(); ++i) {
      out[i].id = static_cast<int64_t>(i + 1);
      out[i].rule = rules::Parse(match::RandomRuleText(rng, 2), schema).value();
      out[i].amount =
          rules::ParseAmount(nlohmann::json::parse(formulas[i % formulas.size()]), schema).value();
      if (i % 50 == 0) out[i].exclusive_group = "group" + std::to_string(i % 7);
    }
    return out;
  }();
  return items;
}

// The compiled catalogue (compiled once, as a serving node does per catalogue snapshot): one
// enterprise against 10,000 items — every verdict, eligible ranked by estimated amount, near
// misses, unknowns, exclusivity, and every condition of every listed item's trace read (views
// onto precomputed text).
void BM_CompiledOneEnterprise10kItems(benchmark::State& state) {
  Data& d = Shared();
  const auto& items = BenchItems(d.schema);
  match::CompiledCatalogue catalogue(items, d.schema);
  size_t who = 0;
  double listed = 0, near = 0;
  for (auto _ : state) {
    const rules::Facts& f = d.facts[who++ % d.facts.size()];
    match::CompiledMatch m = catalogue.Match(f, kToday);
    size_t bytes = 0;
    for (const auto* list : {&m.eligible, &m.near_misses, &m.unknown}) {
      for (const auto& ref : *list) {
        for (size_t i = 0, n = m.TraceSize(ref); i < n; ++i) {
          match::TraceRef t = m.TraceAt(ref, i);
          bytes += t.description.size() + t.actual.size() + static_cast<size_t>(t.outcome);
        }
      }
    }
    benchmark::DoNotOptimize(bytes);
    listed += static_cast<double>(m.eligible.size() + m.near_misses.size() + m.unknown.size());
    near += static_cast<double>(m.near_misses.size());
  }
  state.counters["listed_per_enterprise"] = listed / state.iterations();
  state.counters["near_misses_per_enterprise"] = near / state.iterations();
  state.counters["distinct_conditions"] = static_cast<double>(catalogue.distinct_conditions());
}

// The same, with every listed item's trace copied into full strings (match::EnterpriseMatch, what
// the API serialises today).
void BM_CompiledOneEnterprise10kItemsCopied(benchmark::State& state) {
  Data& d = Shared();
  match::CompiledCatalogue catalogue(BenchItems(d.schema), d.schema);
  size_t who = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(match::MatchEnterprise(catalogue, d.facts[who++ % d.facts.size()], kToday));
  }
}

// Compiling the 10,000 items (once per catalogue change).
void BM_CompileCatalogue10kItems(benchmark::State& state) {
  Data& d = Shared();
  const auto& items = BenchItems(d.schema);
  for (auto _ : state) benchmark::DoNotOptimize(match::CompiledCatalogue(items, d.schema));
}

// Publishing one item (a new version of one of the 10,000) into the compiled catalogue in
// place: its conditions are interned with the others', nothing is recompiled.
void BM_CataloguePublishOneItem(benchmark::State& state) {
  Data& d = Shared();
  const auto& items = BenchItems(d.schema);
  match::CompiledCatalogue catalogue(items, d.schema);
  std::mt19937_64 rng(5);
  std::vector<match::CatalogueItem> versions(1000);
  for (size_t i = 0; i < versions.size(); ++i) {
    versions[i] = items[(i * 7919) % items.size()];
    versions[i].rule = rules::Parse(match::RandomRuleText(rng, 2), d.schema).value();
  }
  size_t i = 0;
  for (auto _ : state) catalogue.Upsert(versions[i++ % versions.size()]);
  state.counters["items"] = static_cast<double>(catalogue.items());
}

void BM_SqlCount8(benchmark::State& state, std::string url) {
  Data& d = Shared();
  store::Database& db = SqlDatabase(url);
  auto sql = match::CompileSql(d.rule, d.schema, kToday).value();
  int64_t n = 0;
  for (auto _ : state) {
    n = SqlCount(db, sql);
    benchmark::DoNotOptimize(n);
  }
  state.counters["eligible"] = static_cast<double>(n);
  if (static_cast<uint64_t>(n) != d.bitmap->Count(d.rule, kToday).eligible) {
    state.SkipWithError("SQL and bitmap counts differ");
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RegisterBenchmark("BM_BitmapCount8", BM_BitmapCount8)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BitmapCount8Cold", BM_BitmapCount8Cold)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BitmapLeafCold", BM_BitmapLeafCold)
      ->DenseRange(0, 7)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BitmapUpsert", BM_BitmapUpsert)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_BitmapFirstPage", BM_BitmapFirstPage)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BitmapBreakdown", BM_BitmapBreakdown)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BitmapWhatIfSweep20", BM_BitmapWhatIfSweep20)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_RowOneEnterprise10kRules", BM_RowOneEnterprise10kRules)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_CompiledOneEnterprise10kItems", BM_CompiledOneEnterprise10kItems)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_CompiledOneEnterprise10kItemsCopied",
                               BM_CompiledOneEnterprise10kItemsCopied)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_CompileCatalogue10kItems", BM_CompileCatalogue10kItems)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_CataloguePublishOneItem", BM_CataloguePublishOneItem)
      ->Unit(benchmark::kMicrosecond);
  std::string sqlite =
      "sqlite:" +
      std::string(std::getenv("HUIQI_BENCH_DIR") ? std::getenv("HUIQI_BENCH_DIR") : "build/bench-data") +
      "/enterprises-" + std::to_string(BenchN()) + ".db";
  benchmark::RegisterBenchmark("BM_SqlCount8/sqlite", BM_SqlCount8, sqlite)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(5);
  if (const char* pg = std::getenv("HUIQI_DB"); pg && std::string(pg).rfind("postgres", 0) == 0) {
    benchmark::RegisterBenchmark("BM_SqlCount8/postgresql", BM_SqlCount8, std::string(pg))
        ->Unit(benchmark::kMillisecond)
        ->Iterations(5);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
