// The channels: a file (the default), an HTTP SMS gateway and signed webhooks, over libcurl.
#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "notify/deliverer.h"

namespace huiqi::notify {

using nlohmann::json;

namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

class FileSender final : public ChannelSender {
 public:
  explicit FileSender(std::string path) : path_(std::move(path)) {}
  Outcome Send(const Message& m) override {
    std::string text =
        m.channel == Channel::kSms ? RenderSms(m.sms_template, m.params) : m.title + "：" + m.body;
    std::string to = m.channel == Channel::kSms ? secrets::MaskPhone(m.address) : m.address;
    std::string line = core::FormatTimestamp(std::chrono::system_clock::now()) + "\t" +
                       std::string(ChannelCode(m.channel)) + "\t" + to + "\t" + m.idempotency_key + "\t" +
                       text + "\n";
    std::lock_guard lock(mu_);
    // The outbox delivers at least once: a row whose line was written but whose 'sent' mark was
    // lost (the server killed in between) is claimed again when its lease ends. The file holds
    // each idempotency key once, across restarts too (tests/crash_test.sh found the second line).
    if (!loaded_) LoadKeys();
    if (written_.count(m.idempotency_key)) return {Outcome::Kind::kSent, "already written to " + path_};
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (fd >= 0) ::close(fd);
    if (!ok) return {Outcome::Kind::kRetry, "cannot append to " + path_};
    written_.insert(m.idempotency_key);
    return {Outcome::Kind::kSent, "written to " + path_};
  }

 private:
  //! The keys already in the file: its lines are "time\tchannel\tto\tkey\ttext".
  void LoadKeys() {
    loaded_ = true;
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
      size_t c = b == std::string::npos ? b : line.find('\t', b + 1);
      size_t d = c == std::string::npos ? c : line.find('\t', c + 1);
      if (d != std::string::npos) written_.insert(line.substr(c + 1, d - c - 1));
    }
  }

  std::string path_;
  std::mutex mu_;
  bool loaded_ = false;
  std::set<std::string> written_;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  size_t len = size * n;
  if (s->size() < 2000) s->append(data, std::min(len, 2000 - s->size()));
  return len;
}

//! One POST; the status and the receiver's answer decide the outcome.
Outcome Post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
             const HttpOptions& o) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return {Outcome::Kind::kRetry, "curl_easy_init failed"};
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/json; charset=utf-8");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return {Outcome::Kind::kRetry, std::string("transport: ") + curl_easy_strerror(rc)};
  std::string detail = "HTTP " + std::to_string(status) + ": " + answer.substr(0, 300);
  if (status >= 200 && status < 300) return {Outcome::Kind::kSent, detail};
  if (status == 408 || status == 429 || status >= 500) return {Outcome::Kind::kRetry, detail};
  return {Outcome::Kind::kPermanent, detail};
}

//! Webhooks go to https, or plain http on loopback only (a receiver on the same machine).
bool AllowedWebhook(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return true;
  for (const char* p : {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/",
                        "http://[::1]:", "http://[::1]/"}) {
    if (url.rfind(p, 0) == 0) return true;
  }
  return false;
}

class HttpSms final : public ChannelSender {
 public:
  explicit HttpSms(HttpOptions o) : o_(std::move(o)) {}
  Outcome Send(const Message& m) override {
    json body = {{"phone", m.address},
                 {"sign_name", o_.signature},
                 {"template", m.sms_template},
                 {"params", m.params},
                 {"out_id", m.idempotency_key}};
    return Post(o_.url, body.dump(), {"Idempotency-Key: " + m.idempotency_key}, o_);
  }

 private:
  HttpOptions o_;
};

class Webhook final : public ChannelSender {
 public:
  explicit Webhook(HttpOptions o) : o_(std::move(o)) {}
  Outcome Send(const Message& m) override {
    std::string url = m.address.empty() ? o_.url : m.address;
    if (!AllowedWebhook(url))
      return {Outcome::Kind::kPermanent, "webhook URL must be https (or http on loopback)"};
    json body = {{"notice_id", m.notice_id},
                 {"title", m.title},
                 {"body", m.body},
                 {"link", m.link},
                 {"idempotency_key", m.idempotency_key}};
    std::string text = body.dump();
    std::string ts = std::to_string(core::UnixSeconds(std::chrono::system_clock::now()));
    return Post(url, text,
                {"Idempotency-Key: " + m.idempotency_key, "X-Huiqi-Timestamp: " + ts,
                 "X-Huiqi-Signature: sha256=" + WebhookSignature(o_.secret, ts, text)},
                o_);
  }

 private:
  HttpOptions o_;
};

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string data = std::string(timestamp) + "." + std::string(body);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return Hex(md, len);
}

std::unique_ptr<ChannelSender> FileChannel(std::string path) {
  return std::make_unique<FileSender>(std::move(path));
}
std::unique_ptr<ChannelSender> HttpSmsChannel(HttpOptions options) {
  return std::make_unique<HttpSms>(std::move(options));
}
std::unique_ptr<ChannelSender> WebhookChannel(HttpOptions options) {
  return std::make_unique<Webhook>(std::move(options));
}

}  // namespace huiqi::notify
