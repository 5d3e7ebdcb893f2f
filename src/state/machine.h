#pragma once
// One small helper every lifecycle uses (policies, items, corrections now; applications,
// offers and payments next): a declared table of an entity's states and the transitions allowed
// between them, and the one way a transition is written —
//
//   UPDATE <table> SET status = '<to>', … WHERE id = ? AND status = ?     -- the expected state
//
// with the affected-row count checked. On PostgreSQL (READ COMMITTED) a second writer of the same
// row waits for the first, then re-evaluates its WHERE on the committed row and changes nothing;
// on SQLite write transactions are serialised. Either way the loser is told 409 with the state
// the row is in now, never a double approval or a double payment. The caller writes the audit row
// in the same transaction (audit::Record).
//
// Thread-safe: a Machine is immutable after construction (declare it as a function-local static).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace huiqi::state {

struct StateDef {
  std::string_view code;   // "in_review"
  std::string_view label;  // 审核中
};

//! `action` moves a row in one of `from` to `to` (`to` may equal a `from`: an edit that keeps
//! the state, which must still find the row in it).
struct Edge {
  std::string_view action;     // "publish"
  std::string_view action_zh;  // 审核发布
  std::vector<std::string_view> from;
  std::string_view to;
};

class Machine {
 public:
  //! `entity_zh` names the entity in messages (政策, 事项, 档案更正). `current` reads one row's
  //! state: "SELECT status FROM <table> WHERE id = ?".
  Machine(std::string_view entity, std::string_view entity_zh, std::vector<StateDef> states,
          std::vector<Edge> edges, store::Statement current);

  std::string_view entity() const { return entity_; }
  const std::vector<Edge>& edges() const { return edges_; }
  //! The state's Chinese label (the code itself when unknown).
  std::string_view Label(std::string_view state) const;

  //! The edge `action` takes from `from`. kFailedPrecondition "illegal_transition", e.g.
  //! "政策当前状态为“已发布”，不能提交审核", when the table has none; kInternal for an unknown action.
  core::Result<const Edge*> Check(std::string_view action, std::string_view from) const;

  //! Applies `action` to row `id`, read in state `from`: checks the edge, then runs `update` —
  //! whose SQL must end with "WHERE id = ? AND status = ?" — with `params` followed by `id` and
  //! `from`. Exactly one row changed: ok. None: another writer changed the row since it was read
  //! (or it is gone); the row's state is read again and kConflict "state_conflict" names it
  //! (field "status"). kInternal when `update` does not guard on the state (a programming error).
  core::Status Apply(store::Session& tx, std::string_view action, int64_t id, std::string_view from,
                     const store::Statement& update, store::Params params) const;

  //! The transition table as Mermaid `stateDiagram-v2` text (docs are generated from the code).
  std::string Diagram() const;

 private:
  core::Error Conflict(store::Session& tx, int64_t id) const;

  std::string entity_, entity_zh_;
  std::vector<StateDef> states_;
  std::vector<Edge> edges_;
  store::Statement current_;
};

}  // namespace huiqi::state
