#include "audit/change_follower.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace huiqi::audit {

namespace {

constexpr std::array<std::pair<Entity, std::string_view>, 14> kCodes = {{
    {Entity::kPolicy, "policy"},
    {Entity::kItem, "item"},
    {Entity::kTag, "tag"},
    {Entity::kEnterprise, "enterprise"},
    {Entity::kAttribute, "attribute"},
    {Entity::kCorrection, "enterprise_correction"},
    {Entity::kDataSource, "data_source"},
    {Entity::kUser, "user"},
    {Entity::kDepartment, "department"},
    {Entity::kSession, "session"},
    {Entity::kLogin, "login"},
    {Entity::kInvitation, "enterprise_invitation"},
    {Entity::kCalendarDay, "calendar_day"},
    {Entity::kSeal, "seal"},
}};

}  // namespace

std::string_view EntityCode(Entity e) {
  for (const auto& [entity, code] : kCodes) {
    if (entity == e) return code;
  }
  return "other";
}

Entity EntityOf(std::string_view code) {
  for (const auto& [entity, c] : kCodes) {
    if (c == code) return entity;
  }
  return Entity::kOther;
}

constexpr std::chrono::milliseconds kStopSlice{200};

struct ChangeFollower::Impl {
  struct Subscriber {
    std::string name;
    std::vector<Entity> entities;
    int64_t position = 0;
    ChangeWatermark watermark;
    Handler handler;
    bool Wants(const Change& c) const {
      return entities.empty() ||
             std::find(entities.begin(), entities.end(), EntityOf(c.entity)) != entities.end();
    }
  };

  store::Database& db;
  FollowerOptions options;
  std::vector<Subscriber> subscribers;
  mutable std::mutex deliver_mu;  // one delivery at a time (background thread or CatchUp)
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread thread;

  Impl(store::Database& d, FollowerOptions o) : db(d), options(o) {}

  // One pass: read after the lowest position, hand each subscriber its rows. Returns whether a
  // full batch was read (more may be waiting).
  core::Result<bool> Pass() {
    if (subscribers.empty()) return false;
    int64_t lowest = subscribers.front().position;
    for (const auto& s : subscribers) lowest = std::min(lowest, s.position);
    HQ_ASSIGN_OR_RETURN(std::vector<Change> rows, ChangesSince(db, lowest, options.batch));
    for (auto& s : subscribers) {
      std::vector<Change> after, wanted;
      for (const auto& c : rows) {
        if (c.id <= s.position) continue;
        after.push_back(c);
        if (s.Wants(c)) wanted.push_back(c);
      }
      if (after.empty()) continue;
      int64_t through = s.watermark.Advance(s.position, after);
      core::Status st = s.handler(wanted, through);
      if (!st.ok()) {
        spdlog::warn("change follower: {} failed at change {}: {}", s.name, s.position,
                     st.error().message_en);
        continue;
      }
      s.position = through;
    }
    return rows.size() == static_cast<size_t>(options.batch);
  }

  core::Status CatchUp() {
    std::lock_guard lock(deliver_mu);
    for (int i = 0; i < 1000; ++i) {  // at most a million rows in one call
      HQ_ASSIGN_OR_RETURN(bool more, Pass());
      if (!more) break;
    }
    return core::Ok();
  }

  void Run() {
    std::unique_ptr<store::Listener> listener;
    auto l = db.Listen("huiqi_changes");
    if (l.ok()) listener = std::move(*l);
    while (true) {
      {
        std::unique_lock lock(stop_mu);
        if (stopping) return;
      }
      if (auto st = CatchUp(); !st.ok()) spdlog::warn("change follower: {}", st.error().message_en);
      if (listener) {
        // Wait in slices so Stop never waits long; a NOTIFY ends the wait at once.
        auto until = std::chrono::steady_clock::now() + options.listen_poll;
        while (std::chrono::steady_clock::now() < until) {
          auto woke = listener->Wait(std::min<std::chrono::milliseconds>(options.listen_poll, kStopSlice));
          if (!woke.ok()) {
            std::unique_lock lock(stop_mu);
            stop_cv.wait_for(lock, options.poll, [&] { return stopping; });
            break;
          }
          if (*woke) break;
          std::unique_lock lock(stop_mu);
          if (stopping) return;
        }
      } else {
        std::unique_lock lock(stop_mu);
        stop_cv.wait_for(lock, options.poll, [&] { return stopping; });
      }
    }
  }
};

ChangeFollower::ChangeFollower(store::Database& db, FollowerOptions options)
    : impl_(std::make_unique<Impl>(db, options)) {}

ChangeFollower::~ChangeFollower() { Stop(); }

void ChangeFollower::Subscribe(std::string name, std::vector<Entity> entities, int64_t from,
                               Handler handler) {
  std::lock_guard lock(impl_->deliver_mu);
  Impl::Subscriber s;
  s.name = std::move(name);
  s.entities = std::move(entities);
  s.position = from;
  s.watermark = ChangeWatermark(impl_->options.hole_grace);
  s.handler = std::move(handler);
  impl_->subscribers.push_back(std::move(s));
}

void ChangeFollower::Start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([this] { impl_->Run(); });
}

void ChangeFollower::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  // A thread blocked in Listener::Wait wakes at its listen_poll timeout at the latest.
  if (impl_->thread.joinable()) impl_->thread.join();
}

core::Status ChangeFollower::CatchUp() { return impl_->CatchUp(); }

int64_t ChangeFollower::Position(std::string_view name) const {
  std::lock_guard lock(impl_->deliver_mu);
  for (const auto& s : impl_->subscribers) {
    if (s.name == name) return s.position;
  }
  return 0;
}

}  // namespace huiqi::audit
