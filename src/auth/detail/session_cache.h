#pragma once
// Resolved sessions kept for a moment (issue 11 item 7), so the requests a page makes on one
// session read the sessions table once, not once each. Keyed by the token's SHA-256 (the token
// itself is never kept). An entry lives `ttl` (by the service's clock), never past the
// session's own expiry, and is dropped at once when this node ends the session or changes the
// account (logout, password change or reset, disable, member removal, new name). A change made
// through another node — or the command line — reaches this node within `ttl`: that is the
// cross-node staleness bound (AuthOptions::session_cache_ms, docs/security.md).
// Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/principal.h"

namespace huiqi::auth::detail {

class SessionCache {
 public:
  //! `ttl` zero or less: nothing is kept. At most `capacity` sessions.
  explicit SessionCache(std::chrono::milliseconds ttl, size_t capacity = 100000)
      : ttl_(ttl), capacity_(capacity) {}

  //! The principal kept for `token_hash`, nullopt when absent, older than ttl or past
  //! `expires_at` (unix seconds) at `now`.
  std::optional<Principal> Find(const std::string& token_hash, std::chrono::system_clock::time_point now);
  //! Read before the database: a Put of what was read before a Forget* is not kept.
  uint64_t generation();
  //! Keeps `p` as resolved at `now` unless something was forgotten since `generation` was read;
  //! the session itself ends at `expires_at` (unix seconds).
  void Put(const std::string& token_hash, const Principal& p, int64_t expires_at,
           std::chrono::system_clock::time_point now, uint64_t generation);
  void ForgetSession(int64_t session_id);
  void ForgetUser(int64_t user_id);
  size_t size();

 private:
  struct Entry {
    Principal principal;
    int64_t expires_at = 0;                       // the session's end, unix seconds
    std::chrono::system_clock::time_point until;  // the entry's end
  };
  template <typename Pred>
  void EraseIf(Pred pred);

  std::chrono::milliseconds ttl_;
  size_t capacity_;
  std::mutex mu_;  // guards the members below
  std::unordered_map<std::string, Entry> entries_;
  uint64_t generation_ = 0;  // bumped by every Forget*
};

//! Forgets a user's sessions when it goes out of scope. Declared before a write, it runs after
//! the commit (or the rollback), whichever way the function returns.
class ForgetUserAfter {
 public:
  ForgetUserAfter(SessionCache& cache, int64_t user_id) : cache_(cache), user_id_(user_id) {}
  ~ForgetUserAfter() { cache_.ForgetUser(user_id_); }
  ForgetUserAfter(const ForgetUserAfter&) = delete;
  ForgetUserAfter& operator=(const ForgetUserAfter&) = delete;

 private:
  SessionCache& cache_;
  int64_t user_id_;
};

//! The same for one session (a logout).
class ForgetSessionAfter {
 public:
  ForgetSessionAfter(SessionCache& cache, int64_t session_id) : cache_(cache), session_id_(session_id) {}
  ~ForgetSessionAfter() { cache_.ForgetSession(session_id_); }
  ForgetSessionAfter(const ForgetSessionAfter&) = delete;
  ForgetSessionAfter& operator=(const ForgetSessionAfter&) = delete;

 private:
  SessionCache& cache_;
  int64_t session_id_;
};

}  // namespace huiqi::auth::detail
