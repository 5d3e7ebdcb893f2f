#include "store/detail/backends.h"

namespace huiqi::store::detail {

Status RunInTransaction(Session& s, std::string_view begin, const std::function<Status(Session&)>& fn,
                        bool& healthy) {
  static constexpr std::string_view kCommit = "COMMIT", kRollback = "ROLLBACK";
  Status st = s.ExecScript(begin);
  if (!st.ok()) {
    healthy = false;
    return st;
  }
  Status result;
  try {
    result = fn(s);
  } catch (...) {
    if (!s.ExecScript(kRollback).ok()) healthy = false;
    throw;
  }
  if (!result.ok()) {
    if (!s.ExecScript(kRollback).ok()) healthy = false;
    return result;
  }
  Status commit = s.ExecScript(kCommit);
  if (!commit.ok()) {
    if (!s.ExecScript(kRollback).ok()) healthy = false;
    return commit;
  }
  return core::Ok();
}

}  // namespace huiqi::store::detail
