// The search query analyser (src/search): normalisation, segmentation, bigrams, synonym expansion
// and the Xapian query built from them, with the real lexicon and synonyms (data/search).
// Invariants: no exception escapes (ICU, OpenCC and Xapian errors included); Normalize keeps the
// number of lines and is idempotent; every word and bigram is non-empty, valid UTF-8 and occurs in
// the normalised text; a bigram is one or two Han characters; the query serialises.
#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.h"
#include "search/analyzer.h"
#include "search/detail/query.h"

using namespace huiqi;

namespace {

const search::Analyzer& TheAnalyzer() {
  static const std::unique_ptr<search::Analyzer> analyzer = [] {
    search::AnalyzerOptions o;
    o.lexicon_path = HUIQI_FUZZ_DATA_DIR "/search/lexicon.txt";
    o.synonyms_path = HUIQI_FUZZ_DATA_DIR "/search/synonyms.tsv";
    o.extra_terms = {"高新技术企业", "专精特新中小企业"};
    auto a = search::Analyzer::Create(o);
    FUZZ_CHECK(a.ok(), a.ok() ? "" : a.error().message_en);
    return std::move(a).value();
  }();
  return *analyzer;
}

bool ValidUtf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

size_t Lines(std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const search::Analyzer& a = TheAnalyzer();
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string norm = a.Normalize(text);
  FUZZ_CHECK(Lines(norm) == Lines(text), text);
  FUZZ_CHECK(a.Normalize(norm) == norm, text + " → " + norm);
  for (const search::Token& w : a.Words(norm)) {
    FUZZ_CHECK(!w.text.empty() && ValidUtf8(w.text), norm);
    FUZZ_CHECK(norm.find(w.text) != std::string::npos, norm + " / " + w.text);
    if (w.lexicon) (void)a.SubWords(w.text);
  }
  for (const std::string& b : a.Bigrams(norm)) {
    size_t n = search::utf8::Length(b);
    FUZZ_CHECK((n == 1 || n == 2) && norm.find(b) != std::string::npos, norm + " / " + b);
  }
  (void)a.Expansions(norm);
  (void)a.LexiconWithPrefix(norm, 10);
  for (auto mode :
       {search::QueryMode::kWords, search::QueryMode::kBigrams, search::QueryMode::kWordsAndBigrams}) {
    search::detail::TextQuery q = search::detail::BuildTextQuery(a, text, mode);
    (void)q.query.serialise();
    (void)q.query.get_description();
  }
  return 0;
}
