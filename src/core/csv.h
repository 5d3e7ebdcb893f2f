#pragma once
// CSV as Chinese offices exchange it: Excel in a Chinese locale saves GBK, others UTF-8 with or
// without a byte-order mark. One reader for every import (archives, offer lists, bank result
// files, subsidy records) and one field writer for every export.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::core {

//! The text as UTF-8: a BOM dropped, GBK (read as GB18030, its superset) converted with iconv.
//! kInvalidArgument (field "file") for anything else, rather than storing mojibake.
Result<std::string> CsvToUtf8(std::string data);

//! RFC 4180: quoted fields, doubled quotes, CRLF or LF. A blank line is an empty row, so row i is
//! line i + 1 of the file.
std::vector<std::vector<std::string>> ReadCsv(std::string_view data);

//! One field for a CSV line: quoted when it holds a comma, a quote or a line break; a leading
//! = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
std::string CsvField(std::string_view value);

//! Leading and trailing ASCII white space (and a full-width space) removed.
std::string TrimField(std::string_view s);

}  // namespace huiqi::core
