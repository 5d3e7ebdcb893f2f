#pragma once
// Factories of the two backends, and the pieces they share. Internal to store/.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.h"

namespace huiqi::store::detail {

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, const Options& options);
Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const Options& options);

//! A bounded pool of connections of type C. Acquire blocks while `max` are in use.
template <typename C>
class Pool {
 public:
  using Factory = std::function<Result<std::unique_ptr<C>>()>;
  Pool(int max, Factory factory) : max_(max), factory_(std::move(factory)) {}

  Result<std::unique_ptr<C>> Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    auto c = factory_();
    if (!c.ok()) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
    }
    return c;
  }
  //! Returns a healthy connection to the pool, or drops a broken one.
  void Release(std::unique_ptr<C> c, bool healthy) {
    std::lock_guard lock(mu_);
    if (healthy) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<C>> idle_;
  int open_ = 0;
  int max_;
  Factory factory_;
};

//! Runs fn between begin and commit/rollback statements on a session, with the rules shared
//! by both backends: commit on ok, rollback on error or exception.
Status RunInTransaction(Session& s, std::string_view begin, const std::function<Status(Session&)>& fn,
                        bool& healthy);

}  // namespace huiqi::store::detail
