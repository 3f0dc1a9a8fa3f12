// Micro-benchmarks of the text stages on the default report.
//   build/bench/paiban_bench --benchmark_filter=Compose
#include <benchmark/benchmark.h>

#include "base/text_file.h"
#include "compose/compose.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "source/parse.h"

namespace paiban {
namespace {

struct Corpus {
  std::unique_ptr<fonts::FontSet> fonts;
  layout::LayoutSpec spec;
  std::vector<std::vector<text::StyledText>> paragraphs;  ///< body paragraphs, styled as layout does
  std::vector<text::ShapedParagraph> shaped;
};

const Corpus& corpus() {
  static Corpus* c = [] {
    auto* c = new Corpus;
    DiagnosticSink sink;
    c->fonts = fonts::load_font_set(PAIBAN_SOURCE_DIR "/fonts", sink);
    c->spec = *layout::load_layout(PAIBAN_SOURCE_DIR "/layouts/report.yaml", sink);
    auto file = read_text_file(PAIBAN_SOURCE_DIR "/data/liangzhou-2023/report.md", sink);
    auto tree = source::parse_source(*file, sink);
    data::DataSet no_data;
    no_data.root.kind = data::Value::Kind::Record;
    no_data.root.record = std::make_shared<data::Record>();
    auto doc = doc::build_document(*tree, no_data, sink);
    for (const auto& b : doc.blocks) {
      if (b.kind != doc::BlockKind::Paragraph) continue;
      std::vector<text::StyledText> p;
      for (const auto& r : b.runs) p.push_back(text::StyledText{r.text, c->spec.body.role, c->spec.body.size, r.span});
      c->paragraphs.push_back(p);
      c->shaped.push_back(text::shape_paragraph(p, *c->fonts, sink));
    }
    return c;
  }();
  return *c;
}

void ShapeReport(benchmark::State& state) {
  const Corpus& c = corpus();
  DiagnosticSink sink;
  for (auto _ : state)
    for (const auto& p : c.paragraphs) benchmark::DoNotOptimize(text::shape_paragraph(p, *c.fonts, sink));
  state.counters["paragraphs"] = static_cast<double>(c.paragraphs.size());
}
BENCHMARK(ShapeReport)->Unit(benchmark::kMillisecond);

void ComposeReport(benchmark::State& state) {
  const Corpus& c = corpus();
  compose::ComposeSettings s = c.spec.compose;
  s.width_pt = c.spec.type_width();
  s.em_pt = c.spec.body.size;
  s.first_indent_pt = 2 * c.spec.body.size;
  s.strategy = state.range(0) ? compose::BreakStrategy::Optimal : compose::BreakStrategy::FirstFit;
  size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    for (const auto& p : c.shaped) lines += compose::compose_paragraph(p, *c.fonts, s).size();
  }
  state.counters["paragraphs"] = static_cast<double>(c.shaped.size());
  state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(ComposeReport)->Arg(1)->Arg(0)->ArgName("optimal")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace paiban

BENCHMARK_MAIN();
