#pragma once
// For API tests: a request through the real router, as a browser would send it — the session
// cookie and the CSRF header once logged in.

#include <nlohmann/json.hpp>
#include <string>

#include "http/router.h"

namespace huiqi::http {

class TestClient {
 public:
  explicit TestClient(const Router& router) : router_(router) {}

  //! `target` may carry a query string; `body` is sent as JSON unless null; `raw` replaces it.
  Response Call(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr,
                const std::string& raw = "") {
    Request r;
    r.method = method;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string kv = rest.substr(0, amp);
        auto eq = kv.find('=');
        r.query[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
    }
    r.remote_addr = "10.0.0.1";
    if (!body.is_null()) r.body = body.dump();
    if (!raw.empty()) r.body = raw;
    if (!r.body.empty())
      r.headers["content-type"] = content_type_.empty() ? "application/json" : content_type_;
    r.request_id = "test-" + std::to_string(++requests_);
    if (!cookie_.empty()) r.headers["cookie"] = "huiqi_session=" + cookie_;
    if (!csrf_.empty()) r.headers["x-csrf-token"] = csrf_;
    return router_.Dispatch(r);
  }

  //! Logs in; on success keeps the session cookie and CSRF token for the next calls.
  Response Login(const std::string& login, const std::string& password) {
    Forget();
    Response r = Call("POST", "/api/v1/auth/login", {{"login", login}, {"password", password}});
    if (r.status == 200) {
      std::string c = Header(r, "Set-Cookie");
      cookie_ = c.substr(c.find('=') + 1, c.find(';') - c.find('=') - 1);
      csrf_ = nlohmann::json::parse(r.body)["csrf_token"];
    }
    return r;
  }
  void Forget() {
    cookie_.clear();
    csrf_.clear();
  }

  std::string& cookie() { return cookie_; }
  //! The Content-Type sent with a body ("" = application/json).
  std::string& content_type() { return content_type_; }
  std::string& csrf() { return csrf_; }

  static nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }
  static std::string Header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

 private:
  const Router& router_;
  std::string cookie_, csrf_, content_type_;
  int requests_ = 0;
};

}  // namespace huiqi::http
