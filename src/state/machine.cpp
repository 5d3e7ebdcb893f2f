#include "state/machine.h"

#include <algorithm>

namespace huiqi::state {

namespace {

constexpr std::string_view kGuard = "WHERE id = ? AND status = ?";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Machine::Machine(std::string_view entity, std::string_view entity_zh, std::vector<StateDef> states,
                 std::vector<Edge> edges, store::Statement current)
    : entity_(entity),
      entity_zh_(entity_zh),
      states_(std::move(states)),
      edges_(std::move(edges)),
      current_(current) {}

std::string_view Machine::Label(std::string_view state) const {
  for (const auto& s : states_) {
    if (s.code == state) return s.label;
  }
  return state;
}

core::Result<const Edge*> Machine::Check(std::string_view action, std::string_view from) const {
  const Edge* named = nullptr;
  for (const auto& e : edges_) {
    if (e.action != action) continue;
    named = &e;
    if (std::find(e.from.begin(), e.from.end(), from) != e.from.end()) return &e;
  }
  if (named == nullptr) return core::Internal(entity_ + ": no transition named " + std::string(action));
  return core::MakeError(
      core::ErrorKind::kFailedPrecondition, "illegal_transition",
      entity_zh_ + "当前状态为“" + std::string(Label(from)) + "”，不能" + std::string(named->action_zh),
      "cannot " + std::string(action) + " a " + entity_ + " in status " + std::string(from), "status");
}

core::Error Machine::Conflict(store::Session& tx, int64_t id) const {
  auto row = tx.QueryOptional(current_, {id});
  if (!row.ok()) return row.error();
  if (!*row) return core::NotFound(entity_zh_, entity_);
  std::string now = (*row)->Text("status");
  core::Error e =
      core::MakeError(core::ErrorKind::kConflict, "state_conflict",
                      entity_zh_ + "刚被他人处理，当前状态为“" + std::string(Label(now)) + "”，请刷新后再试",
                      entity_ + " was changed concurrently; now " + now, "status");
  return e;
}

core::Status Machine::Apply(store::Session& tx, std::string_view action, int64_t id, std::string_view from,
                            const store::Statement& update, store::Params params) const {
  if (!EndsWith(update.sql, kGuard)) {
    return core::Internal(std::string(update.name) + " does not guard on the expected state");
  }
  HQ_RETURN_IF_ERROR(Check(action, from));
  // Constructed in place: GCC 12 reports a false -Wmaybe-uninitialized for a moved-in variant<string>.
  params.reserve(params.size() + 2);
  params.emplace_back(std::in_place_type<int64_t>, id);
  params.emplace_back(std::in_place_type<std::string>, from);
  HQ_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(update, params));
  if (changed == 1) return core::Ok();
  return Conflict(tx, id);
}

std::string Machine::Diagram() const {
  std::string out = "stateDiagram-v2\n";
  for (const auto& e : edges_) {
    for (auto from : e.from) {
      out += "  " + std::string(from) + " --> " + std::string(e.to) + " : " + std::string(e.action_zh) + "\n";
    }
  }
  return out;
}

}  // namespace huiqi::state
