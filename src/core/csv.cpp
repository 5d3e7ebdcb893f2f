// One CSV reader and writer for every import and export (csv.h).
#include "core/csv.h"

#include <iconv.h>

namespace huiqi::core {

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cont & 0x3F);
    }
    // Strict (RFC 3629): no overlong forms, no UTF-16 surrogates, nothing past U+10FFFF. Such
    // bytes passed as "UTF-8" and reached error messages and stored text that nlohmann then
    // refused to dump (found by tests/fuzz csv_import).
    static constexpr char32_t kMinOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinOfLength[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += n;
  }
  return true;
}

}  // namespace

// Excel in a Chinese locale saves CSV as GBK: such a file is converted from GB18030 (a superset)
// with iconv; anything else is refused rather than stored as mojibake.
Result<std::string> CsvToUtf8(std::string data) {
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) data.erase(0, 3);
  if (ValidUtf8(data)) return data;
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1))
    return InvalidArgument("file", "file_encoding", "无法转换文件编码", "iconv unavailable");
  std::string out(data.size() * 2 + 16, '\0');
  char* in_p = data.data();
  size_t in_left = data.size();
  char* out_p = out.data();
  size_t out_left = out.size();
  size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || in_left != 0) {
    return InvalidArgument("file", "file_encoding", "文件编码无法识别：请将 CSV 保存为 UTF-8 或 GBK 编码",
                           "the file is neither UTF-8 nor GBK");
  }
  out.resize(out.size() - out_left);
  return out;
}

// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
std::vector<std::vector<std::string>> ReadCsv(std::string_view data) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"' && i + 1 < data.size() && data[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      } else {
        rows.emplace_back();  // a blank line keeps the line numbers right
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string CsvField(std::string_view value) {
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    // A negative number is data, not a formula.
    bool number = v.size() > 1 && v[0] == '-' && v.find_first_not_of("0123456789.", 1) == std::string::npos;
    if (!number) v = std::string(1, '\'') + v;
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string TrimField(std::string_view s) {
  auto strip = [&s] {
    bool changed = true;
    while (changed) {
      changed = false;
      while (!s.empty() &&
             (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
        s.remove_prefix(1);
        changed = true;
      }
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
        changed = true;
      }
      if (s.rfind("\u3000", 0) == 0) {
        s.remove_prefix(3);
        changed = true;
      }
      if (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000") {
        s.remove_suffix(3);
        changed = true;
      }
    }
  };
  strip();
  return std::string(s);
}

}  // namespace huiqi::core
