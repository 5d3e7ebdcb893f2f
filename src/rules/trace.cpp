#include "rules/trace.h"

namespace huiqi::rules {

namespace {

bool IsLeafLike(const Node& n) { return n.IsLeaf() || (n.kind == NodeKind::kNot && n.children[0].IsLeaf()); }

size_t CountLeaves(const Node& n) {
  if (IsLeafLike(n)) return 1;
  size_t k = 0;
  for (const auto& c : n.children) k += CountLeaves(c);
  return k;
}

// The subtree's value from its leaves' outcomes, starting at leaf `first`.
Truth Value(const Node& n, const std::vector<Truth>& outcomes, size_t first) {
  if (IsLeafLike(n)) return first < outcomes.size() ? outcomes[first] : Truth::kUnknown;
  if (n.kind == NodeKind::kNot) {
    Truth t = Value(n.children[0], outcomes, first);
    return t == Truth::kUnknown ? t : (t == Truth::kTrue ? Truth::kFalse : Truth::kTrue);
  }
  bool is_and = n.kind == NodeKind::kAnd;
  Truth out = is_and ? Truth::kTrue : Truth::kFalse;
  for (const auto& c : n.children) {
    Truth t = Value(c, outcomes, first);
    first += CountLeaves(c);
    if (is_and && t == Truth::kFalse) return Truth::kFalse;
    if (!is_and && t == Truth::kTrue) return Truth::kTrue;
    if (t == Truth::kUnknown) out = Truth::kUnknown;
  }
  return out;
}

void Mark(const Node& n, const std::vector<Truth>& outcomes, size_t first, bool not_needed,
          std::vector<bool>& out) {
  if (IsLeafLike(n)) {
    if (first < out.size()) out[first] = not_needed;
    return;
  }
  bool or_holds = n.kind == NodeKind::kOr && Value(n, outcomes, first) == Truth::kTrue;
  for (const auto& c : n.children) {
    bool child_holds = Value(c, outcomes, first) == Truth::kTrue;
    Mark(c, outcomes, first, not_needed || (or_holds && !child_holds), out);
    first += CountLeaves(c);
  }
}

void Rows(const Node& n, const Schema& schema, size_t& first, std::vector<TraceRow>& out) {
  if (IsLeafLike(n) || IsCodeAlternatives(n, schema)) {
    size_t count = CountLeaves(n);
    out.push_back({&n, first, count});
    first += count;
    return;
  }
  for (const auto& c : n.children) Rows(c, schema, first, out);
}

}  // namespace

Truth ValueOf(const Node& rule, const std::vector<Truth>& outcomes) { return Value(rule, outcomes, 0); }

std::vector<TraceRow> TraceRows(const Node& rule, const Schema& schema) {
  std::vector<TraceRow> out;
  size_t first = 0;
  Rows(rule, schema, first, out);
  return out;
}

std::vector<bool> NotNeeded(const Node& rule, const std::vector<Truth>& outcomes) {
  std::vector<bool> out(outcomes.size(), false);
  Mark(rule, outcomes, 0, false, out);
  return out;
}

}  // namespace huiqi::rules
