#pragma once
// The one background loop of `huiqi serve` for due work. Two kinds of work:
//  - jobs: rows with a due time (a stage's deadline, a reminder, an offer's expiry), scheduled in
//    the transaction that makes them necessary. A job is claimed (PostgreSQL: FOR UPDATE SKIP
//    LOCKED; SQLite has one writer) with a lease, then its handler runs in one transaction with
//    the "done" mark, which is guarded by the claim — so across any number of server processes
//    sharing one PostgreSQL, a job's database effects happen exactly once, and a crash before
//    commit leaves it to be claimed again when the lease ends. Jobs survive restarts.
//  - ticks: a function run every interval on each node (outbox delivery, which claims its own
//    rows the same way).
//
// Thread-safe: Register/AddTick before Start; Schedule and RunDue from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace huiqi::schedule {

struct Job {
  int64_t id = 0;
  std::string kind, key, payload;  // payload: JSON text
  int64_t due_at = 0;              // unix seconds
  int64_t attempt = 1;
};

struct SchedulerOptions {
  std::chrono::milliseconds tick{1000};  // how often the loop looks for due jobs
  std::chrono::seconds lease{300};       // a claim ends after this (a crashed node)
  int batch = 50;                        // jobs claimed at once
  int max_attempts = 5;                  // then the job is failed (listed for the admin)
  std::chrono::seconds retry_after{60};  // a failed attempt is tried again this much later
};

class Scheduler {
 public:
  //! Runs inside the transaction that marks the job done; an error rolls both back and the job
  //! is retried later. Returns a new due time to run again (a recurring job), or nullopt.
  using Handler = std::function<core::Result<std::optional<int64_t>>(store::Session& tx, const Job& job)>;

  Scheduler(store::Database& db, const core::Clock& clock, SchedulerOptions options = {});
  ~Scheduler();

  void Register(std::string kind, Handler handler);
  //! Runs `fn` every `interval` on the loop (each node runs its own ticks).
  void AddTick(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);

  //! In the caller's transaction: a job of `kind` due at `due_at` (unix seconds). `key` makes it
  //! idempotent — scheduling the same key again changes nothing and returns false.
  static core::Result<bool> Schedule(store::Session& tx, const core::Clock& clock, std::string_view kind,
                                     std::string_view key, int64_t due_at, std::string_view payload = "{}");
  //! Cancels a pending job (a stage finished before its deadline). False when none is pending.
  static core::Result<bool> Cancel(store::Session& tx, std::string_view key);

  struct RunReport {
    int claimed = 0, done = 0, rescheduled = 0, failed = 0, retried = 0, lost = 0;
  };
  //! Claims and runs up to `batch` due jobs now.
  core::Result<RunReport> RunDue();

  void Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::schedule
