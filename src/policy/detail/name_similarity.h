#pragma once
// Near-duplicate item names (常州办法 第十三条: "避免同一事项出现不同名称"). Names are compared
// after normalisation (spaces and punctuation dropped, full-width letters and digits folded);
// two names are similar when they are equal, when one contains the other (the shorter at least
// 6 characters), when at most one character in five differs (edit distance), or when their
// character bigrams mostly coincide (Dice ≥ 0.75). Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace huiqi::policy::detail {

//! The normalised form, UTF-8.
std::string NormalizeName(std::string_view name);
//! 0..1: the larger of the edit-distance similarity and the bigram Dice coefficient, or 1 for
//! equal or contained names (see above).
double NameSimilarity(std::string_view a, std::string_view b);
//! Whether NameSimilarity reaches the thresholds above.
bool SimilarNames(std::string_view a, std::string_view b);

}  // namespace huiqi::policy::detail
