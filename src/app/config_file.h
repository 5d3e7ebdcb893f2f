#pragma once
// The configuration file of `huiqi serve --config huiqi.toml` (issue 11 item 3): one TOML file
// with a section per module — [database], [paths], [server], [auth], [workflow], [payments], [files],
// [demo] — each key bound to one field of that module's options struct, whose default is written
// beside the field in its own header. Unknown sections and keys, wrong types and values out of
// range are errors naming the key ("auth.session_idle_minutes") and the line. Precedence, lowest
// first: the defaults, the file, the environment (HUIQI_DB, …), the command line.
// `huiqi config defaults` prints every key with its default; `huiqi config check FILE` validates.

#include <set>
#include <string>

#include "app/config.h"
#include "auth/auth_service.h"
#include "core/error.h"
#include "payments/payments.h"
#include "push/push.h"
#include "workflow/workflow_service.h"

namespace huiqi::app {

//! Everything `huiqi serve` is configured with.
struct ServeConfig {
  CommonOptions common;
  ServeOptions serve;
  auth::AuthOptions auth;
  workflow::WorkflowOptions workflow;
  payments::PaymentsOptions payments;
  push::PushOptions push;
  int64_t max_file_bytes = 50 << 20;  // [files] one uploaded file
  size_t upload_limit = 50u << 20;    // [server] one upload request body
  std::string sms_gateway_url;        // [notify] "" = SMS go to the file channel only
};

//! Reads `path` into `config`, leaving alone the keys in `given` (set by a flag or the
//! environment, "section.key"). kInvalidArgument with field = the key, message naming the line.
core::Status LoadConfigFile(const std::string& path, ServeConfig& config,
                            const std::set<std::string>& given = {});

//! Every value in range (the modules' own Validate included); field = the key.
core::Status ValidateConfig(const ServeConfig& config);

//! A TOML file of every key with its default and what it means (`huiqi config defaults`).
std::string DefaultConfigText();

//! The keys a flag of `huiqi serve` or an environment variable sets: "server.listen" for
//! --listen, "database.url" for --db or HUIQI_DB, …
std::string ConfigKeyOfFlag(const std::string& flag);
std::set<std::string> ConfigKeysFromEnvironment();

}  // namespace huiqi::app
