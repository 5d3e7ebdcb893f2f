#pragma once
// Transport-neutral request and response. No Beast type appears here: handlers and tests use
// these structs, and only server.cpp translates to and from Beast.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/principal.h"
#include "core/error.h"

namespace huiqi::http {

//! The deepest nesting of arrays and objects a JSON body may have (REST bodies need a handful).
inline constexpr size_t kMaxJsonDepth = 64;
//! The deepest nesting of `[`/`{` in `text` outside string literals (a scan, no parsing).
size_t JsonNestingDepth(std::string_view text);

struct Request {
  std::string method;                          // upper case: "GET", "POST", …
  std::string path;                            // percent-decoded, without the query string
  std::map<std::string, std::string> query;    // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  //! An upload's body, streamed to this temporary file (ServerOptions::upload_prefix); a handler
  //! that keeps it moves it away (files::FileStore::Accept), otherwise the server removes it.
  std::string body_file;
  std::string remote_addr;                         // client IP (X-Forwarded-For only from trusted proxies)
  std::string request_id;                          // set by the server; in the access log and in 5xx bodies
  std::map<std::string, std::string> path_params;  // filled by the router: {id} → value
  const auth::Principal* principal = nullptr;      // set by the auth middleware; null = anonymous

  std::string Header(std::string_view lower_name) const;  // "" when absent
  std::string Cookie(std::string_view name) const;        // "" when absent
  std::string Query(std::string_view name, std::string_view fallback = "") const;
  //! Parses the body as a JSON object. Errors: 415 "unsupported_media_type" unless the
  //! Content-Type is application/json; "json_too_deep" beyond kMaxJsonDepth levels;
  //! "invalid_json" (field "body") otherwise.
  core::Result<nlohmann::json> JsonBody() const;
  //! A path parameter that must be a positive integer id; error names the parameter.
  core::Result<int64_t> PathId(std::string_view name) const;
  //! The logged-in principal; precondition: the route's Access requires login.
  const auth::Principal& User() const { return *principal; }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response Json(int status, const nlohmann::json& body);
  static Response Ok(const nlohmann::json& body) { return Json(200, body); }
  static Response Created(const nlohmann::json& body) { return Json(201, body); }
  static Response NoContent();
  //! {"error":{"code","message","message_en","field"}} with the status for its kind.
  static Response FromError(const core::Error& error);
  void SetHeader(std::string name, std::string value);
};

//! HTTP status for an error kind (the one table: 400/401/403/404/409/413/429/503/500).
int StatusFor(core::ErrorKind kind);

using Handler = std::function<Response(Request&)>;

//! The client's address: `peer` itself, unless `peer` is one of `trusted_proxies` (IPs or CIDR
//! blocks); then the right-most address in `forwarded_for` (X-Forwarded-For) that is not a
//! trusted proxy — the left part of the header is whatever the client chose to send.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace huiqi::http
