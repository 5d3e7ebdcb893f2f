#include "policy/detail/machines.h"

namespace huiqi::policy::detail {

namespace {
constexpr store::Statement kPolicyStatus{"policy.status_of", "SELECT status FROM policies WHERE id = ?"};
constexpr store::Statement kItemStatus{"item.status_of", "SELECT status FROM items WHERE id = ?"};
}  // namespace

const state::Machine& PolicyMachine() {
  // 常州办法 第七、八条 (drafted, reviewed and published together); 江阴办法 第十二条 (revised or
  // repealed, and published again).
  static const state::Machine m("policy", "政策",
                                {{"draft", "草稿"},
                                 {"in_review", "审核中"},
                                 {"published", "已发布"},
                                 {"superseded", "已被修订"},
                                 {"repealed", "已废止"}},
                                {{"edit", "修改", {"draft"}, "draft"},
                                 {"submit", "提交审核", {"draft"}, "in_review"},
                                 {"reject", "退回修改", {"in_review"}, "draft"},
                                 {"publish", "审核发布", {"in_review"}, "published"},
                                 {"revise", "修订", {"published"}, "published"},
                                 {"supersede", "被新版本替代", {"published"}, "superseded"},
                                 {"repeal", "废止", {"published"}, "repealed"}},
                                kPolicyStatus);
  return m;
}

const state::Machine& ItemMachine() {
  static const state::Machine m("item", "事项",
                                {{"draft", "草稿"}, {"published", "已发布"}, {"withdrawn", "已撤回"}},
                                {{"edit", "修改", {"draft"}, "draft"},
                                 {"edit_published", "修改", {"published"}, "published"},
                                 {"publish", "发布", {"draft", "withdrawn"}, "published"},
                                 {"withdraw", "撤回", {"published"}, "withdrawn"}},
                                kItemStatus);
  return m;
}

}  // namespace huiqi::policy::detail
