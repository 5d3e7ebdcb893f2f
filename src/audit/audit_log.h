#pragma once
// The audit log: every state change records who, what, when, and the record before and after,
// in the same transaction as the change itself. Rows are chained by SM3 (GB/T 32905): each
// row's hash covers the previous row's hash and every field of its own, so editing, deleting
// or reordering a row breaks the chain and Verify() finds the first broken row. A change-log
// row is written beside each audit row: the feed the in-memory indexes of every node follow.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::audit {

//! Who made a change: a user, or the system / command line (no user id).
struct Actor {
  std::optional<int64_t> user_id;
  std::string login;  // "cli", "system", or the user's login
};

//! Writes the audit row and the change-log row inside the caller's transaction `tx`.
//! `before` / `after` are null JSON for a creation / deletion.
core::Status Record(store::Session& tx, const core::Clock& clock, const Actor& actor, std::string_view action,
                    std::string_view entity, std::string entity_id, const nlohmann::json& before,
                    const nlohmann::json& after);

struct VerifyReport {
  bool ok = true;
  int64_t checked = 0;       // rows walked
  int64_t first_bad_id = 0;  // 0 when ok
  std::string problem;       // Chinese description of what is wrong
};

//! The chain's head as last seen, kept outside the database (issue 10 finding 2: rows lost from
//! the end of the table — a rolled-back file, a deleted tail with the head row rewritten — leave
//! a chain that verifies). A file `path` holds {last_id, last_hash, at, mac}; the MAC is keyed
//! from the platform key ring, so editing the file needs the key as well as the database.
//! Write() only moves forward; Verify() then requires the chain to reach that row with that hash.
//! It detects truncation beyond the last checkpoint (written every second by `huiqi serve`);
//! it cannot see rows lost after it, nor a restore of both the database and this file.
class Checkpoint {
 public:
  Checkpoint(std::filesystem::path path, const secrets::KeyRing& keys)
      : path_(std::move(path)), keys_(keys) {}
  const std::filesystem::path& path() const { return path_; }

  struct Head {
    int64_t last_id = 0;
    std::string last_hash, at;
  };
  //! The stored head, nullopt when there is no file yet; kInvalidArgument (field "checkpoint")
  //! when its MAC does not match.
  core::Result<std::optional<Head>> Read() const;
  //! Records the database's current head if it is ahead of the stored one (atomically: temp
  //! file, fsync, rename). kFailedPrecondition "audit_truncated" when the database is *behind*
  //! the stored head — the file is then left as it is.
  core::Status Write(store::Database& db, const core::Clock& clock) const;

 private:
  std::filesystem::path path_;
  const secrets::KeyRing& keys_;
};

//! Walks the whole chain; with `checkpoint`, also requires its head. An error only when the
//! database cannot be read.
core::Result<VerifyReport> Verify(store::Database& db, const Checkpoint* checkpoint = nullptr);

struct Entry {
  int64_t id = 0;
  std::string at, actor_login, action, entity, entity_id;
  std::optional<int64_t> actor_user_id;
  nlohmann::json before, after;
  std::string prev_hash, hash;
};

struct EntryPage {
  std::vector<Entry> items;
  int64_t total = 0;
};

struct ListQuery {
  int page = 1;             // from 1
  int page_size = 20;       // 1..100; out of range → 20
  std::string entity;       // "" = any; else exactly this entity ("user", "department", …)
  std::string entity_id;    // "" = any; only with entity
  std::string actor_login;  // "" = anyone
};

//! Newest first.
core::Result<EntryPage> List(store::Database& db, const ListQuery& query);
core::Result<EntryPage> List(store::Database& db, int page, int page_size);

//! One change-log row: the entity a committed transaction changed (op = the audit action).
struct Change {
  int64_t id = 0;
  std::string at, entity, entity_id, op;
};

//! Change-log rows with id > `after_id`, oldest first, at most `limit` (1..10000): how a
//! node's caches (matching catalogue, search index) follow changes made through any node.
core::Result<std::vector<Change>> ChangesSince(store::Database& db, int64_t after_id, int limit = 1000);
//! The newest change-log id (0 when empty); cheap, for "has anything changed?".
core::Result<int64_t> LatestChangeId(store::Database& db);

//! Where a reader of the change log may safely resume. Ids come from a sequence, so on
//! PostgreSQL a transaction holding a lower id can commit after one holding a higher id: a hole
//! in what a reader sees may still fill. Advance keeps the watermark below a hole until it has
//! stayed open for `grace` (a rolled-back transaction leaves a hole for ever). Rows above the
//! watermark are read again on the next poll, so what a reader does with a change must be
//! idempotent. Not thread-safe.
class ChangeWatermark {
 public:
  explicit ChangeWatermark(std::chrono::steady_clock::duration grace = std::chrono::seconds(10))
      : grace_(grace) {}
  //! The new watermark after `rows` (ids > `last`, ascending, as ChangesSince returns them).
  int64_t Advance(int64_t last, const std::vector<Change>& rows);
  //! Forgets the holes seen (after a rebuild from scratch).
  void Reset() { holes_.clear(); }

 private:
  std::chrono::steady_clock::duration grace_;
  std::map<int64_t, std::chrono::steady_clock::time_point> holes_;  // id → first seen missing
};

//! The SM3 digest of `data`, lower-case hex.
std::string Sm3Hex(std::string_view data);

}  // namespace huiqi::audit
