// CSV import of enterprise profiles: the file's encoding (UTF-8 or GBK), an RFC 4180 reader, the
// header mapped to attributes, a row-by-row report, and one transaction for the valid rows.
#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "core/csv.h"
#include "core/uscc.h"
#include "enterprise/detail/profile_repository.h"
#include "enterprise/detail/values.h"
#include "enterprise/profile.h"

namespace huiqi::enterprise {

using core::Result;
using core::Status;
using detail::Bad;
using detail::Trim;
using detail::UpsertIn;
using nlohmann::json;
using store::Session;

Result<ImportReport> ProfileService::ImportCsv(const audit::Actor& actor, std::istream& csv,
                                               const ImportOptions& opts) {
  HQ_ASSIGN_OR_RETURN(std::string text, core::CsvToUtf8(std::string((std::istreambuf_iterator<char>(csv)),
                                                                    std::istreambuf_iterator<char>())));
  auto rows = core::ReadCsv(text);
  ImportReport report;
  if (rows.empty() || rows[0].empty()) return Bad("file", "CSV 文件为空或缺少表头", "the CSV has no header");
  // Header: uscc and name by key or label; attributes by key, label or alias; tags.
  std::vector<std::string> keys;
  int uscc_col = -1, name_col = -1;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    std::string h = Trim(rows[0][i]);
    if (h == "uscc" || h == "统一社会信用代码") {
      uscc_col = static_cast<int>(i);
      keys.push_back("uscc");
    } else if (h == "name" || h == "企业名称" || h == "名称") {
      name_col = static_cast<int>(i);
      keys.push_back("name");
    } else if (const rules::AttributeDef* a = schema_.Find(h); a && !a->derived) {
      if (std::find(keys.begin(), keys.end(), a->key) != keys.end()) {
        return Bad("header", "表头列“" + h + "”重复", "duplicate column " + h);
      }
      keys.push_back(a->key);
    } else {
      std::string hint;
      if (auto s = schema_.Suggest(h, 1); !s.empty())
        hint = "，是否应为“" + s[0]->label + "”（" + s[0]->key + "）？";
      if (h.size() > 60) {  // quote a long header in part, cut at a character boundary
        size_t cut = 60;
        while (cut > 0 && (static_cast<unsigned char>(h[cut]) & 0xC0) == 0x80) --cut;
        h = h.substr(0, cut) + "…";
      }
      return Bad("header", "表头第 " + std::to_string(i + 1) + " 列“" + h + "”不是档案属性" + hint,
                 "unknown column " + h);
    }
  }
  if (uscc_col < 0)
    return Bad("header", "表头缺少“统一社会信用代码”（uscc）列", "the header needs a uscc column");

  struct Parsed {
    EnterpriseRecord rec;
    std::vector<std::string> touched;
  };
  std::vector<Parsed> good;
  std::set<std::string> seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    int line = static_cast<int>(r) + 1;
    if (row.empty() || (row.size() == 1 && Trim(row[0]).empty())) continue;
    ++report.rows;
    auto fail = [&](const std::string& field, const core::Error& e) {
      report.errors.push_back({line, field, e.code, e.message});
    };
    if (row.size() != keys.size()) {
      fail("row", Bad("row",
                      "第 " + std::to_string(line) + " 行有 " + std::to_string(row.size()) + " 列，表头有 " +
                          std::to_string(keys.size()) + " 列",
                      "wrong number of columns"));
      ++report.invalid;
      continue;
    }
    Parsed p;
    bool ok = true;
    auto uscc = core::NormalizeUscc(row[static_cast<size_t>(uscc_col)]);
    if (!uscc.ok()) {
      fail("uscc", uscc.error());
      ok = false;
    } else {
      p.rec.uscc = *uscc;
      if (!seen.insert(*uscc).second) {
        fail("uscc", Bad("uscc", "统一社会信用代码在文件中重复出现", "duplicate USCC in the file"));
        ok = false;
      }
    }
    if (name_col >= 0) p.rec.name = Trim(row[static_cast<size_t>(name_col)]);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == "uscc" || keys[i] == "name") continue;
      const rules::AttributeDef* a = schema_.Find(keys[i]);
      Status st = SetFact(p.rec.facts, *a, json(row[i]), reference_, keys[i]);
      if (!st.ok()) {
        fail(keys[i], st.error());
        ok = false;
      }
      p.touched.push_back(keys[i]);
    }
    if (ok) {
      ++report.valid;
      good.push_back(std::move(p));
    } else {
      ++report.invalid;
    }
  }
  if (report.invalid > 0 && !opts.skip_invalid) return report;  // nothing written
  Status st = db_.Write([&](Session& s) -> Status {
    int created = 0, updated = 0, unchanged = 0;
    for (const auto& p : good) {
      HQ_ASSIGN_OR_RETURN(UpsertResult r, UpsertIn(s, clock_, schema_, actor, p.rec, p.touched, opts.source));
      if (r.created) {
        ++created;
      } else if (r.changed > 0) {
        ++updated;
      } else {
        ++unchanged;
      }
    }
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged;
    return core::Ok();
  });
  if (!st.ok()) return st.error();
  report.committed = true;
  return report;
}

}  // namespace huiqi::enterprise
