#pragma once
// The HTTP server: Boost.Beast on an Asio io_context run by a few I/O threads; handlers (which
// touch the database) run on a separate worker pool so I/O threads never block, and the answer
// is posted back to the connection's strand. HTTP/1.1 with keep-alive, request size limits and
// read timeouts, an access log line per request, static files for the web app with a fallback
// to index.html so deep links work, and a graceful stop that lets in-flight requests finish.
// Beast stays inside server.cpp (pimpl).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/router.h"

namespace huiqi::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: pick a free port (tests)
  int io_threads = 2;
  int worker_threads = 4;           // handlers: database and search work
  size_t body_limit = 8u << 20;     // bytes; larger bodies get 413
  size_t header_limit = 16u << 10;  // bytes
  //! Slow clients (issue 16 item 4): a new connection's request header must arrive within
  //! header_timeout, a kept-alive connection's next one within idle_timeout, a body within
  //! read_timeout of its header; each cut-off closes the connection. Beyond max_connections open
  //! connections, a new one is answered 503 and closed, so idle or stalled clients cannot starve
  //! the others of file descriptors.
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds read_timeout{30};
  int max_connections = 1024;
  std::chrono::seconds shutdown_grace{10};  // in-flight requests may finish within this
  std::string static_dir;                   // the built web app (web/dist); empty: none
  //! Peers whose X-Forwarded-For is believed (IPs or CIDR blocks, e.g. "127.0.0.1", "10.0.0.0/8");
  //! from anyone else the header is ignored and the peer address is the client.
  std::vector<std::string> trusted_proxies;
  bool security_headers = true;  // CSP, nosniff, frame and referrer policies
  std::string content_security_policy =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
      "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'none'";
  bool tls_behind_proxy = false;  // HTTPS terminates in front: send HSTS
  //! POSTs to paths starting with this are uploads: the body streams to a temporary file in
  //! upload_dir (Request::body_file) up to upload_limit bytes; "" = no uploads.
  std::string upload_prefix;
  std::string upload_dir;
  size_t upload_limit = 50u << 20;
};

class Server {
 public:
  //! `router` is not owned and must outlive the server. Not copyable.
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  //! Binds and starts serving in background threads; returns the bound port.
  //! kUnavailable (field "listen") when the address cannot be bound.
  core::Result<uint16_t> Start();
  //! Stops accepting, lets in-flight requests finish (up to shutdown_grace), joins the threads.
  //! Idempotent.
  void Stop();
  //! Start, then block until SIGINT or SIGTERM, then Stop.
  core::Status Run();

  struct Impl;  // public only so server.cpp's connection class can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::http
