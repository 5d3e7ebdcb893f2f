#include "core/uscc.h"

#include <array>
#include <cctype>

namespace huiqi::core {

namespace {

constexpr std::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31 characters
constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

int CharValue(char c) {
  auto pos = kCharset.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// GB 32100-2015 表1: the categories each registration authority may use.
std::string_view CategoriesOf(char authority) {
  switch (authority) {
    case '1':
      return "1239";  // 机构编制: 机关, 事业单位, 群众团体, 其他
    case '2':
      return "19";  // 外交
    case '3':
      return "1234559";  // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会
    case '4':
      return "19";  // 文化
    case '5':
      return "1239";  // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    case '6':
      return "129";  // 旅游
    case '7':
      return "129";  // 宗教
    case '8':
      return "19";  // 工会
    case '9':
      return "123";  // 工商: 企业, 个体工商户, 农民专业合作社
    case 'A':
      return "19";  // 中央军委改革和编制办公室
    case 'N':
      return "1239";  // 农业: 农村集体经济组织
    case 'Y':
      return "1";  // 其他
    default:
      return "";
  }
}

// Province-level prefixes of GB/T 2260 division codes, plus 10 (national organs).
bool KnownProvince(int p) {
  static constexpr int kProvinces[] = {10, 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                       43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
  for (int k : kProvinces) {
    if (k == p) return true;
  }
  return false;
}

Error Bad(std::string_view field, std::string code, std::string zh, std::string en) {
  return InvalidArgument(std::string(field), std::move(code), "统一社会信用代码无效：" + zh,
                         "invalid USCC: " + en);
}

}  // namespace

char UsccCheckChar(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += CharValue(first17[i]) * kWeights[i];
  int c = 31 - sum % 31;
  return kCharset[c == 31 ? 0 : c];
}

char OrgCodeCheckChar(std::string_view body8) {
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    char ch = body8[i];
    int v = (ch >= '0' && ch <= '9') ? ch - '0' : ch - 'A' + 10;
    sum += v * kOrgWeights[i];
  }
  int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

Status ValidateUscc(std::string_view code, std::string_view field) {
  if (code.size() != 18) {
    return Bad(field, "uscc_length", "应为 18 位，实际 " + std::to_string(code.size()) + " 位",
               "must be 18 characters, got " + std::to_string(code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (CharValue(code[i]) < 0) {
      std::string ch(1, code[i]);
      std::string extra = std::islower(static_cast<unsigned char>(code[i])) ? "（字母须大写）"
                          : (std::string("IOZSV").find(code[i]) != std::string::npos)
                              ? "（代码不使用 I、O、Z、S、V）"
                              : "";
      return Bad(field, "uscc_charset",
                 "第 " + std::to_string(i + 1) + " 位“" + ch + "”不是允许的字符" + extra,
                 "character " + std::to_string(i + 1) + " '" + ch + "' is not allowed");
    }
  }
  std::string_view categories = CategoriesOf(code[0]);
  if (categories.empty()) {
    return Bad(field, "uscc_authority", "第 1 位登记管理部门代码“" + std::string(1, code[0]) + "”不存在",
               "unknown registration authority code");
  }
  if (categories.find(code[1]) == std::string_view::npos) {
    return Bad(field, "uscc_category",
               "第 2 位机构类别代码“" + std::string(1, code[1]) + "”与登记管理部门代码“" +
                   std::string(1, code[0]) + "”不匹配",
               "organisation category does not fit the registration authority");
  }
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return Bad(field, "uscc_region", "第 3–8 位行政区划码应为 6 位数字",
                 "characters 3-8 must be a 6-digit division code");
    }
  }
  int province = (code[2] - '0') * 10 + (code[3] - '0');
  if (!KnownProvince(province)) {
    return Bad(field, "uscc_region", "第 3–8 位行政区划码“" + std::string(code.substr(2, 6)) + "”不存在",
               "unknown division code");
  }
  char org_check = OrgCodeCheckChar(code.substr(8, 8));
  if (code[16] != org_check) {
    return Bad(field, "uscc_org_code",
               "第 9–17 位组织机构代码校验位应为“" + std::string(1, org_check) + "”，实际为“" +
                   std::string(1, code[16]) + "”",
               std::string("organisation code check character should be ") + org_check);
  }
  char check = UsccCheckChar(code.substr(0, 17));
  if (code[17] != check) {
    return Bad(field, "uscc_check_digit",
               "第 18 位校验码应为“" + std::string(1, check) + "”，实际为“" + std::string(1, code[17]) +
                   "”（可能有字符录入错误）",
               std::string("check character should be ") + check);
  }
  return Ok();
}

Result<std::string> NormalizeUscc(std::string_view text, std::string_view field) {
  std::string s;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  HQ_RETURN_IF_ERROR(ValidateUscc(s, field));
  return s;
}

}  // namespace huiqi::core
