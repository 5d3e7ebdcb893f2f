// Demo blank forms (.docx) and filled-in samples (.pdf), see demo_documents.h.
#include "files/demo_documents.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace huiqi::files {

namespace {

std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

uint32_t Crc32(const std::string& data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void Le(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// A zip of stored (uncompressed) entries — all an Office Open XML package needs. The timestamp
// is fixed (2026-01-01 00:00) so the same parts give the same bytes.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  constexpr uint32_t kDosTime = 0, kDosDate = ((2026 - 1980) << 9) | (1 << 5) | 1;
  std::string out, central;
  for (const auto& [name, data] : parts) {
    uint32_t offset = static_cast<uint32_t>(out.size()), crc = Crc32(data);
    auto size = static_cast<uint32_t>(data.size());
    auto header = [&](std::string& h, bool is_central) {
      Le(h, is_central ? 0x02014b50u : 0x04034b50u, 4);
      if (is_central) Le(h, 20, 2);  // made by
      Le(h, 20, 2);                  // version needed
      Le(h, 0x0800, 2);              // UTF-8 names
      Le(h, 0, 2);                   // stored
      Le(h, kDosTime, 2);
      Le(h, kDosDate, 2);
      Le(h, crc, 4);
      Le(h, size, 4);
      Le(h, size, 4);
      Le(h, static_cast<uint32_t>(name.size()), 2);
      Le(h, 0, 2);  // extra
      if (is_central) {
        Le(h, 0, 2);  // comment
        Le(h, 0, 2);  // disk
        Le(h, 0, 2);  // internal attributes
        Le(h, 0, 4);  // external attributes
        Le(h, offset, 4);
      }
      h += name;
    };
    header(out, false);
    out += data;
    header(central, true);
  }
  uint32_t central_at = static_cast<uint32_t>(out.size());
  out += central;
  Le(out, 0x06054b50u, 4);
  Le(out, 0, 4);  // disk numbers
  Le(out, static_cast<uint32_t>(parts.size()), 2);
  Le(out, static_cast<uint32_t>(parts.size()), 2);
  Le(out, static_cast<uint32_t>(central.size()), 4);
  Le(out, central_at, 4);
  Le(out, 0, 2);
  return out;
}

std::string Paragraph(const std::string& text, bool heading = false) {
  return std::string("<w:p><w:r>") + (heading ? "<w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr>" : "") +
         "<w:t xml:space=\"preserve\">" + Escaped(text) + "</w:t></w:r></w:p>";
}

std::string Cell(const std::string& text) {
  return "<w:tc><w:tcPr><w:tcW w:w=\"4500\" w:type=\"dxa\"/></w:tcPr>" + Paragraph(text) + "</w:tc>";
}

// UTF-8 → the hex of its UTF-16BE code units, as a PDF string for the UniGB-UCS2-H encoding.
std::string Utf16BeHex(const std::string& s) {
  std::string out;
  auto put = [&](uint32_t unit) {
    static const char* hex = "0123456789ABCDEF";  // one UTF-16 code unit: four hex digits
    for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xF];
  };
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
    for (int k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

}  // namespace

FormSpec DemoForm(const std::string& item, const std::string& material) {
  return FormSpec{.title = material,
                  .item = item,
                  .material = material,
                  .fields = {{"申报单位名称", "常州星辰智能装备有限公司"},
                             {"统一社会信用代码", "913204127123456136"},
                             {"联系人及电话", "张明 0519-8888 0000"},
                             {"申报事项", item},
                             {"申报材料", material},
                             {"申报金额（万元）", "50"},
                             {"单位承诺", "所填内容真实、准确，如有不实愿承担相应责任。"}},
                  .note = "本样例仅供参考，数据为演示企业的虚构数据。"};
}

std::string BlankFormDocx(const FormSpec& form) {
  std::string rows;
  for (const auto& [label, value] : form.fields) {
    // The item and material are the form's own, printed in; the enterprise fills in the rest.
    bool printed = label == "申报事项" || label == "申报材料";
    rows += "<w:tr>" + Cell(label) + Cell(printed ? value : "") + "</w:tr>";
  }
  std::string borders;
  for (const char* b : {"top", "left", "bottom", "right", "insideH", "insideV"}) {
    borders += std::string("<w:") + b + " w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>";
  }
  std::string body = Paragraph(form.title, true) + Paragraph("事项：" + form.item) +
                     Paragraph("材料：" + form.material) + "<w:tbl><w:tblPr><w:tblBorders>" + borders +
                     "</w:tblBorders></w:tblPr>" + rows + "</w:tbl>" +
                     Paragraph("填写说明：请如实填写，加盖单位公章后扫描上传（PDF）。");
  const std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>";
  return Zip({
      {"[Content_Types].xml",
       xml + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
             "<Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
             "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"},
      {"_rels/.rels",
       xml + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
             "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"},
      {"word/document.xml",
       xml + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
           body + "<w:sectPr/></w:body></w:document>"},
  });
}

std::string SamplePdf(const FormSpec& form) {
  std::vector<std::pair<std::string, int>> lines{{form.title + "（填写样例）", 18}};
  for (const auto& [label, value] : form.fields) lines.emplace_back(label + "：" + value, 11);
  if (!form.note.empty()) lines.emplace_back(form.note, 9);
  std::string stream = "BT";
  int y = 790;
  for (const auto& [text, size] : lines) {
    stream += "\n/F1 " + std::to_string(size) + " Tf 1 0 0 1 56 " + std::to_string(y) + " Tm <" +
              Utf16BeHex(text) + "> Tj";
    y -= size + 16;
  }
  stream += "\nET";
  const std::vector<std::string> objects{
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
      "/Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
      "[6 0 R] >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
      "/Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
      "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
      "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"};
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace huiqi::files
