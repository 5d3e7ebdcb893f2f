#pragma once
// Options every command shares, with their defaults written beside each field. Only app/
// reads flags and the environment (STYLE.md habit 8).

#include <string>
#include <vector>

namespace huiqi::app {

struct CommonOptions {
  std::string db_url = "sqlite:var/huiqi.db";  // --db, or HUIQI_DB
  std::string data_dir = "data";               // --data-dir, or HUIQI_DATA_DIR: holidays/, reference/, demo/
  //! --key-file, or HUIQI_KEY_FILE: the platform's secret keys (created 0600 when missing).
  //! Default: huiqi.key in the state directory. Every node and command of one deployment must
  //! use the same file; losing it loses the sealed fields (phone numbers, later bank accounts).
  std::string key_file;
  //! --state-dir, or HUIQI_STATE_DIR: the key file, the audit checkpoint, the SMS file channel.
  //! Default: the SQLite file's directory, or var/ for PostgreSQL.
  std::string state_dir;
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // --listen HOST:PORT
  std::string web_dir = "web/dist";       // --web-dir: the built web app, served when present
  int io_threads = 2;                     // --io-threads
  int worker_threads = 4;                 // --workers: database and search work
  size_t body_limit = 8u << 20;           // --body-limit bytes (uploads come later)
  //! Slow clients ([server], http::ServerOptions): header size, the first request's header, a
  //! kept-alive connection's wait for its next, a body after its header; open connections.
  size_t header_limit = 16u << 10;
  int header_timeout_seconds = 10;
  int idle_timeout_seconds = 30;
  int read_timeout_seconds = 30;
  int max_connections = 1024;
  std::vector<std::string>
      trusted_proxies;          // --trusted-proxy IP or CIDR (repeatable): X-Forwarded-For from these
  bool secure_cookies = false;  // --secure-cookies: behind TLS, cookies get the Secure flag and HSTS is sent
  //! --demo-identity: the demo identity provider vouches for any enterprise a registrant names,
  //! and phone codes are shown on the page instead of texted. For demos and tests only.
  bool demo_identity = false;
  //! --demo-days-ahead N: the server's clock runs N days ahead, so public notices and deadlines
  //! of a demo pass (the scheduler runs what fell due). For demos and tests only.
  int demo_days_ahead = 0;
  //! [backup] dir: where `huiqi serve` writes scheduled backups (DIR/huiqi-backup-YYYYMMDD-HHMMSS,
  //! Asia/Shanghai; app/cmd_backup.cpp). "" = no scheduled backups. On PostgreSQL with several
  //! nodes, set it on one node only.
  std::string backup_dir;
  int backup_every_hours = 24;  // [backup] every_hours: a backup when the newest one is this old
  int backup_keep = 7;          // [backup] keep: complete backups kept; older ones are removed
};

}  // namespace huiqi::app
