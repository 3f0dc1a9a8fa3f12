// Micro-benchmarks of the text stages on the default report.
//   build/bench/paiban_bench --benchmark_filter=Compose
#include <benchmark/benchmark.h>

#include <algorithm>

#include "base/text_file.h"
#include "compose/compose.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/paginate.h"
#include "layout/prepare.h"
#include "pdf/writer.h"
#include "source/parse.h"

namespace paiban {
namespace {

/// The whole default report up to its pages, once (for the table, subsetting and PDF benchmarks).
struct Report {
  std::unique_ptr<fonts::FontSet> fonts;
  layout::LayoutSpec spec;
  source::SyntaxTree tree;
  data::DataSet data;
  doc::Document document;
  layout::Pages pages;
  layout::GlyphSets glyphs;
};

const Report& report() {
  static Report* r = [] {
    auto* r = new Report;
    DiagnosticSink sink;
    r->fonts = fonts::load_font_set(PAIBAN_SOURCE_DIR "/fonts", sink);
    r->spec = *layout::load_layout(PAIBAN_SOURCE_DIR "/layouts/report.yaml", sink);
    auto file = read_text_file(PAIBAN_SOURCE_DIR "/data/liangzhou-2023/report.md", sink);
    r->tree = *source::parse_source(*file, sink);
    r->data = *data::load_data_set(PAIBAN_SOURCE_DIR "/data/liangzhou-2023", r->tree.front.data, sink);
    r->document = doc::build_document(r->tree, r->data, sink);
    r->pages = layout::paginate(r->document, r->spec, *r->fonts, sink,
                                [r](const layout::GlyphSets& g) { r->glyphs = g; });
    return r;
  }();
  return *r;
}

struct Corpus {
  std::vector<std::vector<text::StyledText>> paragraphs;  ///< body paragraphs, styled as layout does
  std::vector<text::ShapedParagraph> shaped;
};

const Corpus& corpus() {
  static Corpus* c = [] {
    auto* c = new Corpus;
    const Report& r = report();
    DiagnosticSink sink;
    for (const auto& b : r.document.blocks) {
      if (b.kind != doc::BlockKind::Paragraph) continue;
      std::vector<text::StyledText> p;
      for (const auto& run : b.runs) p.push_back(text::StyledText{run.text, r.spec.body.role, r.spec.body.size, run.span});
      c->paragraphs.push_back(p);
      c->shaped.push_back(text::shape_paragraph(p, *r.fonts, sink));
    }
    return c;
  }();
  return *c;
}

void ShapeReport(benchmark::State& state) {
  const Corpus& c = corpus();
  DiagnosticSink sink;
  for (auto _ : state)
    for (const auto& p : c.paragraphs) benchmark::DoNotOptimize(text::shape_paragraph(p, *report().fonts, sink));
  state.counters["paragraphs"] = static_cast<double>(c.paragraphs.size());
}
BENCHMARK(ShapeReport)->Unit(benchmark::kMillisecond);

void ComposeReport(benchmark::State& state) {
  const Corpus& c = corpus();
  const Report& r = report();
  compose::ComposeSettings s = r.spec.compose;
  s.width_pt = r.spec.type_width();
  s.em_pt = r.spec.body.size;
  s.first_indent_pt = 2 * r.spec.body.size;
  s.strategy = state.range(0) ? compose::BreakStrategy::Optimal : compose::BreakStrategy::FirstFit;
  size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    for (const auto& p : c.shaped) lines += compose::compose_paragraph(p, *r.fonts, s).size();
  }
  state.counters["paragraphs"] = static_cast<double>(c.shaped.size());
  state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(ComposeReport)->Arg(1)->Arg(0)->ArgName("optimal")->Unit(benchmark::kMillisecond);

/// Table 9 (51 rows, merged labels): column widths, cell composition, row heights.
void TableLayout(benchmark::State& state) {
  const Report& r = report();
  const doc::Table* table9 = nullptr;
  for (const auto& b : r.document.blocks)
    if (b.table && b.table->label == "表9") table9 = b.table.get();
  DiagnosticSink sink;
  for (auto _ : state) benchmark::DoNotOptimize(layout::prepare_table(*table9, r.spec, *r.fonts, sink));
  state.counters["rows"] = table9->body_rows;
}
BENCHMARK(TableLayout)->Unit(benchmark::kMillisecond);

/// Pagination of the whole report (shaping, composing, the page-number loop).
void Paginate(benchmark::State& state) {
  const Report& r = report();
  for (auto _ : state) {
    DiagnosticSink sink;
    benchmark::DoNotOptimize(layout::paginate(r.document, r.spec, *r.fonts, sink));
  }
  state.counters["pages"] = static_cast<double>(r.pages.pages.size());
}
BENCHMARK(Paginate)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// hb-subset of the face with most glyphs (Noto Serif CJK SC: the body text).
void SubsetLargestFace(benchmark::State& state) {
  const Report& r = report();
  auto largest = std::max_element(r.glyphs.begin(), r.glyphs.end(),
                                  [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  for (auto _ : state) benchmark::DoNotOptimize(pdf::subset_face(r.fonts->face(largest->first), largest->second));
  state.counters["glyphs"] = static_cast<double>(largest->second.size());
}
BENCHMARK(SubsetLargestFace)->Unit(benchmark::kMillisecond);

/// Every face of the report, subset in parallel (as a build does).
void SubsetAllFaces(benchmark::State& state) {
  const Report& r = report();
  for (auto _ : state) benchmark::DoNotOptimize(pdf::subset_fonts(r.glyphs, *r.fonts));
  state.counters["faces"] = static_cast<double>(r.glyphs.size());
}
BENCHMARK(SubsetAllFaces)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// Writing the PDF from its pages, the subsets made beforehand.
void WritePdf(benchmark::State& state) {
  const Report& r = report();
  pdf::PreparedFonts prepared = pdf::subset_fonts(r.glyphs, *r.fonts);
  pdf::DocumentInfo info{"凉州区中等职业教育质量年度报告（2023年）", "凉州区教育局", "paiban"};
  size_t bytes = 0;
  for (auto _ : state) {
    DiagnosticSink sink;
    auto pdf = pdf::write_pdf(r.pages, *r.fonts, info, sink, &prepared);
    bytes = pdf ? pdf->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(WritePdf)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// All of writing, as a build does it: subsetting every face, then
/// serialising. CPU is summed over threads, for comparison with Paginate.
void WriteReport(benchmark::State& state) {
  const Report& r = report();
  pdf::DocumentInfo info{"凉州区中等职业教育质量年度报告（2023年）", "凉州区教育局", "paiban"};
  size_t bytes = 0;
  for (auto _ : state) {
    DiagnosticSink sink;
    pdf::PreparedFonts prepared = pdf::subset_fonts(r.glyphs, *r.fonts);
    auto pdf = pdf::write_pdf(r.pages, *r.fonts, info, sink, &prepared);
    bytes = pdf ? pdf->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(WriteReport)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace paiban

BENCHMARK_MAIN();
