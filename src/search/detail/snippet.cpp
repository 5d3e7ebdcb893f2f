#include "search/detail/snippet.h"

#include <algorithm>
#include <set>

#include "search/analyzer.h"

namespace huiqi::search::detail {

namespace {

using U32 = std::u32string;

struct Text {
  std::vector<std::string> chars;  // the original code points, as UTF-8
  U32 folded;                      // the same code points folded for matching
};

char32_t FoldForMatch(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c == '\n' || c == '\r' || c == '\t' || c == 0x3000) c = ' ';
  return c;
}

Text Decode(const std::string& s) {
  Text t;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = utf8::Next(s, i);
    t.chars.push_back(c == '\n' || c == '\r' || c == '\t' ? std::string(" ") : s.substr(start, i - start));
    t.folded.push_back(FoldForMatch(c));
  }
  return t;
}

U32 ToU32(const std::string& s) {
  U32 out;
  for (size_t i = 0; i < s.size();) out.push_back(utf8::Next(s, i));
  return out;
}

struct Match {
  size_t pos, len, term;
};

// Longest term at each position, left to right, non-overlapping.
std::vector<Match> FindMatches(const U32& text, const std::vector<U32>& terms) {
  std::vector<Match> out;
  for (size_t p = 0; p < text.size();) {
    size_t best = 0, which = 0;
    for (size_t k = 0; k < terms.size(); ++k) {
      const U32& t = terms[k];
      if (t.size() > best && text.compare(p, t.size(), t) == 0) best = t.size(), which = k;
    }
    if (best == 0) {
      ++p;
      continue;
    }
    out.push_back({p, best, which});
    p += best;
  }
  return out;
}

void Escape(std::string& out, const std::string& ch) {
  if (ch == "<")
    out += "&lt;";
  else if (ch == ">")
    out += "&gt;";
  else if (ch == "&")
    out += "&amp;";
  else if (ch == "\"")
    out += "&quot;";
  else
    out += ch;
}

// Renders [from, to) with the matches inside it marked; adjacent marks merge.
std::string Render(const Text& t, const std::vector<Match>& matches, size_t from, size_t to) {
  std::vector<bool> marked(to - from, false);
  for (const auto& m : matches) {
    for (size_t i = m.pos; i < m.pos + m.len; ++i) {
      if (i >= from && i < to) marked[i - from] = true;
    }
  }
  std::string out;
  if (from > 0) out += "…";
  for (size_t i = from; i < to; ++i) {
    bool on = marked[i - from];
    if (on && (i == from || !marked[i - from - 1])) out += "<mark>";
    Escape(out, t.chars[i]);
    if (on && (i + 1 == to || !marked[i + 1 - from])) out += "</mark>";
  }
  if (to < t.chars.size()) out += "…";
  return out;
}

std::vector<U32> Terms(const std::vector<std::string>& terms) {
  std::vector<U32> out;
  for (const auto& s : terms) {
    if (!s.empty()) out.push_back(ToU32(s));
  }
  return out;
}

}  // namespace

std::string Snippet(const std::vector<std::string>& texts, const std::vector<std::string>& terms,
                    size_t width) {
  std::vector<U32> u = Terms(terms);
  struct Best {
    size_t text = 0, from = 0, score = 0;
  } best;
  std::vector<Text> decoded;
  std::vector<std::vector<Match>> all;
  for (size_t k = 0; k < texts.size(); ++k) {
    decoded.push_back(Decode(texts[k]));
    all.push_back(FindMatches(decoded.back().folded, u));
    const auto& ms = all.back();
    for (size_t i = 0; i < ms.size(); ++i) {
      size_t from = ms[i].pos > 15 ? ms[i].pos - 15 : 0;
      std::set<size_t> distinct;
      for (size_t j = i; j < ms.size() && ms[j].pos + ms[j].len <= from + width; ++j)
        distinct.insert(ms[j].term);
      // Distinct terms first, then the number of characters they cover.
      size_t score = distinct.size() * 100;
      for (size_t d : distinct) score += u[d].size();
      if (score > best.score) best = {k, from, score};
    }
  }
  if (best.score == 0) {
    for (size_t k = 0; k < decoded.size(); ++k) {
      if (!decoded[k].chars.empty())
        return Render(decoded[k], {}, 0, std::min(width, decoded[k].chars.size()));
    }
    return "";
  }
  const Text& t = decoded[best.text];
  size_t to = std::min(t.chars.size(), best.from + width);
  size_t from = to - best.from < width && to >= width ? to - width : best.from;
  return Render(t, all[best.text], from, to);
}

std::string Highlight(const std::string& text, const std::vector<std::string>& terms) {
  Text t = Decode(text);
  return Render(t, FindMatches(t.folded, Terms(terms)), 0, t.chars.size());
}

}  // namespace huiqi::search::detail
