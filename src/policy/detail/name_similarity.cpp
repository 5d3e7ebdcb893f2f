#include "policy/detail/name_similarity.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace huiqi::policy::detail {

namespace {

constexpr double kEditThreshold = 0.8;
constexpr double kDiceThreshold = 0.75;
constexpr size_t kMinContained = 6;

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

void Encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsDropped(char32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  if (c >= 0x3000 && c <= 0x303F) return true;  // CJK punctuation: 、。《》「」【】 and the ideographic space
  if (c >= 0x2010 && c <= 0x206F) return true;  // general punctuation: — “ ” ‘ ’ …
  if (c == 0x00B7) return true;                 // middle dot
  if (c >= 0xFF01 && c <= 0xFF0F) return true;  // full-width ！＂＃…／
  if (c >= 0xFF1A && c <= 0xFF20) return true;  // full-width ：；＜＝＞？＠
  if (c >= 0xFF3B && c <= 0xFF40) return true;
  if (c >= 0xFF5B && c <= 0xFF65) return true;  // full-width brackets （）are 0xFF08/09, covered above
  return false;
}

std::u32string Normalized(std::string_view name) {
  std::u32string out;
  for (char32_t c : Decode(name)) {
    if (c >= 0xFF01 && c <= 0xFF5E && !IsDropped(c)) c -= 0xFEE0;  // full-width letters and digits
    if (IsDropped(c)) continue;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    out.push_back(c);
  }
  return out;
}

size_t EditDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double Dice(const std::u32string& a, const std::u32string& b) {
  if (a.size() < 2 || b.size() < 2) return 0;
  std::multiset<std::u32string> left;
  for (size_t i = 0; i + 1 < a.size(); ++i) left.insert(a.substr(i, 2));
  size_t shared = 0;
  for (size_t i = 0; i + 1 < b.size(); ++i) {
    auto it = left.find(b.substr(i, 2));
    if (it != left.end()) {
      ++shared;
      left.erase(it);
    }
  }
  return 2.0 * static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - 2);
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string out;
  for (char32_t c : Normalized(name)) Encode(c, out);
  return out;
}

double NameSimilarity(std::string_view a_text, std::string_view b_text) {
  std::u32string a = Normalized(a_text), b = Normalized(b_text);
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  const std::u32string& shorter = a.size() < b.size() ? a : b;
  const std::u32string& longer = a.size() < b.size() ? b : a;
  if (shorter.size() >= kMinContained && longer.find(shorter) != std::u32string::npos) return 1;
  double edit = 1.0 - static_cast<double>(EditDistance(a, b)) / static_cast<double>(longer.size());
  return std::max(edit, Dice(a, b));
}

bool SimilarNames(std::string_view a, std::string_view b) {
  std::u32string na = Normalized(a), nb = Normalized(b);
  if (na.empty() || nb.empty()) return false;
  if (na == nb) return true;
  if (std::min(na.size(), nb.size()) < 4) return false;  // too short to judge by similarity
  const std::u32string& longer = na.size() < nb.size() ? nb : na;
  const std::u32string& shorter = na.size() < nb.size() ? na : nb;
  if (shorter.size() >= kMinContained && longer.find(shorter) != std::u32string::npos) return true;
  double edit = 1.0 - static_cast<double>(EditDistance(na, nb)) / static_cast<double>(longer.size());
  return edit >= kEditThreshold || Dice(na, nb) >= kDiceThreshold;
}

}  // namespace huiqi::policy::detail
