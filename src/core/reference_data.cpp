#include "core/reference_data.h"

#include <fstream>
#include <sstream>

namespace huiqi::core {

namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t')) out.push_back(cell);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorKind::kNotFound, "reference_missing", "参考数据文件不存在：" + path.string(),
                     "reference data file missing: " + path.string());
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status CodeTable::Load(std::string_view tsv, std::string_view origin) {
  std::stringstream ss{std::string(tsv)};
  std::string line;
  int line_no = 0;
  std::vector<std::string> header;
  while (std::getline(ss, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cols = SplitTabs(line);
    if (header.empty()) {
      header = cols;
      continue;
    }
    if (cols.size() < 4 || cols[0].empty() || cols[1].empty()) {
      std::string where = std::string(origin) + ":" + std::to_string(line_no);
      return InvalidArgument("reference", "reference_format", where + " 格式错误", where + ": malformed");
    }
    CodeEntry e{cols[0], cols[1], cols[2], cols[3]};
    order_.push_back(e.code);
    entries_[e.code] = std::move(e);
  }
  return Ok();
}

const CodeEntry* CodeTable::Find(std::string_view code) const {
  auto it = entries_.find(code);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const CodeEntry*> CodeTable::Children(std::string_view parent) const {
  std::vector<const CodeEntry*> out;
  for (const auto& code : order_) {
    const auto& e = entries_.at(code);
    if (e.parent == parent) out.push_back(&e);
  }
  return out;
}

std::vector<const CodeEntry*> CodeTable::All() const {
  std::vector<const CodeEntry*> out;
  for (const auto& code : order_) out.push_back(&entries_.at(code));
  return out;
}

bool CodeTable::IsUnder(std::string_view code, std::string_view ancestor) const {
  const CodeEntry* e = Find(code);
  int guard = 0;
  while (e != nullptr && guard++ < 16) {
    if (e->code == ancestor) return true;
    if (e->parent.empty()) return false;
    e = Find(e->parent);
  }
  return false;
}

Result<ReferenceData> ReferenceData::Load(const std::filesystem::path& dir) {
  ReferenceData data;
  HQ_ASSIGN_OR_RETURN(std::string regions, ReadFile(dir / "regions_jiangsu.tsv"));
  HQ_RETURN_IF_ERROR(data.regions_.Load(regions, "regions_jiangsu.tsv"));
  HQ_ASSIGN_OR_RETURN(std::string industries, ReadFile(dir / "industry_gbt4754.tsv"));
  HQ_RETURN_IF_ERROR(data.industries_.Load(industries, "industry_gbt4754.tsv"));
  return data;
}

}  // namespace huiqi::core
