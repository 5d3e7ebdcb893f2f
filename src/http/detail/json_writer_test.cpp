#include "http/detail/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace huiqi::http::detail {
namespace {

using nlohmann::json;

std::string Dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(JsonWriter, EscapesStringsAsNlohmannDoes) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  for (std::string s : {std::string("plain"), std::string("引号\"与\\反斜杠"), controls, std::string("\x7f"),
                        std::string("高新技术企业 ＡＢＣ 😀"), std::string("a\nb\tc\r"), std::string()}) {
    std::string out;
    AppendJsonString(out, s);
    EXPECT_EQ(out, Dumped(json(s))) << s;
  }
}

TEST(JsonWriter, ReplacesInvalidUtf8) {
  for (std::string s : {std::string("a\xff"
                                    "b"),
                        std::string("\xe4\xbd"), std::string("\xed\xa0\x80"), std::string("\xc0\xaf"),
                        std::string("\xf4\x90\x80\x80")}) {
    std::string out;
    AppendJsonString(out, s);
    json back = json::parse(out);  // throws on invalid UTF-8 (overlong, surrogate, > U+10FFFF)
    EXPECT_NE(back.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
}

TEST(JsonWriter, NestsContainersWithCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a").BeginArray().Int(1).Int(-2).String("x").Bool(true).Null().EndArray();
  w.Key("b").BeginObject().EndObject();
  w.Key("c").BeginArray().EndArray();
  w.Key("d").Raw("{\"k\":[1]}");
  w.Key("e").Value(json{{"z", 1}, {"y", "二"}});
  w.Key("f").Int(INT64_MIN);
  w.EndObject();
  json expected = {
      {"a", {1, -2, "x", true, nullptr}}, {"b", json::object()}, {"c", json::array()}, {"d", {{"k", {1}}}},
      {"e", {{"y", "二"}, {"z", 1}}},     {"f", INT64_MIN}};
  std::string text = w.Take();
  EXPECT_EQ(text, Dumped(expected));  // keys written in sorted order give nlohmann's bytes
  EXPECT_EQ(w.Take(), "");
}

}  // namespace
}  // namespace huiqi::http::detail
