#include "http/response_cache.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <list>
#include <mutex>
#include <unordered_map>

namespace huiqi::http {

namespace {

// Answers are spread over shards by key so concurrent hits on different pages do not queue
// on one lock; each shard keeps its own least-recently-used order and a share of max_bytes.
constexpr size_t kShards = 16;

size_t SizeOf(const std::string& key, const Response& r) {
  size_t n = key.size() + r.body.size() + 128;  // 128: the answer's bookkeeping
  for (const auto& [k, v] : r.headers) n += k.size() + v.size();
  return n;
}

bool SetsCookie(const Response& r) {
  for (const auto& h : r.headers) {
    if (h.first.size() == 10 && (h.first == "Set-Cookie" || h.first == "set-cookie")) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

struct ResponseCache::Impl {
  struct Slot {
    std::string key;
    std::shared_ptr<const Answer> answer;
    size_t bytes = 0;
  };
  struct Shard {
    std::mutex mu;
    std::list<Slot> lru;  // most recently used first
    std::unordered_map<std::string, std::list<Slot>::iterator> index;
    size_t bytes = 0;

    void Erase(std::list<Slot>::iterator it) {
      bytes -= it->bytes;
      index.erase(it->key);
      lru.erase(it);
    }
  };

  ResponseCacheOptions options;
  std::array<Shard, kShards> shards;
  std::atomic<uint64_t> generation{1};
  std::atomic<uint64_t> hits{0}, misses{0}, stores{0}, invalidations{0};

  Shard& ShardOf(const std::string& key) { return shards[std::hash<std::string>{}(key) % kShards]; }
  size_t ShardBudget() const { return options.max_bytes / kShards; }
};

ResponseCache::ResponseCache(ResponseCacheOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
ResponseCache::~ResponseCache() = default;

uint64_t ResponseCache::generation() const { return impl_->generation.load(std::memory_order_acquire); }

const ResponseCacheOptions& ResponseCache::options() const { return impl_->options; }

std::shared_ptr<const ResponseCache::Answer> ResponseCache::Find(const std::string& key) {
  Impl::Shard& shard = impl_->ShardOf(key);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(shard.mu);
  auto at = shard.index.find(key);
  if (at == shard.index.end()) {
    ++impl_->misses;
    return nullptr;
  }
  auto slot = at->second;
  if (slot->answer->generation != generation() || now - slot->answer->made > impl_->options.ttl) {
    shard.Erase(slot);
    ++impl_->misses;
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, slot);
  ++impl_->hits;
  return slot->answer;
}

std::shared_ptr<const ResponseCache::Answer> ResponseCache::Store(const std::string& key, uint64_t generation,
                                                                  Response response) {
  auto answer = std::make_shared<Answer>();
  answer->generation = generation;
  answer->made = std::chrono::steady_clock::now();
  if (response.status != 200 || SetsCookie(response)) {  // errors and sessions are nobody's to share
    answer->response = std::move(response);
    return answer;
  }
  answer->etag = StrongEtag(response.body);
  response.SetHeader("ETag", answer->etag);
  response.SetHeader("Cache-Control", "public, max-age=" + std::to_string(impl_->options.max_age_seconds) +
                                          ", must-revalidate");
  size_t bytes = SizeOf(key, response);
  answer->response = std::move(response);
  if (bytes > impl_->ShardBudget()) return answer;
  Impl::Shard& shard = impl_->ShardOf(key);
  std::lock_guard lock(shard.mu);
  // Checked under the shard's lock: Invalidate() bumps the generation before it clears the
  // shards, so an answer computed across it is either refused here or cleared there.
  if (generation != this->generation()) return answer;
  if (auto at = shard.index.find(key); at != shard.index.end()) shard.Erase(at->second);
  shard.lru.push_front(Impl::Slot{key, answer, bytes});
  shard.index.emplace(key, shard.lru.begin());
  shard.bytes += bytes;
  while (shard.bytes > impl_->ShardBudget()) shard.Erase(std::prev(shard.lru.end()));
  ++impl_->stores;
  return answer;
}

void ResponseCache::Invalidate() {
  impl_->generation.fetch_add(1, std::memory_order_acq_rel);
  ++impl_->invalidations;
  for (auto& shard : impl_->shards) {
    std::list<Impl::Slot> dropped;  // freed outside the lock
    {
      std::lock_guard lock(shard.mu);
      dropped.swap(shard.lru);
      shard.index.clear();
      shard.bytes = 0;
    }
  }
}

ResponseCacheStats ResponseCache::stats() const {
  ResponseCacheStats s;
  s.hits = impl_->hits;
  s.misses = impl_->misses;
  s.stores = impl_->stores;
  s.invalidations = impl_->invalidations;
  for (auto& shard : impl_->shards) {
    std::lock_guard lock(shard.mu);
    s.entries += shard.index.size();
    s.bytes += shard.bytes;
  }
  return s;
}

bool ChangesPublishedContent(std::string_view entity) {
  return entity == "policy" || entity == "item" || entity == "tag" || entity == "policy_type" ||
         entity == "department";
}

std::string CacheKey(const Request& request) {
  std::string key = request.path;
  key += '?';
  for (const auto& [name, value] : request.query) {
    key += std::to_string(name.size()) + ':' + name + std::to_string(value.size()) + ':' + value;
  }
  return key;
}

std::string StrongEtag(std::string_view body) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64: defined everywhere, so every node agrees
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[48];
  std::snprintf(out, sizeof out, "\"%016llx-%zx\"", static_cast<unsigned long long>(h), body.size());
  return out;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = Trim(if_none_match);
  if (rest == "*") return true;
  auto bare = [](std::string_view tag) {
    tag = Trim(tag);
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    return tag;
  };
  std::string_view want = bare(etag);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    if (bare(rest.substr(0, comma)) == want) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

Response CachedResponse(const ResponseCache::Answer& answer, std::string_view if_none_match) {
  if (answer.etag.empty() || if_none_match.empty() || !EtagMatches(if_none_match, answer.etag)) {
    return answer.response;
  }
  Response r;
  r.status = 304;
  for (const auto& h : answer.response.headers) {
    if (h.first == "ETag" || h.first == "Cache-Control" || h.first == "Vary") r.headers.push_back(h);
  }
  return r;
}

}  // namespace huiqi::http
