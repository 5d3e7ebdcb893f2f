#include "auth/detail/session_cache.h"

#include "core/date.h"

namespace huiqi::auth::detail {

std::optional<Principal> SessionCache::Find(const std::string& token_hash,
                                            std::chrono::system_clock::time_point now) {
  if (ttl_.count() <= 0) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.until || core::UnixSeconds(now) >= it->second.expires_at) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

uint64_t SessionCache::generation() {
  std::lock_guard lock(mu_);
  return generation_;
}

void SessionCache::Put(const std::string& token_hash, const Principal& p, int64_t expires_at,
                       std::chrono::system_clock::time_point now, uint64_t generation) {
  if (ttl_.count() <= 0) return;
  std::lock_guard lock(mu_);
  if (generation != generation_) return;  // read before a logout or account change landed
  if (entries_.size() >= capacity_) {
    // Full: drop what has lapsed, and everything if that was not enough (a refill costs one
    // read per active session, once).
    EraseIf([&](const Entry& e) { return now >= e.until; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[token_hash] = Entry{p, expires_at, now + ttl_};
}

template <typename Pred>
void SessionCache::EraseIf(Pred pred) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = pred(it->second) ? entries_.erase(it) : std::next(it);
  }
}

void SessionCache::ForgetSession(int64_t session_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  EraseIf([&](const Entry& e) { return e.principal.session_id == session_id; });
}

void SessionCache::ForgetUser(int64_t user_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  EraseIf([&](const Entry& e) { return e.principal.user_id == user_id; });
}

size_t SessionCache::size() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace huiqi::auth::detail
