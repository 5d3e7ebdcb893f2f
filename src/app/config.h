#pragma once
// Options every command shares, with their defaults written beside each field. Only app/
// reads flags and the environment (STYLE.md habit 8).

#include <string>

namespace huiqi::app {

struct CommonOptions {
  std::string db_url = "sqlite:var/huiqi.db";  // --db, or HUIQI_DB
  std::string data_dir = "data";               // --data-dir, or HUIQI_DATA_DIR: holidays/, reference/, demo/
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // --listen HOST:PORT
  std::string web_dir = "web/dist";       // --web-dir: the built web app, served when present
  int io_threads = 2;                     // --io-threads
  int worker_threads = 4;                 // --workers: database and search work
  size_t body_limit = 8u << 20;           // --body-limit bytes (uploads come later)
};

}  // namespace huiqi::app
