#pragma once
// The one follower of the change log. Every in-memory view a server node keeps of the database
// (the bitmap index of the archive, the compiled item catalogue, the search index, the response
// cache; the outbox, pushes and scheduler later) subscribes here instead of reading the change log
// itself. The follower reads the rows after each subscriber's position in batches, holds each
// position back below a hole in the ids until it fills or expires (ChangeWatermark: on PostgreSQL
// a lower id can commit after a higher one), and hands each subscriber the rows of the entities it
// asked for. It wakes on PostgreSQL NOTIFY (audit::Record notifies in the writer's transaction,
// delivered at commit) and polls otherwise, so a change committed through any node reaches every
// node. Rows above a held-back position are delivered again: handlers must be idempotent.
//
// Thread-safe: Subscribe before Start; CatchUp may be called from any thread (it is serialised
// with the background thread); handlers run on whichever thread delivers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/error.h"
#include "store/database.h"

namespace huiqi::audit {

//! The entities the change log names (the `entity` argument of Record).
enum class Entity {
  kPolicy,
  kItem,
  kTag,
  kEnterprise,
  kAttribute,
  kCorrection,
  kDataSource,
  kUser,
  kDepartment,
  kSession,
  kLogin,
  kInvitation,
  kCalendarDay,
  kSeal,
  kOther,  // anything not listed (read only)
};
std::string_view EntityCode(Entity e);   // "policy", "item", "enterprise_correction", …
Entity EntityOf(std::string_view code);  // kOther when unknown

struct FollowerOptions {
  std::chrono::milliseconds poll{250};          // without NOTIFY: how often to look
  std::chrono::milliseconds listen_poll{2000};  // with NOTIFY: a look anyway (a lost notification)
  int batch = 1000;                             // rows read at once
  std::chrono::milliseconds hole_grace{10000};  // a hole older than this was a rollback
};

class ChangeFollower {
 public:
  //! Called with the subscriber's rows (ids above its position, its entities only; may be empty
  //! when only other entities changed) and the position it reaches when the call succeeds. An
  //! error leaves the position where it was: the same rows come again next time.
  using Handler = std::function<core::Status(const std::vector<Change>& changes, int64_t through)>;

  //! `db` is not owned and must outlive the follower.
  explicit ChangeFollower(store::Database& db, FollowerOptions options = {});
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  //! Registers a subscriber that has applied every change up to `from` (the change-log id read
  //! before it loaded its state, or the one it stored with it). `entities` empty: every entity.
  void Subscribe(std::string name, std::vector<Entity> entities, int64_t from, Handler handler);
  //! Follows in a background thread until Stop (or destruction).
  void Start();
  void Stop();
  //! Delivers every change committed before the call, on the calling thread. kUnavailable when
  //! the change log cannot be read.
  core::Status CatchUp();
  //! The subscriber's position (0 when unknown).
  int64_t Position(std::string_view name) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::audit
