#pragma once
// JSON text written straight into a string, for large answers where building an nlohmann::json
// tree first costs more than the work behind it: /me/matches is ~60 verdicts and ~100 KB, and
// the tree (a std::map per object, a copy of every string, then dump and destroy) took 90% of
// its time (docs/benchmarks.md "Reads"). Strings are escaped as nlohmann's dump() escapes them,
// with invalid UTF-8 replaced by U+FFFD as Response::Json does; keys are written in the order
// given (callers keep them sorted, as nlohmann's objects are, so answers do not change).
// Not thread-safe; one writer per answer.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace huiqi::http::detail {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  //! The next member's name; the value follows with one of the calls below.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  //! An already serialised JSON value, copied as it is.
  JsonWriter& Raw(std::string_view json);
  //! An nlohmann value, dumped as Response::Json would.
  JsonWriter& Value(const nlohmann::json& v);

  //! The text; the writer is empty afterwards.
  std::string Take();

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> empty_;  // one per open container: no member written yet
  bool after_key_ = false;
};

//! Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace huiqi::http::detail
