// huiqi.toml: every key bound once, in one table (kKeys), to a field of a module's options; the
// parser (toml++), `config defaults` and `config check` all read that table. toml++ is included
// here only.

#include "app/config_file.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <functional>
#include <sstream>
#include <vector>

namespace huiqi::app {

namespace {

// One key of the file: where it lives, how to read it into the config, how to print its default.
struct Key {
  const char* section;
  const char* name;
  const char* help;
  enum class Type { kInt, kString, kBool, kStrings } type;
  int64_t min = 0, max = 0;  // kInt
  std::function<void(ServeConfig&, const toml::node&)> set;
  std::function<std::string(const ServeConfig&)> show;  // the value as TOML
};

std::string Quote(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);
  return out.str();
}

template <typename T>
Key Int(const char* section, const char* name, const char* help, int64_t min, int64_t max,
        T ServeConfig::*group, auto member) {
  return {section,
          name,
          help,
          Key::Type::kInt,
          min,
          max,
          [group, member](ServeConfig& c, const toml::node& n) {
            (c.*group).*member = static_cast<std::remove_reference_t<decltype((c.*group).*member)>>(
                n.value<int64_t>().value_or(0));
          },
          [group, member](const ServeConfig& c) { return std::to_string((c.*group).*member); }};
}

template <typename T>
Key Str(const char* section, const char* name, const char* help, T ServeConfig::*group,
        std::string T::*member) {
  return {section,
          name,
          help,
          Key::Type::kString,
          0,
          0,
          [group, member](ServeConfig& c, const toml::node& n) {
            (c.*group).*member = n.value<std::string>().value_or("");
          },
          [group, member](const ServeConfig& c) { return Quote((c.*group).*member); }};
}

template <typename T>
Key Bool(const char* section, const char* name, const char* help, T ServeConfig::*group, bool T::*member) {
  return {
      section,
      name,
      help,
      Key::Type::kBool,
      0,
      0,
      [group, member](ServeConfig& c, const toml::node& n) {
        (c.*group).*member = n.value<bool>().value_or(false);
      },
      [group, member](const ServeConfig& c) { return std::string((c.*group).*member ? "true" : "false"); }};
}

// The config's own fields (not in a module's struct).
Key OwnInt(const char* section, const char* name, const char* help, int64_t min, int64_t max, auto member) {
  return {section,
          name,
          help,
          Key::Type::kInt,
          min,
          max,
          [member](ServeConfig& c, const toml::node& n) {
            c.*member =
                static_cast<std::remove_reference_t<decltype(c.*member)>>(n.value<int64_t>().value_or(0));
          },
          [member](const ServeConfig& c) { return std::to_string(c.*member); }};
}

const std::vector<Key>& Keys() {
  using A = auth::AuthOptions;
  using W = workflow::WorkflowOptions;
  using P = payments::PaymentsOptions;
  using U = push::PushOptions;
  using S = ServeOptions;
  using C = CommonOptions;
  static const std::vector<Key> keys = {
      Str("database", "url", "sqlite:PATH 或 postgresql://…（环境变量 HUIQI_DB，命令行 --db）",
          &ServeConfig::common, &C::db_url),
      Str("paths", "data_dir", "holidays/、reference/、demo/ 所在目录（HUIQI_DATA_DIR，--data-dir）",
          &ServeConfig::common, &C::data_dir),
      Str("paths", "state_dir",
          "密钥文件、审计检查点、短信文件通道（HUIQI_STATE_DIR；空 = SQLite 文件旁，或 var/）",
          &ServeConfig::common, &C::state_dir),
      Str("paths", "key_file", "平台密钥文件（HUIQI_KEY_FILE；空 = <state_dir>/huiqi.key）",
          &ServeConfig::common, &C::key_file),
      Str("server", "listen", "监听地址 HOST:PORT（--listen）", &ServeConfig::serve, &S::listen),
      Str("server", "web_dir", "前端构建目录（--web-dir）", &ServeConfig::serve, &S::web_dir),
      Int("server", "io_threads", "I/O 线程数（--io-threads）", 1, 64, &ServeConfig::serve, &S::io_threads),
      Int("server", "workers", "工作线程数：数据库与检索（--workers）", 1, 256, &ServeConfig::serve,
          &S::worker_threads),
      Int("server", "body_limit", "JSON 请求体上限，字节（--body-limit）", 1024, int64_t{1} << 30,
          &ServeConfig::serve, &S::body_limit),
      OwnInt("server", "upload_limit", "一次上传的请求体上限，字节", 1024, int64_t{1} << 32,
             &ServeConfig::upload_limit),
      Int("server", "header_limit", "请求头上限，字节（超出答 431/400 并断开）", 1024, int64_t{1} << 20,
          &ServeConfig::serve, &S::header_limit),
      Int("server", "header_timeout_seconds", "新连接须在此时间内发完第一个请求头（秒；慢速攻击在此断开）", 1,
          3600, &ServeConfig::serve, &S::header_timeout_seconds),
      Int("server", "idle_timeout_seconds", "保持连接等待下一个请求的时间（秒）", 1, 3600,
          &ServeConfig::serve, &S::idle_timeout_seconds),
      Int("server", "read_timeout_seconds", "请求头之后须在此时间内发完请求体（秒）", 1, 3600,
          &ServeConfig::serve, &S::read_timeout_seconds),
      Int("server", "max_connections", "同时打开的连接上限（超出的新连接答 503 并断开）", 8, 1000000,
          &ServeConfig::serve, &S::max_connections),
      {"server", "trusted_proxies", "可信反向代理 IP 或网段：只采信它们的 X-Forwarded-For（--trusted-proxy）",
       Key::Type::kStrings, 0, 0,
       [](ServeConfig& c, const toml::node& n) {
         c.serve.trusted_proxies.clear();
         for (const auto& e : *n.as_array())
           c.serve.trusted_proxies.push_back(e.value<std::string>().value_or(""));
       },
       [](const ServeConfig& c) {
         std::string out = "[";
         for (size_t i = 0; i < c.serve.trusted_proxies.size(); ++i)
           out += (i ? ", " : "") + Quote(c.serve.trusted_proxies[i]);
         return out + "]";
       }},
      Bool("server", "secure_cookies", "经 HTTPS 访问：Cookie 加 Secure 并发送 HSTS（--secure-cookies）",
           &ServeConfig::serve, &S::secure_cookies),
      Int("auth", "session_idle_minutes", "无操作多久后会话结束", 5, 24 * 60, &ServeConfig::auth,
          &A::session_idle_minutes),
      Int("auth", "session_max_hours", "登录后最长多久会话结束", 1, 24 * 7, &ServeConfig::auth,
          &A::session_max_hours),
      Int("auth", "session_refresh_minutes", "滑动过期时间最多多久写一次", 1, 60, &ServeConfig::auth,
          &A::session_refresh_minutes),
      Int("auth", "session_cache_ms", "解析过的会话在本节点复用多久（0 = 每次读库）", 0, 60000,
          &ServeConfig::auth, &A::session_cache_ms),
      Int("auth", "max_failures_per_pair", "同一账号同一地址失败几次后锁定该组合", 1, 100, &ServeConfig::auth,
          &A::max_failures_per_pair),
      Int("auth", "account_backoff_after", "同一账号失败几次后开始延迟", 1, 1000, &ServeConfig::auth,
          &A::account_backoff_after),
      Int("auth", "account_backoff_max_seconds", "延迟上限（秒）", 1, 3600, &ServeConfig::auth,
          &A::account_backoff_max_seconds),
      Int("auth", "max_failures_per_address", "同一地址（任意账号）失败次数上限", 1, 100000,
          &ServeConfig::auth, &A::max_failures_per_address),
      Int("auth", "failure_window_minutes", "失败计数的时间窗（分钟）", 1, 24 * 60, &ServeConfig::auth,
          &A::failure_window_minutes),
      Int("auth", "trusted_device_days", "登录过的浏览器免账号延迟的天数", 1, 365, &ServeConfig::auth,
          &A::trusted_device_days),
      Int("auth", "max_registrations_per_address", "同一地址每小时注册数", 1, 10000, &ServeConfig::auth,
          &A::max_registrations_per_address),
      Int("auth", "max_registrations_per_minute", "全平台每分钟注册数", 1, 10000, &ServeConfig::auth,
          &A::max_registrations_per_minute),
      Int("auth", "phone_code_minutes", "短信验证码有效期（分钟）", 1, 60, &ServeConfig::auth,
          &A::phone_code_minutes),
      Int("auth", "phone_code_attempts", "一个验证码可尝试次数", 1, 10, &ServeConfig::auth,
          &A::phone_code_attempts),
      Int("auth", "max_codes_per_phone", "同一手机号每小时验证码数", 1, 1000, &ServeConfig::auth,
          &A::max_codes_per_phone),
      Int("auth", "max_codes_per_address", "同一地址每小时验证码数", 1, 1000000, &ServeConfig::auth,
          &A::max_codes_per_address),
      Int("auth", "invitation_days", "企业邀请码有效期（天）", 1, 90, &ServeConfig::auth,
          &A::invitation_days),
      Int("workflow", "publicity_days", "办理流程未写明时的公示期（工作日）", 1, 30, &ServeConfig::workflow,
          &W::publicity_days),
      Int("workflow", "deficiency_days", "补正通知的答复期限（工作日）", 1, 60, &ServeConfig::workflow,
          &W::deficiency_days),
      Int("workflow", "max_application_bytes", "一件申报全部材料的上限（字节）", 1024, int64_t{1} << 34,
          &ServeConfig::workflow, &W::max_application_bytes),
      Int("payments", "confirm_days", "免申即享：企业确认期限（工作日）", 1, 60, &ServeConfig::payments,
          &P::confirm_days),
      Int("payments", "remind_before_days", "免申即享：截止前几个工作日提醒", 0, 30, &ServeConfig::payments,
          &P::remind_before_days),
      Int("payments", "pay_days", "兑付清单确认后拨付期限（工作日）", 1, 60, &ServeConfig::payments,
          &P::pay_days),
      Int("payments", "record_days", "拨付后报送奖补数据期限（工作日，常州办法第三十条）", 1, 30,
          &ServeConfig::payments, &P::record_days),
      Int("payments", "claim_answer_days", "异议、未收到诉求的答复期限（工作日）", 1, 30,
          &ServeConfig::payments, &P::claim_answer_days),
      Int("payments", "unpaid_flag_days", "审批后超过多少工作日未到账即提示财政", 1, 365,
          &ServeConfig::payments, &P::unpaid_flag_days),
      Int("push", "daily_cap", "政策推送：每家企业每日即时推送上限（企业可调低，超出部分进入摘要）", 0, 100,
          &ServeConfig::push, &U::daily_cap),
      Int("push", "weekly_cap", "政策推送：每家企业每周即时推送上限", 0, 500, &ServeConfig::push,
          &U::weekly_cap),
      Int("push", "approval_threshold", "部门批量推送超过多少家企业须审核人批准", 0, 10000000,
          &ServeConfig::push, &U::approval_threshold),
      Int("push", "digest_hour", "推送摘要的发送时刻（北京时间，时）", 0, 23, &ServeConfig::push,
          &U::digest_hour),
      OwnInt("files", "max_file_bytes", "单个上传材料的上限（字节）", 1024, int64_t{1} << 32,
             &ServeConfig::max_file_bytes),
      {"notify", "sms_gateway_url",
       "短信网关地址（HTTP POST JSON）；空 = 短信只写入文件通道 <state_dir>/sms-outbox.log",
       Key::Type::kString, 0, 0,
       [](ServeConfig& c, const toml::node& n) { c.sms_gateway_url = n.value<std::string>().value_or(""); },
       [](const ServeConfig& c) { return Quote(c.sms_gateway_url); }},
      Str("backup", "dir",
          "定时备份目录（每次写入 huiqi-backup-时间戳/）；空 = 不做定时备份；多节点时只在一个节点上设置",
          &ServeConfig::serve, &S::backup_dir),
      Int("backup", "every_hours", "定时备份间隔（小时）：最新一份备份满这么久即再备份", 1, 24 * 30,
          &ServeConfig::serve, &S::backup_every_hours),
      Int("backup", "keep", "保留最新几份定时备份（更早的删除）", 1, 1000, &ServeConfig::serve,
          &S::backup_keep),
      Bool("demo", "identity", "演示用法人身份认证与页面显示验证码（--demo-identity，生产环境勿用）",
           &ServeConfig::serve, &S::demo_identity),
      Int("demo", "days_ahead", "演示用：时钟提前天数（--demo-days-ahead，生产环境勿用）", 0, 3650,
          &ServeConfig::serve, &S::demo_days_ahead),
  };
  return keys;
}

const char* TypeName(Key::Type t) {
  switch (t) {
    case Key::Type::kInt:
      return "整数 integer";
    case Key::Type::kString:
      return "字符串 string";
    case Key::Type::kBool:
      return "true/false";
    case Key::Type::kStrings:
      return "字符串数组 array of strings";
  }
  return "";
}

bool TypeFits(Key::Type t, const toml::node& n) {
  switch (t) {
    case Key::Type::kInt:
      return n.is_integer();
    case Key::Type::kString:
      return n.is_string();
    case Key::Type::kBool:
      return n.is_boolean();
    case Key::Type::kStrings: {
      const auto* arr = n.as_array();
      if (!arr) return false;
      for (const auto& e : *arr)
        if (!e.is_string()) return false;
      return true;
    }
  }
  return false;
}

std::string Where(const std::string& path, const toml::node& n) {
  return path + ":" + std::to_string(n.source().begin.line);
}

core::Error Bad(const std::string& key, const std::string& code, const std::string& zh,
                const std::string& en) {
  return core::InvalidArgument(key, code, zh, en);
}

}  // namespace

