#include "search/analyzer.h"

#include <opencc/opencc.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace huiqi::search {

namespace utf8 {

char32_t Next(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    auto cont = static_cast<unsigned char>(s[i + k]);
    // A lead byte followed by anything but a continuation byte is one invalid byte: it must not
    // swallow the newline or ASCII after it (found by tests/fuzz search_query).
    if ((cont & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (cont & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF would be written back as invalid
  // UTF-8 (which nlohmann refuses to dump).
  static constexpr char32_t kMinOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMinOfLength[len] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return c;
}

void Append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FA1F) || c == 0x3007;  // 〇
}

std::string Prefix(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < s.size(); ++k) Next(s, i);
  return std::string(s.substr(0, i));
}

size_t Length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) Next(s, i);
  return n;
}

}  // namespace utf8

namespace {

bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Full-width ASCII (U+FF01–FF5E) to ASCII, ideographic space to space, Latin to lower case.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  // OpenCC returns a C string: a NUL would cut the text (and its lines) short there (found by
  // tests/fuzz search_query, a query with %00).
  if (c == 0x3000 || c == 0) c = ' ';
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

std::vector<std::string> SplitFields(const std::string& line) {
  // Groups are TAB-separated; a field may list several terms with | , ， 、 or ;.
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \r"), e = cur.find_last_not_of(" \r");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (size_t i = 0; i < line.size();) {
    size_t start = i;
    char32_t c = utf8::Next(line, i);
    if (c == '\t' || c == '|' || c == ',' || c == 0xFF0C || c == 0x3001 || c == ';') {
      flush();
    } else {
      cur.append(line, start, i - start);
    }
  }
  flush();
  return out;
}

uint64_t Fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return (h ^ 0xFF) * 1099511628211ull;
}

}  // namespace

struct Analyzer::Impl {
  opencc_t opencc = reinterpret_cast<opencc_t>(-1);
  std::unordered_set<char32_t> convertible;  // characters OpenCC t2s changes on their own
  std::mutex icu_mu;
  std::unique_ptr<icu::BreakIterator> words;
  std::unordered_set<std::string> terms;
  std::unordered_set<std::string> term_prefixes;  // every prefix of ≥ 2 characters of a term
  std::vector<std::string> sorted_terms;
  std::unordered_map<std::string, std::vector<std::string>> sub_words;
  std::vector<std::vector<std::string>> synonym_groups;
  size_t max_term_chars = 0;
  uint64_t fingerprint = 14695981039346656037ull;

  ~Impl() {
    if (opencc != reinterpret_cast<opencc_t>(-1)) opencc_close(opencc);
  }

  std::string Convert(const std::string& s) const {
    char* out = opencc_convert_utf8(opencc, s.data(), s.size());
    if (out == nullptr) return s;
    std::string r(out);
    opencc_convert_utf8_free(out);
    return r;
  }

  void FindConvertible() {
    // Converting each CJK character once lets Normalize skip OpenCC for the (usual) text that
    // holds no traditional character: most documents are written in simplified Chinese.
    std::string batch;
    std::vector<char32_t> chars;
    for (char32_t c = 0x4E00; c <= 0x9FFF; ++c) {
      utf8::Append(batch, c);
      batch += '\n';
      chars.push_back(c);
    }
    std::string out = Convert(batch);
    size_t i = 0, k = 0;
    while (i < out.size() && k < chars.size()) {
      size_t start = i;
      char32_t c = utf8::Next(out, i);
      if (c == '\n') {
        ++k;
        continue;
      }
      if (c != chars[k]) convertible.insert(chars[k]);
      while (i < out.size() && out[i] != '\n') ++i;  // a character may convert to several
      (void)start;
    }
  }

  std::vector<std::string> IcuWords(std::string_view han) {
    std::vector<std::string> out;
    icu::UnicodeString us =
        icu::UnicodeString::fromUTF8(icu::StringPiece(han.data(), static_cast<int32_t>(han.size())));
    std::lock_guard lock(icu_mu);
    words->setText(us);
    int32_t start = words->first();
    for (int32_t end = words->next(); end != icu::BreakIterator::DONE; start = end, end = words->next()) {
      if (words->getRuleStatus() == UBRK_WORD_NONE) continue;
      std::string w;
      us.tempSubStringBetween(start, end).toUTF8String(w);
      out.push_back(std::move(w));
    }
    return out;
  }

  void AddTerm(std::string term) {
    if (utf8::Length(term) < 2 || terms.count(term)) return;
    size_t i = 0, n = 0;
    while (i < term.size()) {
      utf8::Next(term, i);
      if (++n >= 2) term_prefixes.insert(term.substr(0, i));
    }
    max_term_chars = std::max(max_term_chars, n);
    terms.insert(term);
  }

  // Forward maximum match over the lexicon; ICU for the stretches between lexicon terms.
  void SegmentHan(std::string_view run, std::vector<Token>& out) {
    std::vector<size_t> offs;  // byte offset of each code point, plus the end
    for (size_t i = 0; i < run.size();) {
      offs.push_back(i);
      utf8::Next(run, i);
    }
    offs.push_back(run.size());
    size_t n = offs.size() - 1, gap = 0, i = 0;
    auto flush = [&](size_t to) {
      if (to > gap) {
        for (auto& w : IcuWords(run.substr(offs[gap], offs[to] - offs[gap])))
          out.push_back({std::move(w), true, false});
      }
    };
    while (i < n) {
      size_t best = 0;
      for (size_t len = 2; len <= max_term_chars && i + len <= n; ++len) {
        std::string sub(run.substr(offs[i], offs[i + len] - offs[i]));
        if (!term_prefixes.count(sub)) break;
        if (terms.count(sub)) best = len;
      }
      if (best == 0) {
        ++i;
        continue;
      }
      flush(i);
      out.push_back({std::string(run.substr(offs[i], offs[i + best] - offs[i])), true, true});
      i += best;
      gap = i;
    }
    flush(n);
  }
};

