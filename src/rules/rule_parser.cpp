// Lexer and recursive-descent parser for the rule language, with type checking against the
// schema. Chinese text has no spaces, so at a CJK character the lexer takes the longest
// keyword or attribute name that starts there.

#include <algorithm>
#include <cctype>

#include "core/date.h"
#include "core/money.h"
#include "rules/rule.h"

namespace huiqi::rules {

namespace {

enum class Tok { kWord, kString, kNumber, kOp, kLParen, kRParen, kLBracket, kRBracket, kComma, kEnd };

struct Token {
  Tok kind;
  std::string text;  // words lower-cased if ASCII; numbers with their suffix
  int pos;
};

// Chinese keywords and comparators; the lexer prefers the longest match.
const std::vector<std::string>& ChineseWords() {
  static const std::vector<std::string> words = {
      "且",     "并且",   "而且",   "或",     "或者",   "非",         "不",       "不是", "拥有",
      "具有",   "具备",   "属于",   "位于",   "介于",   "之间",       "和",       "至",   "到",
      "年内",   "以内",   "近",     "年",     "是",     "否",         "为",       "大于", "小于",
      "不低于", "不少于", "不高于", "不超过", "不多于", "大于等于",   "小于等于", "等于", "不等于",
      "超过",   "达到",   "高于",   "低于",   "在",     "经部门审核", "部门审核", "凭",   "普惠"};
  return words;
}

bool IsCjk(char32_t c) {
  return c >= 0x2E80 && !(c >= 0xFF00 && c <= 0xFF65) && c != 0x201C && c != 0x201D && c != 0x3001 &&
         c != 0x3010 && c != 0x3011;
}

class Lexer {
 public:
  Lexer(std::string_view src, const Schema& schema) : src_(src) {
    words_ = ChineseWords();
    for (auto& n : schema.AllNames()) {
      if (!n.empty() && static_cast<unsigned char>(n[0]) >= 0x80) words_.push_back(n);
    }
  }

  core::Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpace();
      int pos = static_cast<int>(i_);
      if (i_ >= src_.size()) {
        out.push_back({Tok::kEnd, "", pos});
        return out;
      }
      HQ_ASSIGN_OR_RETURN(Token t, Next());
      t.pos = pos;
      out.push_back(std::move(t));
    }
  }

 private:
  void SkipSpace() {
    while (i_ < src_.size()) {
      if (src_[i_] == ' ' || src_[i_] == '\t' || src_[i_] == '\n' || src_[i_] == '\r') {
        ++i_;
      } else if (src_.substr(i_, 3) == "\u3000") {  // ideographic space
        i_ += 3;
      } else {
        break;
      }
    }
  }

  bool Take(std::string_view s) {
    if (src_.substr(i_, s.size()) != s) return false;
    i_ += s.size();
    return true;
  }