std::string ConfigKeyOfFlag(const std::string& flag) {
  static const std::map<std::string, std::string> keys = {
      {"--db", "database.url"},
      {"--data-dir", "paths.data_dir"},
      {"--state-dir", "paths.state_dir"},
      {"--key-file", "paths.key_file"},
      {"--listen", "server.listen"},
      {"--web-dir", "server.web_dir"},
      {"--io-threads", "server.io_threads"},
      {"--workers", "server.workers"},
      {"--body-limit", "server.body_limit"},
      {"--trusted-proxy", "server.trusted_proxies"},
      {"--secure-cookies", "server.secure_cookies"},
      {"--demo-identity", "demo.identity"},
      {"--demo-days-ahead", "demo.days_ahead"},
  };
  auto it = keys.find(flag);
  return it == keys.end() ? "" : it->second;
}

std::set<std::string> ConfigKeysFromEnvironment() {
  std::set<std::string> out;
  for (auto [env, key] :
       {std::pair{"HUIQI_DB", "database.url"}, std::pair{"HUIQI_DATA_DIR", "paths.data_dir"},
        std::pair{"HUIQI_KEY_FILE", "paths.key_file"}, std::pair{"HUIQI_STATE_DIR", "paths.state_dir"}}) {
    if (const char* v = std::getenv(env); v && *v) out.insert(key);
  }
  return out;
}

