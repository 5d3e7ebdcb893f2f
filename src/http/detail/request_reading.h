#pragma once
// How the server reads a request off the wire (server.cpp): the size limits it gives Beast's
// parser in each phase and how it decodes the target. Here rather than inside server.cpp so the
// fuzz target (tests/fuzz/http_request_fuzz.cpp) parses bytes with exactly the server's limits.

#include <algorithm>
#include <boost/beast/http/parser.hpp>
#include <boost/optional.hpp>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "http/server.h"

namespace huiqi::http::detail {

//! The header phase: at most header_limit bytes of header. Beast checks a Content-Length against
//! the body limit while parsing the header, before we know whether this is an upload: let the
//! larger limit through here; BodyLimit is checked once the header is in (DeclaresTooLarge), and
//! a chunked body is checked chunk by chunk against the limit of the body phase.
template <class Body, class Allocator>
void LimitHeaderPhase(boost::beast::http::request_parser<Body, Allocator>& parser, const ServerOptions& o) {
  parser.header_limit(static_cast<std::uint32_t>(o.header_limit));
  parser.body_limit(std::max<std::uint64_t>(o.body_limit, o.upload_limit));
}

//! The body limit once the header is read: an upload's, or an ordinary request's.
inline size_t BodyLimit(const ServerOptions& o, bool uploading) {
  return uploading ? o.upload_limit : o.body_limit;
}

//! Whether the header already declares a body over `limit` (answered 413 before reading it).
inline bool DeclaresTooLarge(const boost::optional<std::uint64_t>& content_length, size_t limit) {
  return content_length && *content_length > limit;
}

//! %XX decoded (a malformed escape is kept as written); '+' is a space in a query string.
inline std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

//! "a=1&b=%E4%B8%80" into `out` (the last of a repeated name wins).
inline void ParseQuery(std::string_view q, std::map<std::string, std::string>& out) {
  size_t pos = 0;
  while (pos < q.size()) {
    size_t amp = q.find('&', pos);
    std::string_view part = q.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    size_t eq = part.find('=');
    if (!part.empty()) {
      out[PercentDecode(part.substr(0, eq), true)] =
          eq == std::string_view::npos ? "" : PercentDecode(part.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
}

}  // namespace huiqi::http::detail
