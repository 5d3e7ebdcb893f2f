#pragma once
// The 空白模板 (a Word document) and 填写样例 (a PDF) that `huiqi seed-demo` publishes for each
// demo guide's material (issue 12 item 6): made here, at seed time, from the item and material
// names, rather than committed as generated files. Real documents — a .docx is an Office Open
// XML package, a PDF draws its Chinese text in the Adobe-GB1 font STSong-Light that every reader
// provides without embedding — so the file store types them by content like any upload.
//
// Pure functions of their input: the same form gives the same bytes (fixed zip timestamps).

#include <string>
#include <utility>
#include <vector>

namespace huiqi::files {

//! What a blank form or its sample shows: a title, the item and material it belongs to, and
//! its fields — each a label and, in the sample, the value filled in ("" leaves the cell blank).
struct FormSpec {
  std::string title, item, material;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string note;  // one line under the table (how to fill in, or that the data are fictional)
};

//! The fields every demo form has, with the demo enterprise's (fictional) values for samples.
FormSpec DemoForm(const std::string& item, const std::string& material);

//! A .docx with the title, the item, the material and a two-column table of the fields with
//! their value cells left blank.
std::string BlankFormDocx(const FormSpec& form);

//! A one-page PDF with the title (…（填写样例）) and every field with its value.
std::string SamplePdf(const FormSpec& form);

}  // namespace huiqi::files
