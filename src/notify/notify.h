#pragma once
// Notices (江阴办法 第二十一条 闭环管理: every step told to the applicant by SMS and in the
// 法人空间). A change that concerns someone calls Notifier::Send inside its own transaction: the
// inbox row (the 消息中心) and one outbox row per channel commit or roll back with the change, so
// a crash leaves either the old state or the new one with its notice — never one without the
// other. The Deliverer sends due outbox rows through the channels (deliverer.h).
//
// Thread-safe: Notifier and Inbox hold no state beyond their references.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::notify {

enum class Channel { kSms, kWebhook, kFile };
std::string_view ChannelCode(Channel c);  // "sms", "webhook", "file"

//! What to tell, and to whom: a user's inbox, or a department's (its staff see it).
struct Notice {
  std::optional<int64_t> user_id;
  std::optional<int64_t> department_id;
  std::string kind;               // "application.returned", "offer.created", … (machine code)
  std::string title;              // 补正通知：…
  std::string body;               // the whole text, Chinese
  std::string link;               // a page of the web app, e.g. "/space/applications/12"
  std::string entity, entity_id;  // what it is about (an application, an offer)
};

//! One delivery beside the inbox: an SMS to a phone (template and parameters for the gateway;
//! the file channel writes the rendered text) or a signed webhook to a system's URL.
struct Delivery {
  Channel channel = Channel::kSms;
  std::string address;                        // phone number or https URL; sealed in the outbox
  std::string sms_template;                   // the gateway's template id, e.g. "SMS_STEP_NOTICE"
  std::map<std::string, std::string> params;  // template parameters (${name} in the template)
  int64_t not_before = 0;                     // unix seconds; later than now: held (quiet hours)
};

class Notifier {
 public:
  //! Not owned; must outlive the notifier.
  Notifier(const core::Clock& clock, const secrets::KeyRing& keys) : clock_(clock), keys_(keys) {}
  //! Writes the inbox row and the outbox rows in `tx`, the transaction of the change itself.
  //! Returns the notice id. kInvalidArgument for a notice without a recipient or title.
  core::Result<int64_t> Send(store::Session& tx, const Notice& notice,
                             const std::vector<Delivery>& deliveries) const;
  //! An SMS delivery to `user_id`'s phone (opened from its seal), or nullopt when the user has no
  //! phone or is inactive — the inbox row still tells them.
  core::Result<std::optional<Delivery>> SmsTo(store::Session& tx, int64_t user_id, std::string sms_template,
                                              std::map<std::string, std::string> params) const;

 private:
  const core::Clock& clock_;
  const secrets::KeyRing& keys_;
};

struct InboxEntry {
  int64_t id = 0;
  std::string kind, title, body, link, entity, entity_id, created_at;
  bool read = false;
  struct Sent {
    std::string channel, status;  // "sms", "sent" | "pending" | "dead"
    int64_t attempts = 0;
  };
  std::vector<Sent> deliveries;
};

struct InboxPage {
  std::vector<InboxEntry> items;
  int64_t total = 0, unread = 0;
};

//! The 消息中心 of one user (and of their department, for staff).
class Inbox {
 public:
  explicit Inbox(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  //! Newest first. `department_id`: also the department's notices.
  core::Result<InboxPage> List(int64_t user_id, std::optional<int64_t> department_id, int page, int page_size,
                               bool unread_only = false);
  core::Result<int64_t> UnreadCount(int64_t user_id, std::optional<int64_t> department_id);
  //! kNotFound when the notice is not the user's (nobody reads another's notice).
  core::Status MarkRead(int64_t user_id, std::optional<int64_t> department_id, int64_t notice_id);
  core::Result<int64_t> MarkAllRead(int64_t user_id, std::optional<int64_t> department_id);

 private:
  store::Database& db_;
  const core::Clock& clock_;
};

//! The SMS text of a template with its parameters: "【惠企】" + the template with ${name}
//! replaced (the file channel and tests; a real gateway renders its own copy).
std::string RenderSms(std::string_view sms_template, const std::map<std::string, std::string>& params);

}  // namespace huiqi::notify
