#include "seal/opinion.h"

#include <algorithm>

namespace huiqi::seal {

namespace {

void Field(std::string& s, std::string_view v) {
  s += std::to_string(v.size());
  s += ':';
  s += v;
  s += ';';
}

// RFC 3986 unreserved characters stay; every other octet becomes %XX.
std::string PercentEncode(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string CanonicalOpinion(const ReviewOpinion& o) {
  std::vector<std::string> hashes = o.material_hashes;
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::string s;
  Field(s, "huiqi-opinion-v1");
  Field(s, std::to_string(o.application_id));
  Field(s, o.stage);
  Field(s, o.decision);
  Field(s, o.text);
  Field(s, o.reviewer);
  Field(s, core::FormatTimestamp(o.reviewed_at));
  Field(s, std::to_string(hashes.size()));  // the count, so the list cannot run into a later field
  for (const auto& h : hashes) Field(s, h);
  return s;
}

std::string OpinionPropertyInfo(const ReviewOpinion& o) {
  return "huiqi-opinion-v1;application=" + std::to_string(o.application_id) +
         ";stage=" + PercentEncode(o.stage);
}

}  // namespace huiqi::seal
