#pragma once
// Generators of random schema-valid rules and random enterprise facts, shared by the engine
// agreement test and the benchmarks. Deterministic for a given engine seed.

#include <random>
#include <string>

#include "core/date.h"
#include "rules/evaluator.h"

namespace huiqi::match {

//! A random rule over the built-in schema, nested up to `depth` levels of and/or/not.
std::string RandomRuleText(std::mt19937_64& rng, int depth);
//! A random enterprise with some values missing (about one in seven).
rules::Facts RandomFacts(std::mt19937_64& rng, core::Date today);

}  // namespace huiqi::match
