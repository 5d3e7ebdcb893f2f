// Money, dates, timestamps and percentages as people type them (src/core money.h / date.h and the
// archive's typed-in units, src/enterprise units.h). The same bytes go to every parser. Each either
// gives a value or an InvalidArgument naming the field, and what it gives survives its own
// formatting: ParseMoney(FormatYuan(f)) == f, ParseMoney(FormatMoneyCompact(f)) == f,
// Date::Parse(d.ToString()) == d and prints the input back (the format is strict),
// ParseTimestamp(FormatTimestamp(t)) == t, ParseInUnit(FormatInUnit(v, u), u) == v for 万元/元/亿元
// and %.
#include <cstdint>
#include <string>

#include "core/date.h"
#include "core/money.h"
#include "enterprise/units.h"
#include "fuzz_check.h"
#include "rules/schema.h"

using namespace huiqi;

namespace {

void CheckMoney(const std::string& text) {
  auto fen = core::ParseMoney(text, "amount");
  if (!fen.ok()) {
    FUZZ_CHECK(fen.error().field == "amount", text);
    return;
  }
  FUZZ_CHECK(*fen >= 0, text);
  std::string yuan = core::FormatYuan(*fen), compact = core::FormatMoneyCompact(*fen);
  auto back = core::ParseMoney(yuan), back_compact = core::ParseMoney(compact);
  FUZZ_CHECK(back.ok() && *back == *fen, text + " → " + yuan);
  FUZZ_CHECK(back_compact.ok() && *back_compact == *fen, text + " → " + compact);
}

void CheckDate(const std::string& text) {
  auto d = core::Date::Parse(text, "date");
  if (!d.ok()) return;
  FUZZ_CHECK(d->ToString() == text, text + " → " + d->ToString());
  FUZZ_CHECK(core::Date::FromYmd(d->year(), d->month(), d->day()) == *d, text);
  FUZZ_CHECK(d->Weekday() >= 1 && d->Weekday() <= 7, text);
}

void CheckTimestamp(const std::string& text) {
  auto t = core::ParseTimestamp(text, "at");
  if (!t.ok()) return;
  std::string printed = core::FormatTimestamp(*t);
  auto back = core::ParseTimestamp(printed);
  FUZZ_CHECK(back.ok() && *back == *t, text + " → " + printed);
}

void CheckInUnit(const rules::AttributeDef& attr, const std::string& text) {
  for (const std::string& unit : enterprise::UnitsFor(attr)) {
    auto v = enterprise::ParseInUnit(attr, text, unit, "value");
    if (!v.ok()) continue;
    FUZZ_CHECK(*v >= 0, text + " " + unit);
    auto shown = enterprise::FormatInUnit(attr, *v, unit);
    FUZZ_CHECK(shown.has_value(), unit);
    auto back = enterprise::ParseInUnit(attr, *shown, unit, "value");
    FUZZ_CHECK(back.ok() && *back == *v, text + " " + unit + " → " + *shown);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rules::Schema& schema = rules::BuiltinSchemaRef();
  static const rules::AttributeDef* money = schema.Find("revenue");
  static const rules::AttributeDef* percent = schema.Find("rd_ratio");
  static const rules::AttributeDef* people = schema.Find("employees");
  std::string text(reinterpret_cast<const char*>(data), size);
  CheckMoney(text);
  CheckDate(text);
  CheckTimestamp(text);
  CheckInUnit(*money, text);
  CheckInUnit(*percent, text);
  CheckInUnit(*people, text);
  return 0;
}
