#pragma once
//! Chinese text analysis for search: normalisation and segmentation, the same for documents
//! and queries so that their terms meet.
//!
//!  - Normalize: traditional → simplified (OpenCC t2s), full-width ASCII → half-width, ideographic
//!    space → space, Latin lower-cased; so "高新技術企業" and "ＡＢＣ" meet "高新技术企业" and "abc".
//!  - Words: runs of Han characters are cut by forward maximum match over the domain lexicon
//!    (data/search/lexicon.txt, the synonym terms and any extra terms such as tag names), and ICU's
//!    dictionary word break for what the lexicon does not cover; ICU alone splits domain words
//!    (高新技术企业 → 高/新/技术/企业). Latin words and numbers are kept whole.
//!  - Bigrams: every pair of adjacent Han characters, robust to one-character typos and to
//!    segmentation differences between a query and a document.
//!
//! No ICU or OpenCC type appears here. Thread-safe: the ICU break iterator is used under a mutex.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::search {

struct AnalyzerOptions {
  std::string lexicon_path;                // one term per line, '#' comments; missing file = none
  std::string synonyms_path;               // "term<TAB>synonym,synonym…" per line; missing = none
  std::string opencc_config = "t2s.json";  // an OpenCC config name or path
  std::vector<std::string> extra_terms;    // more lexicon terms (tag names, item names)
};

struct Token {
  std::string text;      // normalised
  bool han = false;      // Han characters (else Latin letters or digits)
  bool lexicon = false;  // a lexicon term
};

class Analyzer {
 public:
  //! Fails (kUnavailable, code "opencc") when the OpenCC config cannot be opened, (kInternal)
  //! when ICU cannot make a word break iterator. Missing lexicon / synonym files are not errors.
  static core::Result<std::unique_ptr<Analyzer>> Create(const AnalyzerOptions& options);
  ~Analyzer();

  //! Simplified, half-width, lower-case text; same number of lines.
  std::string Normalize(std::string_view text) const;
  //! Words of normalised text in order (no punctuation or spaces).
  std::vector<Token> Words(std::string_view normalized) const;
  //! ICU's words inside one lexicon term (高新技术企业 → 高新, 技术, 企业), for documents, so a
  //! query for a part of a domain term still finds it. Empty when ICU keeps it whole.
  std::vector<std::string> SubWords(std::string_view term) const;
  //! Adjacent Han character pairs of normalised text; a lone Han character yields itself.
  std::vector<std::string> Bigrams(std::string_view normalized) const;
  //! The synonyms of every synonym-file term that occurs in the normalised query.
  std::vector<std::string> Expansions(std::string_view normalized_query) const;
  //! Lexicon terms that start with `prefix` (normalised), shortest first, at most `limit`.
  std::vector<std::string> LexiconWithPrefix(std::string_view prefix, size_t limit) const;
  //! Changes when the lexicon or synonyms change (an index built with another must be rebuilt).
  std::string Fingerprint() const;
  size_t lexicon_size() const;

 private:
  struct Impl;
  explicit Analyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

//! UTF-8 helpers shared by the search module.
namespace utf8 {
//! Decodes one code point at `i` and advances `i`; invalid bytes decode as U+FFFD.
char32_t Next(std::string_view s, size_t& i);
void Append(std::string& out, char32_t c);
bool IsHan(char32_t c);
//! The first `n` code points of `s`.
std::string Prefix(std::string_view s, size_t n);
size_t Length(std::string_view s);
}  // namespace utf8

}  // namespace huiqi::search
