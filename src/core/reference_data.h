#pragma once
// Reference code lists loaded from data/reference at start:
//   regions_jiangsu.tsv   GB/T 2260 division codes: 江苏省, its 13 cities and every county-level division
//   industry_gbt4754.tsv  GB/T 4754-2017 门类 A–T and 大类 01–97, and the few 中类/小类 rules name
// Read-only after loading; safe to share between threads.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::core {

struct CodeEntry {
  std::string code;
  std::string name;
  std::string parent;  // "" at the top
  std::string
      level;  // regions: province | prefecture | county; industries: section | division | group | class
};

//! A tree of codes: lookup, children, and the ancestor test the rules' `under` operator uses.
class CodeTable {
 public:
  Status Load(std::string_view tsv, std::string_view origin);
  const CodeEntry* Find(std::string_view code) const;
  std::vector<const CodeEntry*> Children(std::string_view parent) const;
  std::vector<const CodeEntry*> All() const;
  //! True when `code` equals `ancestor` or lies below it in the tree.
  bool IsUnder(std::string_view code, std::string_view ancestor) const;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, CodeEntry, std::less<>> entries_;
  std::vector<std::string> order_;
};

class ReferenceData {
 public:
  //! Loads both tables from `dir` (data/reference). Errors name the file and line.
  static Result<ReferenceData> Load(const std::filesystem::path& dir);
  const CodeTable& regions() const { return regions_; }
  const CodeTable& industries() const { return industries_; }

 private:
  CodeTable regions_;
  CodeTable industries_;
};

}  // namespace huiqi::core
