// The CSV imports (enterprise archives, offer lists, bank result files, subsidy records all read
// through core::CsvToUtf8 + core::ReadCsv, then each cell through the archive's value parser
// enterprise::SetFact). Invariants: CsvToUtf8's text is valid UTF-8 (nlohmann can dump it);
// rows written back with CsvField read back the same (fields a spreadsheet would run as a formula
// are prefixed on purpose and left out); a cell SetFact accepts prints (FactText) to text that
// SetFact reads back to the same value; no exception escapes.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/csv.h"
#include "core/reference_data.h"
#include "core/uscc.h"
#include "enterprise/profile.h"
#include "fuzz_check.h"
#include "rules/schema.h"

using namespace huiqi;
using Rows = std::vector<std::vector<std::string>>;

namespace {

bool DumpsAsJson(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// The built-in attributes and one of each type an admin may add (attributes.h) that the built-in
// schema lacks: a decimal and an int with a unit.
const rules::Schema& FuzzSchema() {
  static const rules::Schema schema = [] {
    rules::Schema s = rules::BuiltinSchema();
    (void)s.Add({"fuzz_decimal", "模糊小数", rules::AttrType::kDecimal, "倍"});
    (void)s.Add({"fuzz_count", "模糊件数", rules::AttrType::kInt, "件"});
    return s;
  }();
  return schema;
}

const core::ReferenceData* Reference() {
  static const auto ref = core::ReferenceData::Load(HUIQI_FUZZ_DATA_DIR "/reference");
  return ref.ok() ? &*ref : nullptr;
}

// CsvField prefixes these with ' on purpose (negative numbers excepted, and skipped here too).
bool Formula(const std::string& f) {
  return !f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@');
}

void CheckRoundTrip(const Rows& rows) {
  std::string written;
  Rows expected;
  for (const auto& row : rows) {
    bool formula = false;
    for (const auto& f : row) formula = formula || Formula(f);
    if (formula) continue;
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i ? "," : "") + core::CsvField(row[i]);
    written += line + "\r\n";
    // A row of one empty field is written as a blank line, which reads as an empty row.
    expected.push_back(row.size() == 1 && row[0].empty() ? std::vector<std::string>{} : row);
  }
  FUZZ_CHECK(core::ReadCsv(written) == expected, written);
}

void CheckCell(const rules::AttributeDef& attr, const std::string& cell) {
  rules::Facts facts;
  core::Status st = enterprise::SetFact(facts, attr, nlohmann::json(cell), Reference(), attr.key);
  if (!st.ok()) {
    FUZZ_CHECK(st.error().field == attr.key, attr.key + ": " + cell);
    FUZZ_CHECK(DumpsAsJson(st.error().message), attr.key + ": " + cell);
    return;
  }
  auto text = enterprise::FactText(facts, attr);
  if (!text) return;  // an empty cell clears the value
  rules::Facts again;
  core::Status back = enterprise::SetFact(again, attr, nlohmann::json(*text), Reference(), attr.key);
  FUZZ_CHECK(back.ok(), attr.key + ": " + cell + " → " + *text + ": " + back.error().message_en);
  FUZZ_CHECK(again.numbers == facts.numbers && again.texts == facts.texts && again.tags == facts.tags,
             attr.key + ": " + cell + " → " + *text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = core::CsvToUtf8(std::string(reinterpret_cast<const char*>(data), size));
  if (!text.ok()) {
    FUZZ_CHECK(text.error().field == "file", text.error().code);
    return 0;
  }
  FUZZ_CHECK(DumpsAsJson(*text), "CsvToUtf8 gave invalid UTF-8");
  Rows rows = core::ReadCsv(*text);
  CheckRoundTrip(rows);
  if (rows.empty()) return 0;

  // As the archive import maps its header: a known attribute by key, label or alias; any other
  // column goes to an attribute chosen by its position, so every value parser sees the cells.
  const rules::Schema& schema = FuzzSchema();
  const auto& attrs = schema.attributes();
  std::vector<const rules::AttributeDef*> columns;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    const rules::AttributeDef* a = schema.Find(core::TrimField(rows[0][i]));
    columns.push_back(a && !a->derived ? a : &attrs[i % attrs.size()]);
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    for (size_t i = 0; i < rows[r].size() && i < columns.size(); ++i) {
      if (auto uscc = core::NormalizeUscc(rows[r][i]); uscc.ok()) FUZZ_CHECK(uscc->size() == 18, *uscc);
      if (!columns[i]->derived) CheckCell(*columns[i], rows[r][i]);
    }
  }
  return 0;
}