Analyzer::Analyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Analyzer::~Analyzer() = default;

core::Result<std::unique_ptr<Analyzer>> Analyzer::Create(const AnalyzerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->opencc = opencc_open(options.opencc_config.c_str());
  if (impl->opencc == reinterpret_cast<opencc_t>(-1)) {
    return core::MakeError(core::ErrorKind::kUnavailable, "opencc",
                           "无法加载繁简转换配置 " + options.opencc_config,
                           "cannot open OpenCC config " + options.opencc_config);
  }
  UErrorCode status = U_ZERO_ERROR;
  impl->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), status));
  if (U_FAILURE(status) || !impl->words) return core::Internal("ICU word break iterator unavailable");
  impl->FindConvertible();
  std::unique_ptr<Analyzer> a(new Analyzer(std::move(impl)));
  Impl& m = *a->impl_;
  auto add = [&](const std::string& raw) {
    std::string t = a->Normalize(raw);
    m.AddTerm(t);
  };
  if (std::ifstream in(options.lexicon_path); !options.lexicon_path.empty() && in) {
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto fields = SplitFields(line.substr(0, line.find('\t')));
      for (const auto& f : fields) add(f);
    }
  }
  if (std::ifstream in(options.synonyms_path); !options.synonyms_path.empty() && in) {
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> group;
      for (const auto& f : SplitFields(line)) group.push_back(a->Normalize(f));
      if (group.size() < 2 || group[0] == "term" || group[0] == "query") continue;
      for (const auto& t : group) m.AddTerm(t);
      m.synonym_groups.push_back(std::move(group));
    }
  }
  for (const auto& t : options.extra_terms) add(t);
  m.sorted_terms.assign(m.terms.begin(), m.terms.end());
  std::sort(m.sorted_terms.begin(), m.sorted_terms.end());
  for (const auto& t : m.sorted_terms) {
    m.fingerprint = Fnv(m.fingerprint, t);
    auto parts = m.IcuWords(t);
    if (parts.size() > 1) m.sub_words[t] = std::move(parts);
  }
  for (const auto& g : m.synonym_groups) {
    for (const auto& t : g) m.fingerprint = Fnv(m.fingerprint, t);
    m.fingerprint = Fnv(m.fingerprint, "\n");
  }
  return a;
}

std::string Analyzer::Normalize(std::string_view text) const {
  std::string folded;
  folded.reserve(text.size());
  bool convert = false;
  for (size_t i = 0; i < text.size();) {
    char32_t c = Fold(utf8::Next(text, i));
    if (!convert && c >= 0x3400 && impl_->convertible.count(c)) convert = true;
    utf8::Append(folded, c);
  }
  return convert ? impl_->Convert(folded) : folded;
}

std::vector<Token> Analyzer::Words(std::string_view s) const {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t c = utf8::Next(s, i);
    if (utf8::IsHan(c)) {
      size_t end = i;
      for (size_t j = i; j < s.size();) {
        if (!utf8::IsHan(utf8::Next(s, j))) break;
        end = j;
      }
      impl_->SegmentHan(s.substr(start, end - start), out);
      i = end;
    } else if (IsAsciiAlnum(c)) {
      while (i < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[i]))) ++i;
      out.push_back({std::string(s.substr(start, i - start)), false, false});
    }
  }
  return out;
}

std::vector<std::string> Analyzer::SubWords(std::string_view term) const {
  auto it = impl_->sub_words.find(std::string(term));
  return it == impl_->sub_words.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> Analyzer::Bigrams(std::string_view s) const {
  std::vector<std::string> out;
  size_t i = 0, prev_start = 0, run = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t c = utf8::Next(s, i);
    if (!utf8::IsHan(c)) {
      if (run == 1) out.push_back(std::string(s.substr(prev_start, start - prev_start)));
      run = 0;
      continue;
    }
    if (run >= 1) out.push_back(std::string(s.substr(prev_start, i - prev_start)));
    prev_start = start;
    ++run;
  }
  if (run == 1) out.push_back(std::string(s.substr(prev_start)));
  return out;
}

std::vector<std::string> Analyzer::Expansions(std::string_view q) const {
  std::vector<std::string> out;
  // A line is "term<TAB>synonym,synonym": the term in the query brings in its synonyms.
  for (const auto& group : impl_->synonym_groups) {
    const std::string& key = group.front();
    if (utf8::Length(key) < 2 || q.find(key) == std::string_view::npos) continue;
    for (const auto& t : group) {
      if (q.find(t) == std::string_view::npos && std::find(out.begin(), out.end(), t) == out.end())
        out.push_back(t);
    }
  }
  return out;
}

std::vector<std::string> Analyzer::LexiconWithPrefix(std::string_view prefix, size_t limit) const {
  std::vector<std::string> out;
  const auto& v = impl_->sorted_terms;
  for (auto it = std::lower_bound(v.begin(), v.end(), prefix); it != v.end() && it->starts_with(prefix);
       ++it) {
    if (*it != prefix) out.push_back(*it);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string Analyzer::Fingerprint() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(impl_->fingerprint));
  return buf;
}

size_t Analyzer::lexicon_size() const { return impl_->terms.size(); }

}  // namespace huiqi::search
