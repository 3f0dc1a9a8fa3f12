// Metadata: the Info dictionary, the catalog and /ID, and PDF/A-1b (XMP, OutputIntent).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "pdf/writer_internal.h"

namespace paiban::pdf {

void Writer::set_info(const DocumentInfo& info) {
  check(HPDF_UseUTFEncodings(pdf_), "HPDF_UseUTFEncodings");
  check(HPDF_SetCurrentEncoder(pdf_, "UTF-8"), "HPDF_SetCurrentEncoder");
  if (!info.title.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_TITLE, info.title.c_str()), "HPDF_SetInfoAttr(Title)");
  if (!info.author.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_AUTHOR, info.author.c_str()), "HPDF_SetInfoAttr(Author)");
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_CREATOR, info.creator.c_str()), "HPDF_SetInfoAttr(Creator)");
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_PRODUCER, info.creator.c_str()), "HPDF_SetInfoAttr(Producer)");
  if (!info.subject.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_SUBJECT, info.subject.c_str()), "HPDF_SetInfoAttr(Subject)");
  if (!info.keywords.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_KEYWORDS, info.keywords.c_str()), "HPDF_SetInfoAttr(Keywords)");
  if (info.creation_time >= 0) {
    time_t t = static_cast<time_t>(info.creation_time);
    struct tm utc;
    gmtime_r(&t, &utc);
    HPDF_Date d{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, 'Z', 0, 0};
    check(HPDF_SetInfoDateAttr(pdf_, HPDF_INFO_CREATION_DATE, d), "HPDF_SetInfoDateAttr(CreationDate)");
    check(HPDF_SetInfoDateAttr(pdf_, HPDF_INFO_MOD_DATE, d), "HPDF_SetInfoDateAttr(ModDate)");
  }
  digest_.update(info.title + "\n" + info.author + "\n" + info.subject + "\n" + std::to_string(info.creation_time));
}

std::string Writer::xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

/// PDF/A-1b: version 1.4, XMP metadata matching the Info dictionary, and an
/// sRGB OutputIntent (the text and rules are device colours).
void Writer::write_pdfa(const DocumentInfo& info) {
  pdf_->pdf_version = HPDF_VER_14;
  std::string date;
  if (info.creation_time >= 0) {
    time_t t = static_cast<time_t>(info.creation_time);
    struct tm utc;
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    date = buf;
  }
  std::string xmp = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                    "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                    "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n";
  xmp += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<dc:format>application/pdf</dc:format>\n";
  if (!info.title.empty())
    xmp += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) + "</rdf:li></rdf:Alt></dc:title>\n";
  if (!info.author.empty())
    xmp += "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  if (!info.subject.empty())
    xmp += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.subject) +
           "</rdf:li></rdf:Alt></dc:description>\n";
  xmp += "</rdf:Description>\n";
  xmp += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n<pdf:Producer>" +
         xml_escape(info.creator) + "</pdf:Producer>\n";
  if (!info.keywords.empty()) xmp += "<pdf:Keywords>" + xml_escape(info.keywords) + "</pdf:Keywords>\n";
  xmp += "</rdf:Description>\n";
  xmp += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n<xmp:CreatorTool>" +
         xml_escape(info.creator) + "</xmp:CreatorTool>\n";
  if (!date.empty()) xmp += "<xmp:CreateDate>" + date + "</xmp:CreateDate>\n<xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n";
  xmp += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
  HPDF_Dict metadata = new_stream(xmp, false);
  check(HPDF_Dict_AddName(metadata, "Type", "Metadata"), "/Metadata");
  check(HPDF_Dict_AddName(metadata, "Subtype", "XML"), "/Metadata");
  check(HPDF_Dict_Add(pdf_->catalog, "Metadata", metadata), "/Metadata");

  std::string icc = read_binary(info.icc_profile);
  if (icc.empty()) throw HaruFailure(fmt::format("cannot read the sRGB profile {} (apt-get install icc-profiles-free)", info.icc_profile));
  HPDF_Dict profile = new_stream(icc, true);
  check(HPDF_Dict_AddNumber(profile, "N", 3), "ICC profile");
  HPDF_Dict intent = new_indirect_dict();
  check(HPDF_Dict_AddName(intent, "Type", "OutputIntent"), "/OutputIntent");
  check(HPDF_Dict_AddName(intent, "S", "GTS_PDFA1"), "/OutputIntent");
  check(HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(pdf_->mmgr, "sRGB IEC61966-2.1", nullptr)), "/OutputIntent");
  check(HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf_->mmgr, "sRGB IEC61966-2.1", nullptr)), "/OutputIntent");
  check(HPDF_Dict_Add(intent, "DestOutputProfile", profile), "/OutputIntent");
  HPDF_Array intents = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  check(HPDF_Array_Add(intents, intent), "/OutputIntents");
  check(HPDF_Dict_Add(pdf_->catalog, "OutputIntents", intents), "/OutputIntents");
}

std::string Writer::read_binary(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return {};
  std::string out;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  std::fclose(f);
  return out;
}

/// /Lang, and a document /ID derived from the content (the same input
/// gives the same ID; libharu writes none without encryption).
void Writer::write_catalog_and_id(const DocumentInfo& info) {
  check(HPDF_Dict_Add(pdf_->catalog, "Lang", HPDF_String_New(pdf_->mmgr, info.language.c_str(), nullptr)), "/Lang");
  HPDF_BYTE id[16];
  digest_.final(id);
  HPDF_Array ids = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  check(HPDF_Array_Add(ids, HPDF_Binary_New(pdf_->mmgr, id, 16)), "/ID");
  check(HPDF_Array_Add(ids, HPDF_Binary_New(pdf_->mmgr, id, 16)), "/ID");
  check(HPDF_Dict_Add(pdf_->trailer, "ID", ids), "/ID");
}

}  // namespace paiban::pdf