core::Status LoadConfigFile(const std::string& path, ServeConfig& config,
                            const std::set<std::string>& given) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::string where = path + ":" + std::to_string(e.source().begin.line);
    return Bad("config", "config_syntax",
               "配置文件格式错误（" + where + "）：" + std::string(e.description()),
               "config syntax error at " + where + ": " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Bad("config", "config_unreadable", "无法读取配置文件 " + path, std::string("cannot read ") + path);
  }
  const auto& keys = Keys();
  for (const auto& [section_name, section] : doc) {
    std::string sname(section_name.str());
    const toml::table* table = section.as_table();
    bool known = std::any_of(keys.begin(), keys.end(), [&](const Key& k) { return sname == k.section; });
    if (!known || !table) {
      return Bad(sname, "config_unknown_key",
                 "配置文件中没有“" + sname + "”这一节（" + Where(path, section) + "）",
                 "unknown section " + sname + " at " + Where(path, section));
    }
    for (const auto& [key_name, node] : *table) {
      std::string full = sname + "." + std::string(key_name.str());
      auto k = std::find_if(keys.begin(), keys.end(),
                            [&](const Key& x) { return sname == x.section && key_name.str() == x.name; });
      if (k == keys.end()) {
        return Bad(full, "config_unknown_key", "未知的配置项 " + full + "（" + Where(path, node) + "）",
                   "unknown key " + full + " at " + Where(path, node));
      }
      if (!TypeFits(k->type, node)) {
        return Bad(full, "config_type",
                   "配置项 " + full + " 应为" + TypeName(k->type) + "（" + Where(path, node) + "）",
                   full + " must be " + TypeName(k->type) + " at " + Where(path, node));
      }
      if (k->type == Key::Type::kInt) {
        int64_t v = node.value<int64_t>().value_or(0);
        if (v < k->min || v > k->max) {
          std::string range = std::to_string(k->min) + "–" + std::to_string(k->max);
          return Bad(full, "config_range",
                     "配置项 " + full + " 应在 " + range + " 之间，现为 " + std::to_string(v) + "（" +
                         Where(path, node) + "）",
                     full + " must be within " + range + " at " + Where(path, node));
        }
      }
      if (given.count(full)) continue;  // a flag or the environment wins
      k->set(config, node);
    }
  }
  return ValidateConfig(config);
}

