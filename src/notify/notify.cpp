#include "notify/notify.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "notify/detail/statements.h"

namespace huiqi::notify {

using detail::kCountNotices;
using detail::kInsertNotice;
using detail::kInsertOutbox;
using nlohmann::json;

std::string_view ChannelCode(Channel c) {
  switch (c) {
    case Channel::kSms:
      return "sms";
    case Channel::kWebhook:
      return "webhook";
    case Channel::kFile:
      return "file";
  }
  return "file";
}

std::string RenderSms(std::string_view sms_template, const std::map<std::string, std::string>& params) {
  std::string text = detail::SmsTemplateText(sms_template);
  for (const auto& [k, v] : params) {
    std::string key = "${" + k + "}";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + v.size())) {
      text.replace(at, key.size(), v);
    }
  }
  return "【惠企】" + text;
}

core::Result<int64_t> Notifier::Send(store::Session& tx, const Notice& n,
                                     const std::vector<Delivery>& deliveries) const {
  if (!n.user_id && !n.department_id) {
    return core::InvalidArgument("recipient", "required", "通知须有接收人", "a notice needs a recipient");
  }
  if (n.title.empty() || n.kind.empty()) {
    return core::InvalidArgument("title", "required", "通知须有类别和标题",
                                 "a notice needs a kind and a title");
  }
  std::string now = core::FormatTimestamp(clock_.Now());
  HQ_ASSIGN_OR_RETURN(auto row,
                      tx.QueryOne(kInsertNotice,
                                  {store::OptionalInt(n.user_id), store::OptionalInt(n.department_id), n.kind,
                                   n.title, n.body, n.link, n.entity, n.entity_id, now},
                                  "", ""));
  int64_t id = row.Int("id");
  int64_t due = core::UnixSeconds(clock_.Now());
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const Delivery& d = deliveries[i];
    if (d.address.empty()) continue;  // no phone on file: the inbox alone
    json params(d.params);
    // One key per notice and channel: a receiver drops a second copy sent after a crash.
    std::string key =
        "n" + std::to_string(id) + "-" + std::string(ChannelCode(d.channel)) + "-" + std::to_string(i);
    HQ_RETURN_IF_ERROR(tx.Exec(
        kInsertOutbox, {id, std::string(ChannelCode(d.channel)), keys_.Seal(d.address, "outbox-address"),
                        d.sms_template, params.dump(), key, std::max(due, d.not_before), now}));
  }
  return id;
}

core::Result<std::optional<Delivery>> Notifier::SmsTo(store::Session& tx, int64_t user_id,
                                                      std::string sms_template,
                                                      std::map<std::string, std::string> params) const {
  HQ_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(detail::kUserPhone, {user_id}));
  if (!row) return std::optional<Delivery>{};
  std::string phone = row->Text("phone");
  if (secrets::KeyRing::IsSealed(phone)) {
    auto open = keys_.Open(phone, "phone");
    phone = open.ok() ? *open : "";
  }
  if (phone.empty()) return std::optional<Delivery>{};
  return std::optional<Delivery>{Delivery{Channel::kSms, phone, std::move(sms_template), std::move(params)}};
}

namespace {

InboxEntry EntryOf(const store::Row& r) {
  InboxEntry e;
  e.id = r.Int("id");
  e.kind = r.Text("kind");
  e.title = r.Text("title");
  e.body = r.Text("body");
  e.link = r.Text("link");
  e.entity = r.Text("entity");
  e.entity_id = r.Text("entity_id");
  e.created_at = r.Text("created_at");
  e.read = !r.IsNull("read_at");
  return e;
}

}  // namespace

core::Result<InboxPage> Inbox::List(int64_t user_id, std::optional<int64_t> department_id, int page,
                                    int page_size, bool unread_only) {
  page = std::max(page, 1);
  page_size = page_size < 1 || page_size > 100 ? 20 : page_size;
  int64_t dept = department_id.value_or(0);
  int64_t only = unread_only ? 1 : 0;
  return db_.ReadValue<InboxPage>([&](store::Session& s) -> core::Result<InboxPage> {
    InboxPage out;
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(kCountNotices, {user_id, dept, int64_t{0}}, "", ""));
    out.total = n.Int("n");
    HQ_ASSIGN_OR_RETURN(auto u, s.QueryOne(kCountNotices, {user_id, dept, int64_t{1}}, "", ""));
    out.unread = u.Int("n");
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(detail::kPageNotices, {user_id, dept, only, int64_t{page_size},
                                                                  int64_t{page - 1} * page_size}));
    for (const auto& r : rows) {
      InboxEntry e = EntryOf(r);
      HQ_ASSIGN_OR_RETURN(auto sent, s.Query(detail::kDeliveriesOf, {e.id}));
      for (const auto& d : sent)
        e.deliveries.push_back({d.Text("channel"), d.Text("status"), d.Int("attempts")});
      out.items.push_back(std::move(e));
    }
    return out;
  });
}

core::Result<int64_t> Inbox::UnreadCount(int64_t user_id, std::optional<int64_t> department_id) {
  return db_.ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto n,
                        s.QueryOne(kCountNotices, {user_id, department_id.value_or(0), int64_t{1}}, "", ""));
    return n.Int("n");
  });
}

core::Status Inbox::MarkRead(int64_t user_id, std::optional<int64_t> department_id, int64_t notice_id) {
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.Write([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto mine,
                        s.QueryOptional(detail::kNoticeOf, {notice_id, user_id, department_id.value_or(0)}));
    if (!mine) return core::NotFound("通知", "notice");
    HQ_RETURN_IF_ERROR(s.Exec(detail::kMarkRead, {now, notice_id}));
    return core::Ok();
  });
}

core::Result<int64_t> Inbox::MarkAllRead(int64_t user_id, std::optional<int64_t> department_id) {
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
    return s.Exec(detail::kMarkAllRead, {now, user_id, department_id.value_or(0)});
  });
}

}  // namespace huiqi::notify
