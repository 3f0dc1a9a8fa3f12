// libFuzzer: the workbook reader. The input's first byte chooses what the
// rest is: the whole file (a ZIP, or an OLE file for FreeXL), or one part —
// the sheet, the shared strings, the styles, the workbook — inside an
// otherwise valid .xlsx, so that the XML handling is reached as well as the
// ZIP and the limits.
#include <unistd.h>
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/data.h"

namespace {

std::string folder() {
  static std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "paiban-fuzz-workbook-XXXXXX").string();
    return std::string(mkdtemp(t.data()));
  }();
  return dir;
}

const char* const kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>)";
const char* const kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
const char* const kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="学校" sheetId="1" r:id="rId1"/></sheets></workbook>)";
const char* const kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>)";
const char* const kSheet =
    R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2" s="1"><v>45536</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells></worksheet>)";
const char* const kStrings =
    R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>学校</t></si><si><r><t>成</t></r><r><t>立</t></r></si></sst>)";
const char* const kStyles =
    R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>)";

/// An .xlsx whose part number WHICH (0 workbook, 1 sheet, 2 strings, 3 styles) is BODY.
void write_package(const std::string& path, int which, const std::string& body) {
  std::filesystem::remove(path);
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!zip) return;
  struct Part {
    const char* name;
    std::string text;
  } parts[] = {{"xl/workbook.xml", kWorkbook},          {"xl/worksheets/sheet1.xml", kSheet},
               {"xl/sharedStrings.xml", kStrings},      {"xl/styles.xml", kStyles},
               {"[Content_Types].xml", kContentTypes},  {"_rels/.rels", kRootRels},
               {"xl/_rels/workbook.xml.rels", kWorkbookRels}};
  parts[which].text = body;
  for (auto& p : parts) {
    zip_source_t* source = zip_source_buffer(zip, p.text.data(), p.text.size(), 0);
    if (zip_file_add(zip, p.name, source, ZIP_FL_OVERWRITE) < 0) zip_source_free(source);
  }
  zip_close(zip);  // reads the buffers, which live until here
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string dir = folder();
  int mode = data[0] % 6;
  std::string yaml;
  if (mode == 0) {
    std::ofstream(dir + "/t.xlsx", std::ios::binary) << body;
    yaml = "t: {xlsx: t.xlsx, header: 2}\n";
  } else if (mode == 1) {
    std::ofstream(dir + "/t.xls", std::ios::binary) << body;
    yaml = "t: {xls: t.xls}\n";
  } else {
    write_package(dir + "/t.xlsx", mode - 2, body);
    yaml = (data[0] & 8) ? "t: {xlsx: t.xlsx, sheet: 学校, range: A1:C9, skip-hidden: true}\n" : "t: {xlsx: t.xlsx}\n";
  }
  std::ofstream(dir + "/data.yaml", std::ios::binary) << yaml;
  paiban::DiagnosticSink sink;
  auto set = paiban::data::load_data_set(dir, {"data.yaml"}, sink);
  (void)set;
  return 0;
}