core::Status ValidateConfig(const ServeConfig& config) {
  HQ_RETURN_IF_ERROR(config.auth.Validate());
  const std::string& url = config.common.db_url;
  if (url.rfind("sqlite:", 0) != 0 && url.rfind("postgresql://", 0) != 0 &&
      url.rfind("postgres://", 0) != 0) {
    return Bad("database.url", "config_database_url", "数据库地址应为 sqlite:PATH 或 postgresql://…",
               "database.url must be sqlite:PATH or postgresql://…");
  }
  if (config.serve.listen.find(':') == std::string::npos) {
    return Bad("server.listen", "config_listen", "监听地址应为 HOST:PORT", "server.listen must be HOST:PORT");
  }
  if (!config.sms_gateway_url.empty() && config.sms_gateway_url.rfind("http://", 0) != 0 &&
      config.sms_gateway_url.rfind("https://", 0) != 0) {
    return Bad("notify.sms_gateway_url", "config_url", "短信网关地址应以 http:// 或 https:// 开头",
               "notify.sms_gateway_url must be an http(s) URL");
  }
  return core::Ok();
}

std::string DefaultConfigText() {
  ServeConfig defaults;
  std::ostringstream out;
  out << "# huiqi.toml — `huiqi serve --config huiqi.toml`. Every key, with its default.\n"
         "# Precedence: these defaults < this file < environment (HUIQI_DB, HUIQI_DATA_DIR, "
         "HUIQI_STATE_DIR,\n"
         "# HUIQI_KEY_FILE) < command-line flags. Unknown keys and values out of range are errors.\n";
  std::string section;
  for (const auto& k : Keys()) {
    if (section != k.section) {
      section = k.section;
      out << "\n[" << section << "]\n";
    }
    out << "# " << k.help;
    if (k.type == Key::Type::kInt) out << "（" << k.min << "–" << k.max << "）";
    out << "\n" << k.name << " = " << k.show(defaults) << "\n";
  }
  return out.str();
}

}  // namespace huiqi::app
