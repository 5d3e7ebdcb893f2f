#include "schedule/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "secrets/keys.h"

namespace huiqi::schedule {

namespace {

using store::Statement;

constexpr Statement kInsert{
    "jobs.insert",
    "INSERT INTO jobs (kind, job_key, due_at, payload, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?) "
    "ON CONFLICT (job_key) DO NOTHING"};
constexpr Statement kCancel{"jobs.cancel", "DELETE FROM jobs WHERE job_key = ? AND status = 'pending'"};
// Due pending jobs, and running ones whose lease ended (their node crashed).
constexpr Statement kClaimPg{
    "jobs.claim_pg",
    "UPDATE jobs SET status = 'running', claim_token = ?, claimed_until = ?, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM jobs WHERE (status = 'pending' AND due_at <= ?) OR "
    "(status = 'running' AND claimed_until < ?) ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED)"};
constexpr Statement kClaimSqlite{
    "jobs.claim_sqlite",
    "UPDATE jobs SET status = 'running', claim_token = ?, claimed_until = ?, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM jobs WHERE (status = 'pending' AND due_at <= ?) OR "
    "(status = 'running' AND claimed_until < ?) ORDER BY due_at, id LIMIT ?)"};
constexpr Statement kClaimed{
    "jobs.claimed",
    "SELECT id, kind, job_key, due_at, payload, attempts FROM jobs WHERE claim_token = ? "
    "AND status = 'running' ORDER BY due_at, id"};
// Every settling statement is guarded by the claim: a node whose lease ended changes nothing.
constexpr Statement kDone{"jobs.done",
                          "UPDATE jobs SET status = 'done', done_at = ?, last_error = '' WHERE id = ? "
                          "AND status = 'running' AND claim_token = ?"};
constexpr Statement kAgain{"jobs.again",
                           "UPDATE jobs SET status = 'pending', due_at = ?, attempts = 0, last_error = '' "
                           "WHERE id = ? AND status = 'running' AND claim_token = ?"};
constexpr Statement kRetry{"jobs.retry",
                           "UPDATE jobs SET status = 'pending', due_at = ?, last_error = ? WHERE id = ? "
                           "AND status = 'running' AND claim_token = ?"};
constexpr Statement kFail{
    "jobs.fail",
    "UPDATE jobs SET status = 'failed', last_error = ? WHERE id = ? AND status = 'running' "
    "AND claim_token = ?"};

}  // namespace

struct Scheduler::Impl {
  struct Tick {
    std::string name;
    std::chrono::milliseconds interval;
    std::function<void()> fn;
    std::chrono::steady_clock::time_point next;
  };
  store::Database& db;
  const core::Clock& clock;
  SchedulerOptions options;
  std::map<std::string, Handler> handlers;
  std::vector<Tick> ticks;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;

  Impl(store::Database& d, const core::Clock& c, SchedulerOptions o) : db(d), clock(c), options(o) {}

