#pragma once
// Figures for the Document builder (internal to the doc stage): images read
// from the report folder, charts built from data.
#include <yaml-cpp/yaml.h>

#include "doc/document.h"

namespace paiban::doc {

/// The panels of a figure paragraph or ```figure row B: paths checked to stay
/// inside the report folder (symlinks too), images read. False after an error.
bool build_image_figure(const source::Block& b, const DocumentSettings& settings, DiagnosticSink& sink, Figure& out);

/// The image SRC of the report folder (named at SPAN), read once per build;
/// null after an error (outside the folder, missing, not an image).
std::shared_ptr<const image::Image> load_report_image(const std::string& src, const Span& span,
                                                      const DocumentSettings& settings, DiagnosticSink& sink);

/// A ```chart block: its YAML read, rows evaluated against DATA. Sets the
/// figure's id and caption. False after an error.
bool build_chart(const source::Block& b, const data::DataSet& data, DiagnosticSink& sink, Figure& out);

/// Parses a figure width: "60%" (fraction of the measure), "80mm", "6cm", "200pt".
bool parse_figure_length(const std::string& text, double& fraction, double& pt);

/// The span of a YAML node of a directive's body (```table, ```chart);
/// yaml-cpp counts bytes, editors code points.
Span directive_span(const source::Block& b, const YAML::Node& n);

}  // namespace paiban::doc