  core::Result<Token> Next() {
    for (auto [s, kind, norm] : std::initializer_list<std::tuple<std::string_view, Tok, std::string_view>>{
             {">=", Tok::kOp, ">="},      {"<=", Tok::kOp, "<="},     {"!=", Tok::kOp, "!="},
             {"==", Tok::kOp, "="},       {"≥", Tok::kOp, ">="},      {"≤", Tok::kOp, "<="},
             {"≠", Tok::kOp, "!="},       {"＞", Tok::kOp, ">"},      {"＜", Tok::kOp, "<"},
             {"＝", Tok::kOp, "="},       {">", Tok::kOp, ">"},       {"<", Tok::kOp, "<"},
             {"=", Tok::kOp, "="},        {"(", Tok::kLParen, "("},   {"（", Tok::kLParen, "("},
             {")", Tok::kRParen, ")"},    {"）", Tok::kRParen, ")"},  {"[", Tok::kLBracket, "["},
             {"【", Tok::kLBracket, "["}, {"]", Tok::kRBracket, "]"}, {"】", Tok::kRBracket, "]"},
             {",", Tok::kComma, ","},     {"，", Tok::kComma, ","},   {"、", Tok::kComma, ","}}) {
      if (Take(s)) return Token{kind, std::string(norm), 0};
    }
    if (Take("\"")) return String("\"");
    if (Take("“")) return String("”");
    char c = src_[i_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i_ + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[i_ + 1])))) {
      return Number();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::string w;
      while (i_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[i_])) || src_[i_] == '_')) {
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(src_[i_++])));
      }
      return Token{Tok::kWord, w, 0};
    }
    auto cps = DecodeUtf8(src_.substr(i_, 4));
    if (!cps.empty() && IsCjk(cps[0])) return ChineseWord();
    return Error(
        "无法识别的字符“" + std::string(src_.substr(i_, cps.empty() ? 1 : EncodeUtf8(cps[0]).size())) + "”",
        "unexpected character");
  }

  core::Result<Token> String(std::string_view close) {
    size_t end = src_.find(close, i_);
    if (end == std::string_view::npos) return Error("字符串缺少结束引号", "unterminated string");
    Token t{Tok::kString, std::string(src_.substr(i_, end - i_)), 0};
    i_ = end + close.size();
    return t;
  }

  core::Result<Token> Number() {
    std::string n;
    while (i_ < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[i_])) || src_[i_] == '.'))
      n += src_[i_++];
    for (std::string_view suffix : {"万元", "亿元", "万", "亿", "元", "%", "％"}) {
      if (Take(suffix)) {
        n += suffix == "％" ? std::string("%") : std::string(suffix);
        break;
      }
    }
    return Token{Tok::kNumber, n, 0};
  }

  core::Result<Token> ChineseWord() {
    size_t best = 0;
    for (const auto& w : words_) {
      if (w.size() > best && src_.substr(i_, w.size()) == w) best = w.size();
    }
    if (best > 0) {
      Token t{Tok::kWord, std::string(src_.substr(i_, best)), 0};
      i_ += best;
      return t;
    }
    // An unknown word: up to the next known word, space or non-CJK character.
    size_t start = i_;
    while (i_ < src_.size()) {
      auto cps = DecodeUtf8(src_.substr(i_, 4));
      if (cps.empty() || !IsCjk(cps[0])) break;
      bool known = i_ > start && std::any_of(words_.begin(), words_.end(), [&](const std::string& w) {
                     return src_.substr(i_, w.size()) == w;
                   });
      if (known) break;
      i_ += EncodeUtf8(cps[0]).size();
    }
    return Token{Tok::kWord, std::string(src_.substr(start, i_ - start)), 0};
  }

  core::Error Error(std::string zh, std::string en) {
    core::Error e =
        core::InvalidArgument("rule", "rule_syntax", "第 " + std::to_string(i_ + 1) + " 个字节处" + zh, en);
    e.position = static_cast<int>(i_);
    return e;
  }

  std::string_view src_;
  size_t i_ = 0;
  std::vector<std::string> words_;
};

bool IsWord(const Token& t, std::initializer_list<std::string_view> words) {
  if (t.kind != Tok::kWord) return false;
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return t.text == w; });
}

