#pragma once
//! Synthetic policy-like documents for `huiqi gen policies` and the search benchmark: titles,
//! articles, highlights, interpretations and items drawn from the vocabulary of real 惠企 policies
//! (topics, support forms, conditions, cities), deterministic for a seed.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "policy/policy.h"

namespace huiqi::search {

struct SyntheticPolicy {
  std::string key;  // "gen-<seed>-<n>"
  policy::PolicyInput policy;
  std::vector<policy::ItemInput> items;
  core::Date published_on;
};

class PolicyGenerator {
 public:
  //! `departments`: codes of existing departments (the first issues most policies).
  PolicyGenerator(uint64_t seed, std::vector<std::string> departments);
  SyntheticPolicy Next(int64_t n);

 private:
  const std::string& Pick(const std::vector<std::string>& v);
  int Uniform(int lo, int hi);
  std::string Article(const std::string& subject, int n);
  std::mt19937_64 rng_;
  uint64_t seed_;
  std::vector<std::string> departments_;
};

//! The read model of a generated policy as if published with id `id` (root itself) and its
//! items numbered from `*next_item_id`: for feeding the index without the store.
policy::Policy AsPublishedPolicy(const SyntheticPolicy& s, int64_t id, std::vector<policy::Item>& items,
                                 int64_t& next_item_id);

//! A fixed query mix for the benchmark: colloquial, abbreviated, with filters' words.
const std::vector<std::string>& BenchmarkQueries();

}  // namespace huiqi::search
