// The HTTP request boundary: bytes from a socket through Beast's request parser in the server's two
// phases (header with an empty body, then the body as a string) with the server's limits
// (http/detail/request_reading.h), then the server's translation into http::Request (lower-case
// header names, percent-decoded path, query parameters, client address). Pipelined requests in
// one input are read one after another, as on a keep-alive connection. Run with the default
// ServerOptions and with small limits, so the 413 and header-limit paths are reached by short
// inputs too. Invariants: no exception escapes; a body read is within its limit and matches a
// declared Content-Length; decoding never lengthens a path; the client address is the peer or a
// part of X-Forwarded-For.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/detail/request_reading.h"
#include "http/message.h"
#include "http/server.h"

using namespace huiqi;
namespace bhttp = boost::beast::http;

namespace {

// Feeds `in` to `parser` until it reaches `done` (the header, or the whole message); false on a
// parse error or when the bytes run out first (the server then waits for more, or closes).
template <class Parser, class Done>
bool Feed(Parser& parser, std::string_view& in, Done done) {
  boost::beast::error_code ec;
  while (!done()) {
    if (in.empty()) {
      parser.put_eof(ec);  // the peer closed: a body delimited by the end of the stream ends here
      return !ec && done();
    }
    size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      if (used == 0) return false;  // a header cut short: nothing more will come
      continue;
    }
    if (ec) return false;
  }
  return true;
}

void Translate(const bhttp::request<bhttp::string_body>& msg) {
  http::Request req;
  req.method = std::string(msg.method_string());
  std::string target(msg.target());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(f.value());
  }
  size_t q = target.find('?');
  req.path = http::detail::PercentDecode(std::string_view(target).substr(0, q), false);
  FUZZ_CHECK(req.path.size() <= target.size(), target);
  if (q != std::string::npos) http::detail::ParseQuery(std::string_view(target).substr(q + 1), req.query);
  std::string xff = req.Header("x-forwarded-for");
  std::string client = http::ClientAddress("127.0.0.1", xff, {"127.0.0.1", "10.0.0.0/8", "::1"});
  FUZZ_CHECK(client == "127.0.0.1" || xff.find(client) != std::string::npos, xff + " → " + client);
  (void)req.Cookie("huiqi_session");
  (void)req.Query("page", "1");
}

// One request from the front of `in`; false when the connection would be closed or answered 4xx.
bool ReadOne(std::string_view& in, const http::ServerOptions& o) {
  bhttp::request_parser<bhttp::empty_body> header;
  http::detail::LimitHeaderPhase(header, o);
  if (!Feed(header, in, [&] { return header.is_header_done(); })) return false;
  size_t limit = http::detail::BodyLimit(o, /*uploading=*/false);
  boost::optional<std::uint64_t> declared = header.content_length();
  if (http::detail::DeclaresTooLarge(declared, limit)) return false;  // 413
  bhttp::request_parser<bhttp::string_body> parser(std::move(header));
  parser.body_limit(limit);
  if (!Feed(parser, in, [&] { return parser.is_done(); })) return false;
  auto msg = parser.release();
  FUZZ_CHECK(msg.body().size() <= limit, std::to_string(msg.body().size()));
  if (declared) FUZZ_CHECK(msg.body().size() == *declared, std::to_string(*declared));
  Translate(msg);
  return msg.keep_alive();
}

void ReadConnection(std::string_view in, const http::ServerOptions& o) {
  for (int i = 0; i < 8 && !in.empty(); ++i) {
    if (!ReadOne(in, o)) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const http::ServerOptions defaults;
  static const http::ServerOptions small = [] {
    http::ServerOptions o;
    o.header_limit = 256;
    o.body_limit = 64;
    o.upload_limit = 128;
    return o;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ReadConnection(in, defaults);
  ReadConnection(in, small);
  return 0;
}
