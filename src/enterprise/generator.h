#pragma once
// Synthetic enterprises for benchmarks and demos (never committed in bulk): Jiangsu regions
// weighted by the size of each city's economy, GB/T 4754 sections with realistic shares,
// log-normal sizes where revenue and assets follow headcount (so the derived scale is
// plausible), R&D for manufacturing and technology firms, qualification tags at realistic rates
// with acquisition dates, and about 5% of values missing. Deterministic for a seed.

#include <cstdint>
#include <random>

#include "core/reference_data.h"
#include "enterprise/archive.h"

namespace huiqi::enterprise {

class Generator {
 public:
  //! `ref` is not owned. `today` anchors establishment and tag dates.
  Generator(const core::ReferenceData& ref, uint64_t seed, core::Date today);
  //! The n-th enterprise (n makes the USCC unique).
  EnterpriseRecord Next(int64_t n);

 private:
  std::mt19937_64 rng_;
  core::Date today_;
  std::vector<std::string> counties_;
  std::discrete_distribution<size_t> county_pick_;
  std::vector<std::string> sections_;
  std::discrete_distribution<size_t> section_pick_;
  std::map<std::string, std::vector<std::string>> divisions_;
};

}  // namespace huiqi::enterprise