// Exact decimal text → integer at 10^scale_digits.
bool ParseScaled(std::string_view s, int scale_digits, int64_t& out) {
  std::string digits;
  int frac = -1;
  for (char c : s) {
    if (c == '.') {
      if (frac >= 0) return false;
      frac = 0;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      if (frac >= 0) ++frac;
    } else {
      return false;
    }
  }
  if (digits.empty()) return false;
  int f = frac < 0 ? 0 : frac;
  if (f > scale_digits) {
    // Extra fraction digits must be zeros.
    for (int k = 0; k < f - scale_digits; ++k) {
      if (digits.back() != '0') return false;
      digits.pop_back();
    }
    f = scale_digits;
  }
  if (digits.size() > 17) return false;
  out = std::stoll(digits);
  for (int k = f; k < scale_digits; ++k) out *= 10;
  return true;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, const Schema& schema) : t_(std::move(toks)), schema_(schema) {}

  core::Result<Node> Run() {
    HQ_ASSIGN_OR_RETURN(Node n, Or());
    if (Peek().kind != Tok::kEnd)
      return Err(Peek(), "rule_syntax", "多余的内容“" + Peek().text + "”", "unexpected trailing input");
    return n;
  }

 private:
  const Token& Peek(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  const Token& Advance() { return t_[std::min(p_++, t_.size() - 1)]; }

  core::Error Err(const Token& at, std::string code, std::string zh, std::string en) {
    std::string where = at.kind == Tok::kEnd ? "规则末尾" : "第 " + std::to_string(at.pos + 1) + " 个字节处";
    core::Error e = core::InvalidArgument("rule", std::move(code), where + "：" + zh,
                                          en + " at " + std::to_string(at.pos));
    e.position = at.pos;
    return e;
  }

  // A parenthesised group of the same connective joins its parent: "(a or b) or c" is a or b or c,
  // the form Print writes without the parentheses (Parse(Print(x)) == x; tests/fuzz rule_parser
  // found "x or (y or z)" printed flat and parsed back as another tree).
  static void AddOperand(Node& parent, Node child) {
    if (child.kind != parent.kind) return parent.children.push_back(std::move(child));
    for (Node& c : child.children) parent.children.push_back(std::move(c));
  }

  core::Result<Node> Or() {
    HQ_ASSIGN_OR_RETURN(Node left, And());
    if (!IsWord(Peek(), {"or", "或", "或者"})) return left;
    Node n{NodeKind::kOr};
    n.position = left.position;
    AddOperand(n, std::move(left));
    while (IsWord(Peek(), {"or", "或", "或者"})) {
      Advance();
      HQ_ASSIGN_OR_RETURN(Node right, And());
      AddOperand(n, std::move(right));
    }
    return n;
  }

  core::Result<Node> And() {
    HQ_ASSIGN_OR_RETURN(Node left, Not());
    if (!IsWord(Peek(), {"and", "且", "并且", "而且"})) return left;
    Node n{NodeKind::kAnd};
    n.position = left.position;
    AddOperand(n, std::move(left));
    while (IsWord(Peek(), {"and", "且", "并且", "而且"})) {
      Advance();
      HQ_ASSIGN_OR_RETURN(Node right, Not());
      AddOperand(n, std::move(right));
    }
    return n;
  }

  // Every nesting (a parenthesis, a 非) goes one level deeper on the C++ stack here and in each
  // later walk of the tree (printer, evaluators, JSON): cap it where a person's rule never goes.
  core::Status Deeper(const Token& at) {
    if (++depth_ <= kMaxRuleDepth) return core::Ok();
    return Err(at, "rule_too_deep", "括号或“非”嵌套超过 " + std::to_string(kMaxRuleDepth) + " 层",
               "nesting deeper than " + std::to_string(kMaxRuleDepth) + " levels");
  }

  core::Result<Node> Not() {
    if (IsWord(Peek(), {"not", "非", "不", "不是"})) {
      HQ_RETURN_IF_ERROR(Deeper(Peek()));
      int pos = Advance().pos;
      HQ_ASSIGN_OR_RETURN(Node child, Not());
      --depth_;
      Node n{NodeKind::kNot};
      n.position = pos;
      n.children.push_back(std::move(child));
      return n;
    }
    return Primary();
  }

  core::Result<Node> Primary() {
    const Token& t = Peek();
    if (t.kind == Tok::kLParen) {
      HQ_RETURN_IF_ERROR(Deeper(t));
      Advance();
      HQ_ASSIGN_OR_RETURN(Node inner, Or());
      if (Peek().kind != Tok::kRParen) return Err(Peek(), "rule_syntax", "缺少右括号", "expected ')'");
      Advance();
      --depth_;
      return inner;
    }
    if (IsWord(t, {"has", "拥有", "具有", "具备"})) return Has();
    if (IsWord(t, {"reviewed", "经部门审核", "部门审核"})) return Reviewed();
    if (IsWord(t, {"universal", "普惠"})) {
      Node n{NodeKind::kUniversal};
      n.position = Advance().pos;
      return n;
    }
    if (t.kind == Tok::kWord) return Predicate();
    if (t.kind == Tok::kEnd) return Err(t, "rule_syntax", "条件不完整", "incomplete rule");
    return Err(t, "rule_syntax", "此处应为条件，实际为“" + t.text + "”", "expected a condition");
  }

  core::Result<Node> Has() {
    int pos = Advance().pos;
    const Token& tag = Peek();
    if (tag.kind != Tok::kString || tag.text.empty()) {
      return Err(tag, "rule_syntax", "“拥有/has”后应为带引号的标签名，如 \"高新技术企业\"",
                 "expected a quoted tag after has");
    }
    Node n{NodeKind::kHas};
    n.attr = "tags";
    n.text = Advance().text;
    n.position = pos;
    // has "X" within 3 years | has "X" 3年内 | has "X" 近3年内
    if (IsWord(Peek(), {"within", "近"})) Advance();
    if (Peek().kind == Tok::kNumber) {
      const Token& num = Advance();
      int64_t years = 0;
      if (!ParseScaled(num.text, 0, years) || years <= 0 || years > 100) {
        return Err(num, "rule_value", "年数应为 1 到 100 的整数", "years must be an integer 1-100");
      }
      n.within_years = static_cast<int>(years);
      if (IsWord(Peek(), {"years", "year", "年内", "年", "以内"})) {
        Advance();
        if (IsWord(Peek(), {"以内", "内"})) Advance();
      } else {
        return Err(Peek(), "rule_syntax", "年数后应为 years 或 年内", "expected 'years'");
      }
    }
    return n;
  }

  // reviewed "获评常州市市长质量奖" evidence "市政府表彰决定" | 经部门审核 "…" 凭 "…"
  core::Result<Node> Reviewed() {
    int pos = Advance().pos;
    const Token& what = Peek();
    if (what.kind != Tok::kString || what.text.empty()) {
      return Err(what, "rule_syntax", "“部门审核/reviewed”后应为带引号的审核事项，如 \"获评市长质量奖\"",
                 "expected a quoted condition after reviewed");
    }
    Node n{NodeKind::kReviewed};
    n.text = Advance().text;
    n.position = pos;
    if (IsWord(Peek(), {"evidence", "凭"})) {
      Advance();
      const Token& ev = Peek();
      if (ev.kind != Tok::kString || ev.text.empty()) {
        return Err(ev, "rule_syntax", "“凭/evidence”后应为带引号的材料名", "expected quoted evidence");
      }
      n.evidence = Advance().text;
    }
    return n;
  }

  core::Result<const AttributeDef*> Attribute() {
    const Token& t = Advance();
    const AttributeDef* a = schema_.Find(t.text);
    if (a != nullptr) return a;
    std::string hint, hint_en;
    for (const auto* s : schema_.Suggest(t.text)) {
      hint += (hint.empty() ? "" : "、") + std::string("“") + s->label + "”(" + s->key + ")";
      hint_en += (hint_en.empty() ? "" : ", ") + s->key;
    }
    return Err(
        t, "rule_unknown_attribute",
        "未知属性“" + t.text + "”" + (hint.empty() ? "" : "，是否指 " + hint + "？"),
        "unknown attribute '" + t.text + "'" + (hint_en.empty() ? "" : "; did you mean " + hint_en + "?"));
  }

  std::optional<CmpOp> Comparator() {
    const Token& t = Peek();
    static const std::vector<std::pair<std::vector<std::string_view>, CmpOp>> kOps = {
        {{">=", "不低于", "不少于", "大于等于", "达到"}, CmpOp::kGe},
        {{"<=", "不高于", "不超过", "不多于", "小于等于"}, CmpOp::kLe},
        {{">", "大于", "超过", "高于"}, CmpOp::kGt},
        {{"<", "小于", "低于"}, CmpOp::kLt},
        {{"=", "等于", "为", "是"}, CmpOp::kEq},
        {{"!=", "不等于"}, CmpOp::kNe}};
    if (t.kind != Tok::kOp && t.kind != Tok::kWord) return std::nullopt;
    for (const auto& [names, op] : kOps) {
      for (auto n : names) {
        if (t.text == n) return op;
      }
    }
    return std::nullopt;
  }

  core::Result<Node> Predicate() {
    const Token& at = Peek();
    HQ_ASSIGN_OR_RETURN(const AttributeDef* attr, Attribute());
    Node n;
    n.attr = attr->key;
    n.position = at.pos;
    if (attr->type == AttrType::kTagSet) {
      return Err(at, "rule_type", "标签请用 has \"标签名\"（拥有 \"标签名\"）表达",
                 "use has \"tag\" for tags");
    }
    const Token& next = Peek();
    if (IsWord(next, {"under", "属于", "位于", "在"}) && Peek(1).kind == Tok::kString) {
      Advance();
      if (attr->type != AttrType::kCode) {
        return Err(next, "rule_type", "“" + attr->label + "”不是代码类属性，不能用 under/属于",
                   "under needs a code attribute");
      }
      n.kind = NodeKind::kUnder;
      HQ_ASSIGN_OR_RETURN(n.text, CodeValue(*attr, Advance()));
      return n;
    }
    if (IsWord(next, {"in", "属于", "在"}) && Peek(1).kind == Tok::kLBracket) {
      Advance();
      return InList(*attr, std::move(n));
    }
    if (IsWord(next, {"between", "介于"})) {
      Advance();
      return Between(*attr, std::move(n));
    }
    if (auto op = Comparator()) {
      const Token& op_tok = Advance();
      // "是 否"/"为 是": a bool stated in words.
      n.kind = NodeKind::kCompare;
      n.cmp = *op;
      return CompareValue(*attr, std::move(n), op_tok);
    }
    if (attr->type == AttrType::kBool) {
      n.kind = NodeKind::kCompare;
      n.cmp = CmpOp::kEq;
      n.number = 1;
      return n;
    }
    return Err(next, "rule_syntax", "“" + attr->label + "”后应为比较运算符（>=、<=、=、under、in、between）",
               "expected a comparison after the attribute");
  }

  core::Result<std::string> CodeValue(const AttributeDef& attr, const Token& t) {
    if (t.kind != Tok::kString || t.text.empty()) {
      return Err(t, "rule_value", "“" + attr.label + "”的值应为带引号的代码", "expected a quoted code");
    }
    bool ok = true;
    if (attr.code_table == "region") {
      ok = t.text.size() % 2 == 0 && t.text.size() <= 6 &&
           std::all_of(t.text.begin(), t.text.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    } else if (attr.code_table == "industry") {
      bool section = t.text.size() == 1 && t.text[0] >= 'A' && t.text[0] <= 'T';
      bool digits = t.text.size() >= 2 && t.text.size() <= 4 &&
                    std::all_of(t.text.begin(), t.text.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      ok = section || digits;
    }
    if (!ok) {
      return Err(t, "rule_value",
                 attr.code_table == "region"
                     ? "行政区划代码应为 2、4 或 6 位数字（如 \"3204\" 或 \"320400\"）"
                     : "行业代码应为门类字母 A–T 或 2–4 位数字",
                 "malformed code");
    }
    return NormalizeCodePrefix(attr.code_table, t.text);
  }

  core::Result<int64_t> NumberValue(const AttributeDef& attr, const Token& t) {
    auto bad = [&](std::string why) {
      return Err(t, "rule_value", "“" + attr.label + "”的取值“" + t.text + "”无效：" + why,
                 "bad value for " + attr.key);
    };
    if (attr.type == AttrType::kDate) {
      if (t.kind != Tok::kString) return bad("日期应写成 \"YYYY-MM-DD\"");
      auto d = core::Date::Parse(t.text, "rule");
      if (!d.ok()) return bad("日期应写成 \"YYYY-MM-DD\"");
      return int64_t{d->days()};
    }
    if (attr.type == AttrType::kBool) {
      if (IsWord(t, {"true", "是", "yes"})) return int64_t{1};
      if (IsWord(t, {"false", "否", "no"})) return int64_t{0};
      return bad("应为 true/false（是/否）");
    }
    if (t.kind != Tok::kNumber) return bad("应为数字");
    std::string s = t.text;
    auto strip = [&](std::string_view suffix) {
      if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
        s.resize(s.size() - suffix.size());
        return true;
      }
      return false;
    };
    int64_t v = 0;
    switch (attr.type) {
      case AttrType::kMoney: {
        if (s.find('%') != std::string::npos) return bad("金额不能用百分号");
        auto fen = core::ParseMoney(s, "rule");
        if (!fen.ok()) return bad("金额格式不对");
        return *fen;
      }
      case AttrType::kPercent:
        strip("%");
        if (!ParseScaled(s, 2, v)) return bad("百分比最多两位小数");
        return v;
      case AttrType::kDecimal: {
        int mult = strip("万") ? 4 : 0;
        if (!ParseScaled(s, 4 + mult, v)) return bad("最多四位小数");
        return v;
      }
      case AttrType::kInt: {
        int digits = strip("万") ? 4 : strip("亿") ? 8 : 0;
        if (s.find_first_not_of("0123456789.") != std::string::npos) return bad("应为整数");
        if (!ParseScaled(s, digits, v)) return bad("应为整数");
        return v;
      }
      default:
        return bad("类型不支持数值比较");
    }
  }

  core::Result<Node> CompareValue(const AttributeDef& attr, Node n, const Token& op_tok) {
    const Token& v = Advance();
    if (attr.type == AttrType::kEnum || attr.type == AttrType::kCode) {
      if (n.cmp != CmpOp::kEq && n.cmp != CmpOp::kNe) {
        return Err(op_tok, "rule_type", "“" + attr.label + "”只能比较等于或不等于",
                   "only = and != apply to " + attr.key);
      }
      n.is_text = true;
      if (attr.type == AttrType::kCode) {
        HQ_ASSIGN_OR_RETURN(n.text, CodeValue(attr, v));
        return n;
      }
      HQ_ASSIGN_OR_RETURN(n.text, EnumValue(attr, v));
      return n;
    }
    if (attr.type == AttrType::kBool && n.cmp != CmpOp::kEq && n.cmp != CmpOp::kNe) {
      return Err(op_tok, "rule_type", "“" + attr.label + "”是是/否属性", "bool attribute");
    }
    HQ_ASSIGN_OR_RETURN(n.number, NumberValue(attr, v));
    return n;
  }

  core::Result<std::string> EnumValue(const AttributeDef& attr, const Token& t) {
    if (t.kind != Tok::kString) {
      return Err(t, "rule_value", "“" + attr.label + "”的值应加引号", "expected a quoted value");
    }
    if (std::find(attr.enum_values.begin(), attr.enum_values.end(), t.text) == attr.enum_values.end()) {
      std::string all;
      for (const auto& e : attr.enum_values) all += (all.empty() ? "" : "、") + e;
      return Err(t, "rule_value", "“" + attr.label + "”没有取值“" + t.text + "”，可选：" + all,
                 "unknown enum value");
    }
    return t.text;
  }

  core::Result<Node> InList(const AttributeDef& attr, Node n) {
    Advance();  // [
    n.kind = NodeKind::kIn;
    n.is_text = attr.type == AttrType::kEnum || attr.type == AttrType::kCode;
    while (true) {
      const Token& v = Advance();
      if (attr.type == AttrType::kCode) {
        HQ_ASSIGN_OR_RETURN(std::string code, CodeValue(attr, v));
        n.texts.push_back(code);
      } else if (attr.type == AttrType::kEnum) {
        HQ_ASSIGN_OR_RETURN(std::string e, EnumValue(attr, v));
        n.texts.push_back(e);
      } else {
        HQ_ASSIGN_OR_RETURN(int64_t x, NumberValue(attr, v));
        n.numbers.push_back(x);
      }
      if (Peek().kind == Tok::kComma) {
        Advance();
        continue;
      }
      if (Peek().kind == Tok::kRBracket) {
        Advance();
        break;
      }
      return Err(Peek(), "rule_syntax", "列表应以 ] 结束，各项用逗号分隔", "expected ',' or ']'");
    }
    return n;
  }

  core::Result<Node> Between(const AttributeDef& attr, Node n) {
    n.kind = NodeKind::kBetween;
    if (attr.type == AttrType::kEnum || attr.type == AttrType::kCode || attr.type == AttrType::kBool) {
      return Err(Peek(), "rule_type", "“" + attr.label + "”不能用 between",
                 "between needs a numeric attribute");
    }
    HQ_ASSIGN_OR_RETURN(n.number, NumberValue(attr, Advance()));
    if (!IsWord(Peek(), {"and", "和", "至", "到", "且"})) {
      return Err(Peek(), "rule_syntax", "between 的两个值之间应为 and（和/至）", "expected 'and' in between");
    }
    Advance();
    HQ_ASSIGN_OR_RETURN(n.number2, NumberValue(attr, Advance()));
    if (IsWord(Peek(), {"之间"})) Advance();
    if (n.number2 < n.number) {
      return Err(Peek(), "rule_value", "between 的下限大于上限", "between bounds reversed");
    }
    return n;
  }

  std::vector<Token> t_;
  size_t p_ = 0;
  int depth_ = 0;
  const Schema& schema_;
};

}  // namespace

core::Result<Node> Parse(std::string_view text, const Schema& schema) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return core::InvalidArgument("rule", "rule_syntax", "规则为空", "empty rule");
  }
  Lexer lexer(text, schema);
  HQ_ASSIGN_OR_RETURN(auto tokens, lexer.Run());
  Parser parser(std::move(tokens), schema);
  return parser.Run();
}

std::string NormalizeCodePrefix(std::string_view table, std::string_view code) {
  std::string c(code);
  if (table == "region") {
    while (c.size() > 2 && c.size() % 2 == 0 && c.substr(c.size() - 2) == "00") c.resize(c.size() - 2);
  }
  return c;
}

}  // namespace huiqi::rules
