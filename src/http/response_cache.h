#pragma once
// Answers of public, published-content GET routes kept in memory (issue 11 item 7): the policy
// and item lists and pages, search, tags, departments, reference data. Published content
// changes only through the change log, so an answer stays right until someone calls
// Invalidate() — the change-log follower for changes made through any node, the router for a
// write route on this node that declares it changes published content. Routes opt in when they
// are registered (http::Caching); the router consults the cache only for anonymous callers, so
// an answer that depends on who asks (a department's drafts, anything under /me) never lands
// here.
//
// Each answer carries a strong ETag (a hash of its body: equal bodies, equal tags, on every
// node) and `Cache-Control: public, max-age=<max_age>, must-revalidate`; a request whose
// If-None-Match names the tag is answered 304 without a body.
//
// Thread-safe. Memory is bounded by max_bytes (least recently used answers go first).
// No Beast type here: router.cpp uses it, tests drive it directly.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"

namespace huiqi::http {

struct ResponseCacheOptions {
  size_t max_bytes = 64u << 20;  // bodies and keys of every answer kept
  //! An answer is made again after this long whatever the change log says: the bound on
  //! staleness from inputs the change log does not carry (the date turning over, which moves
  //! application windows from open to closed).
  std::chrono::seconds ttl{60};
  //! max-age in the Cache-Control header. 0: browsers and proxies revalidate every time (a 304
  //! costs a lookup here), so a withdrawn item disappears for everyone within the follower's
  //! second rather than lingering in caches we cannot reach.
  int max_age_seconds = 0;
};

struct ResponseCacheStats {
  uint64_t hits = 0, misses = 0, stores = 0, invalidations = 0;
  size_t entries = 0, bytes = 0;
};

class ResponseCache {
 public:
  //! One kept answer: the full response (status 200, its headers with ETag and Cache-Control).
  struct Answer {
    Response response;
    std::string etag;  // quoted, as sent
    uint64_t generation = 0;
    std::chrono::steady_clock::time_point made;
  };

  explicit ResponseCache(ResponseCacheOptions options = {});
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  //! The current generation. A caller that is about to compute an answer reads it first and
  //! passes it to Store, so an answer computed across an Invalidate() is not kept.
  uint64_t generation() const;
  //! The kept answer for `key`, or null (absent, made before the last Invalidate, or older
  //! than ttl).
  std::shared_ptr<const Answer> Find(const std::string& key);
  //! Adds the ETag and Cache-Control headers to `response` (a 200 without Set-Cookie) and keeps
  //! it under `key` unless the generation moved since `generation` was read. Returns the answer
  //! as it is sent either way.
  std::shared_ptr<const Answer> Store(const std::string& key, uint64_t generation, Response response);
  //! Drops every kept answer: published content changed. Cheap; safe from any thread.
  void Invalidate();
  ResponseCacheStats stats() const;
  const ResponseCacheOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! True for a change-log entity whose change alters published content (policy, item, tag,
//! policy_type, department): the change-log follower calls Invalidate() when it sees one.
bool ChangesPublishedContent(std::string_view entity);

//! The cache key of a request: its path and its decoded query parameters (sorted, so
//! ?a=1&b=2 and ?b=2&a=1 meet), length-prefixed so no value can imitate a separator.
std::string CacheKey(const Request& request);
//! A strong entity tag for `body`: a quoted 64-bit FNV-1a hash with the length.
std::string StrongEtag(std::string_view body);
//! True when an If-None-Match header value names `etag` (or is "*"); weak comparison, as
//! RFC 9110 §13.1.2 asks for If-None-Match.
bool EtagMatches(std::string_view if_none_match, std::string_view etag);
//! The answer to send for `answer`: a copy of it, or a 304 with its ETag and Cache-Control when
//! `if_none_match` names its tag.
Response CachedResponse(const ResponseCache::Answer& answer, std::string_view if_none_match);

}  // namespace huiqi::http