  void Loop(Scheduler& self) {
    auto next_jobs = std::chrono::steady_clock::now();
    while (true) {
      auto now = std::chrono::steady_clock::now();
      for (auto& t : ticks) {
        if (now < t.next) continue;
        t.next = now + t.interval;
        try {
          t.fn();
        } catch (const std::exception& e) {
          spdlog::error("tick {} threw: {}", t.name, e.what());
        }
      }
      if (now >= next_jobs) {
        next_jobs = now + options.tick;
        auto r = self.RunDue();
        if (!r.ok()) spdlog::warn("scheduler: {}", r.error().message_en);
      }
      auto wake = next_jobs;
      for (const auto& t : ticks) wake = std::min(wake, t.next);
      std::unique_lock lock(mu);
      if (cv.wait_until(lock, wake, [&] { return stopping; })) return;
    }
  }
};

Scheduler::Scheduler(store::Database& db, const core::Clock& clock, SchedulerOptions options)
    : impl_(std::make_unique<Impl>(db, clock, options)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Register(std::string kind, Handler handler) {
  impl_->handlers[std::move(kind)] = std::move(handler);
}

void Scheduler::AddTick(std::string name, std::chrono::milliseconds interval, std::function<void()> fn) {
  impl_->ticks.push_back({std::move(name), interval, std::move(fn), std::chrono::steady_clock::now()});
}

core::Result<bool> Scheduler::Schedule(store::Session& tx, const core::Clock& clock, std::string_view kind,
                                       std::string_view key, int64_t due_at, std::string_view payload) {
  HQ_ASSIGN_OR_RETURN(int64_t n,
                      tx.Exec(kInsert, {std::string(kind), std::string(key), due_at, std::string(payload),
                                        core::FormatTimestamp(clock.Now())}));
  return n == 1;
}

core::Result<bool> Scheduler::Cancel(store::Session& tx, std::string_view key) {
  HQ_ASSIGN_OR_RETURN(int64_t n, tx.Exec(kCancel, {std::string(key)}));
  return n == 1;
}

core::Result<Scheduler::RunReport> Scheduler::RunDue() {
  Impl& m = *impl_;
  RunReport report;
  int64_t now = core::UnixSeconds(m.clock.Now());
  std::string token = secrets::RandomHex(12);
  HQ_ASSIGN_OR_RETURN(
      std::vector<Job> jobs,
      m.db.WriteValue<std::vector<Job>>([&](store::Session& s) -> core::Result<std::vector<Job>> {
        const Statement& claim = s.kind() == store::Kind::kPostgres ? kClaimPg : kClaimSqlite;
        HQ_RETURN_IF_ERROR(
            s.Exec(claim, {token, now + m.options.lease.count(), now, now, int64_t{m.options.batch}}));
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kClaimed, {token}));
        std::vector<Job> out;
        for (const auto& r : rows) {
          out.push_back({r.Int("id"), r.Text("kind"), r.Text("job_key"), r.Text("payload"), r.Int("due_at"),
                         r.Int("attempts")});
        }
        return out;
      }));
  report.claimed = static_cast<int>(jobs.size());
  std::string at = core::FormatTimestamp(m.clock.Now());
  for (const Job& job : jobs) {
    auto handler = m.handlers.find(job.kind);
    std::string error;
    bool lost = false;
    std::optional<int64_t> again;
    auto st = m.db.Write([&](store::Session& s) -> core::Status {
      if (handler == m.handlers.end()) return core::Internal("no handler for job kind " + job.kind);
      HQ_ASSIGN_OR_RETURN(again, handler->second(s, job));
      HQ_ASSIGN_OR_RETURN(
          int64_t n, again ? s.Exec(kAgain, {*again, job.id, token}) : s.Exec(kDone, {at, job.id, token}));
      if (n != 1) {
        lost = true;  // the lease ended and another node has it: roll the effects back
        return core::MakeError(core::ErrorKind::kConflict, "job_lost", "任务已被其他节点接手", "lease lost");
      }
      return core::Ok();
    });
    if (st.ok()) {
      again ? ++report.rescheduled : ++report.done;
      continue;
    }
    if (lost) {
      ++report.lost;
      continue;
    }
    error = st.error().message_en;
    bool give_up = job.attempt >= m.options.max_attempts;
    auto settle = m.db.Write([&](store::Session& s) -> core::Status {
      if (give_up) {
        HQ_RETURN_IF_ERROR(s.Exec(kFail, {error.substr(0, 500), job.id, token}));
      } else {
        HQ_RETURN_IF_ERROR(
            s.Exec(kRetry, {now + m.options.retry_after.count(), error.substr(0, 500), job.id, token}));
      }
      return core::Ok();
    });
    if (!settle.ok()) spdlog::warn("job {}: {}", job.id, settle.error().message_en);
    give_up ? ++report.failed : ++report.retried;
    spdlog::warn("job {} ({} {}) failed (attempt {}): {}", job.id, job.kind, job.key, job.attempt, error);
  }
  return report;
}

void Scheduler::Start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([this] { impl_->Loop(*this); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace huiqi::schedule
