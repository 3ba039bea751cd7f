#include "reports/html_report.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/checks.h"
#include "evidence/command_check.h"
#include "evidence/console_pattern_check.h"
#include "reports/flaky_counts.h"
#include "reports/junit_writer.h"
#include "reports/phase_statistics.h"
#include "reports/terminal_summary.h"

namespace livecheck {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { margin-bottom: 0.2em; }
.meta { color: #555; margin-bottom: 1.5em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; font-size: 14px; white-space: nowrap; }
th { background: #f3f3f3; }
td.PASS { background: #d9f2d9; } td.FAIL { background: #f8d0d0; font-weight: bold; }
td.ERROR { background: #f9e0b0; font-weight: bold; } td.SKIP, td.none { color: #999; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; max-height: 24em; font-size: 12px; }
.summary span { margin-right: 1.5em; font-weight: bold; }
.flaky { color: #8a5a00; font-weight: bold; font-size: 12px; }
)";

const char* kPhaseColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                               "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string Cell(const std::string& status, const std::string& title) {
  return fmt::format("<td class=\"{0}\" title=\"{1}\">{0}</td>", status, HtmlEscape(title));
}

// The run's verdict; a retried run says so in the cell, a flaky one plainly.
std::string ResultCell(const RunResult& r) {
  std::string status = StatusName(r.status);
  if (r.attempts.size() < 2) return Cell(status, r.error);
  std::string title;
  for (const auto& a : r.attempts)
    title += fmt::format("attempt {}: {}{}\n", a.attempt, StatusName(a.status), a.error.empty() ? "" : " (" + a.error + ")");
  std::string mark = r.flaky ? fmt::format("flaky infrastructure, {} attempts", r.attempts.size())
                             : fmt::format("{} attempts", r.attempts.size());
  return fmt::format("<td class=\"{0}\" title=\"{1}\">{0}<br><span class=\"flaky\">{2}</span></td>", status,
                     HtmlEscape(title), mark);
}

// Per variant over its repetitions: how many runs needed a retry.
std::string FlakyTable(const RunReport& report) {
  std::string rows;
  for (const auto& c : CountFlaky(report.results))
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", HtmlEscape(c.variant),
                        c.runs, c.flaky, c.infrastructure_errors, c.attempts);
  return "<table id=\"flaky\">\n<tr><th>variant</th><th>runs</th><th>flaky (passed after an infrastructure "
         "ERROR)</th><th>infrastructure ERROR every attempt</th><th>attempts</th></tr>\n" + rows + "</table>\n";
}

// Every attempt of a retried run, with its error and console log.
std::string Attempts(const RunResult& r) {
  if (r.attempts.size() < 2) return "";
  std::string items;
  for (const auto& a : r.attempts) {
    std::string log = a.console_log.empty() ? "" : fmt::format(" <a href=\"{0}\">{0}</a>", HtmlEscape(a.console_log));
    items += fmt::format("<li>attempt {}: {}{}{}</li>\n", a.attempt, StatusName(a.status),
                         a.error.empty() ? "" : " (" + HtmlEscape(ErrorCauseName(a.cause)) + "): " + HtmlEscape(a.error), log);
  }
  return "<ul>\n" + items + "</ul>\n";
}

std::string Matrix(const RunReport& report) {
  std::string rows;
  for (const auto& r : report.results) {
    std::map<std::string, const CheckResult*> by_name;
    for (const auto& c : r.checks) by_name[c.name] = &c;
    std::string cells;
    for (const auto& name : CheckNames()) {
      auto it = by_name.find(name);
      cells += it == by_name.end() ? "<td class=\"none\">&ndash;</td>"
                                   : Cell(StatusName(it->second->status), it->second->summary);
    }
    // A forensic reader must see that the system under test ran livecheck's agent.
    std::string entry = HtmlEscape(r.kernel_entry);
    if (!r.injected.empty())
      entry += fmt::format("<br><span class=\"injected\" title=\"{}\">+ injected agent</span>", HtmlEscape(r.injected));
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}<td>{:.1f} s</td></tr>\n",
                        HtmlEscape(r.scenario), HtmlEscape(r.variant), entry, r.repetition,
                        ResultCell(r), cells, r.wall_seconds);
  }
  std::string head =
      "<tr><th>scenario</th><th>variant</th><th title=\"how the kernel was entered: pvh, bzimage or the medium's "
      "bootloader\">kernel entry</th><th>rep</th><th>result</th>";
  for (const auto& name : CheckNames()) head += "<th>" + HtmlEscape(name) + "</th>";
  head += "<th>wall</th></tr>\n";
  return "<table id=\"matrix\">\n" + head + rows + "</table>\n";
}

// Horizontal bars per variant from QEMU's start: a first segment up to the
// kernel's first clock tick (firmware, bootloader, decompression), then one
// segment per phase interval (median seconds; the guest's uptime placed
// after kernel-start, or host time for media without markers, said in the label).
std::string PhaseChart(const RunReport& report) {
  auto stats = SummarizePhases(report.results);
  std::vector<std::string> variants, phases;
  std::map<std::string, std::vector<std::pair<std::string, double>>> by_variant;
  std::set<std::string> host_clock;
  for (const auto& s : stats) {
    if (s.phase == "failed" || s.phase == "poweroff") continue;
    if (std::find(variants.begin(), variants.end(), s.variant) == variants.end()) variants.push_back(s.variant);
    if (s.host_clock && s.phase != kKernelStartPhase) host_clock.insert(s.variant);
    if (std::find(phases.begin(), phases.end(), s.phase) == phases.end()) phases.push_back(s.phase);
    by_variant[s.variant].push_back({s.phase, s.since_start});
  }
  double longest = 1;
  for (const auto& [v, list] : by_variant)
    for (const auto& [p, t] : list) longest = std::max(longest, t);
  const int label_width = 200, bar_width = 600, row = 26, top = 10;
  int legend_top = top + static_cast<int>(variants.size()) * row + 30;
  int height = legend_top + static_cast<int>((phases.size() + 3) / 4) * 20 + 10;
  std::string svg = fmt::format(
      "<svg id=\"phase-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"boot phases per variant\">\n",
      label_width + bar_width + 200, height);
  auto colour = [&](const std::string& phase) {
    auto index = std::find(phases.begin(), phases.end(), phase) - phases.begin();
    return kPhaseColours[index % 10];
  };
  for (size_t i = 0; i < variants.size(); ++i) {
    int y = top + static_cast<int>(i) * row;
    svg += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"13\">{}{}</text>\n", y + 15, HtmlEscape(variants[i]),
                       host_clock.count(variants[i]) ? " (host time)" : "");
    double previous = 0;
    auto list = by_variant[variants[i]];
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [phase, t] : list) {
      double x0 = label_width + previous / longest * bar_width;
      double w = std::max(1.0, (t - previous) / longest * bar_width);
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"18\" fill=\"{}\"><title>{}: {:.2f} s"
                         "</title></rect>\n",
                         x0, y, w, colour(phase), HtmlEscape(phase), t);
      previous = t;
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"12\">{:.2f} s after QEMU start</text>\n",
                       label_width + previous / longest * bar_width + 4, y + 14, previous);
  }
  for (size_t i = 0; i < phases.size(); ++i) {
    int x = static_cast<int>(i % 4) * 200, y = legend_top + static_cast<int>(i / 4) * 20;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
                       "font-size=\"12\">{}</text>\n",
                       x, y, colour(phases[i]), x + 16, y + 11, HtmlEscape(phases[i]));
  }
  return svg + "</svg>\n";
}

// The annotated write map of each disk a check's evidence holds
// (no-disk-writes: "disks"; internal-disk-untouched: "disk").
std::string WriteMapTable(const nlohmann::json& evidence) {
  std::vector<nlohmann::json> disks;
  if (evidence.is_object() && evidence.contains("disks") && evidence["disks"].is_array())
    for (const auto& d : evidence["disks"]) disks.push_back(d);
  if (evidence.is_object() && evidence.contains("disk") && evidence["disk"].is_object()) disks.push_back(evidence["disk"]);
  std::string rows;
  for (const auto& d : disks) {
    if (!d.is_object() || !d.contains("written") || !d["written"].is_array()) continue;
    for (const auto& w : d["written"]) {
      if (!w.is_object()) continue;
      rows += fmt::format("<tr><td>{}</td><td>0x{:x}</td><td>{}</td><td>{}</td><td><code>{}</code></td>"
                          "<td><code>{}</code></td></tr>\n",
                          HtmlEscape(StringField(d, "drive")), IntField(w, "sample_offset", 0), IntField(w, "length", 0),
                          HtmlEscape(StringField(w, "where")) + (BoolField(w, "unchanged", false) ? " (rewritten, unchanged)" : ""),
                          HtmlEscape(StringField(w, "before")), HtmlEscape(StringField(w, "after")));
    }
  }
  if (rows.empty()) return "";
  return "<table class=\"write-map\"><tr><th>disk</th><th>first changed byte</th><th>bytes</th><th>where</th>"
         "<th>before</th><th>after</th></tr>\n" + rows + "</table>\n";
}

// What the guest's kernel mounted, replayed, unmounted or swapped on, in
// order (the kernel's lines are guest text: escaped).
std::string MountTraceTable(const RunResult& r) {
  if (r.mount_trace.empty()) return "";
  std::string rows;
  for (const auto& e : r.mount_trace) {
    double seconds = e.is_object() && e.contains("seconds") && e["seconds"].is_number() ? e["seconds"].get<double>() : -1;
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
                        seconds < 0 ? "" : fmt::format("{:.2f}", seconds), HtmlEscape(StringField(e, "device")),
                        HtmlEscape(StringField(e, "fs")), HtmlEscape(StringField(e, "event")),
                        HtmlEscape(StringField(e, "message")));
  }
  return "<details class=\"mount-trace\"><summary>mount and activation trace (" + std::to_string(r.mount_trace.size()) +
         " events, guest seconds)</summary><table><tr><th>at</th><th>device</th><th>fs</th><th>event</th>"
         "<th>kernel log</th></tr>\n" + rows + "</table></details>\n";
}

// Each run's internal disks: the hazard, how far the guest went with it.
std::string HazardTable(const RunReport& report) {
  std::string rows;
  for (const auto& r : report.results)
    for (const auto& h : r.hazards) {
      std::vector<std::string> events;
      for (const auto& e : h.value("events", nlohmann::json::array()))
        events.push_back(fmt::format("{} {} {}", StringField(e, "device"), StringField(e, "event"), StringField(e, "fs")));
      std::vector<std::string> regions;
      for (const auto& w : h.value("written_regions", nlohmann::json::array()))
        if (w.is_string()) regions.push_back(w.get<std::string>());
      rows += fmt::format("<tr><td>{} on {} (r{})</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td>"
                          "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                          HtmlEscape(r.scenario), HtmlEscape(r.variant), r.repetition,
                          HtmlEscape(StringField(h, "drive")), HtmlEscape(StringField(h, "hazard")),
                          HtmlEscape(StringField(h, "guest_name")),
                          StringField(h, "touched") == "untouched" || StringField(h, "touched") == "read" ? "PASS" : "FAIL",
                          HtmlEscape(StringField(h, "touched")), IntField(h, "read_bytes", 0), IntField(h, "written_bytes", 0),
                          HtmlEscape(fmt::format("{}", fmt::join(events, "; "))),
                          HtmlEscape(fmt::format("{}", fmt::join(regions, "; "))));
    }
  if (rows.empty()) return "<p>No internal disk attached.</p>\n";
  return "<table class=\"hazards\"><tr><th>run</th><th>drive</th><th>hazard</th><th>guest name</th><th>touched</th>"
         "<th>bytes read</th><th>bytes written</th><th>mount trace</th><th>written structures</th></tr>\n" + rows +
         "</table>\n";
}

// The `run` and `wait_console` steps: each verdict and what the guest
// printed (guest output: escaped, and already bounded by the agent or the
// console scan).
std::string Commands(const RunReport& report) {
  std::string rows;
  for (const auto& r : report.results)
    for (const auto& c : r.checks) {
      bool command = IsCommandCheckName(c.name);
      if (!command && !IsConsolePatternCheckName(c.name)) continue;
      std::string what, output;
      if (command) {
        what = c.name.substr(std::string("run: ").size());
        output = c.evidence.is_object() && c.evidence.contains("answer") && c.evidence["answer"].is_object()
                     ? c.evidence["answer"].value("output", "")
                     : "";
      } else {
        what = "console: /" + StringField(c.evidence, "pattern") + "/";
        output = StringField(c.evidence, "line", StringField(c.evidence, "last_line"));
      }
      rows += fmt::format("<tr><td>{}</td><td>{}</td><td><code>{}</code></td>{}<td>{}<details><summary>{}"
                          "</summary><pre>{}</pre></details></td></tr>\n",
                          HtmlEscape(r.scenario), HtmlEscape(r.variant), HtmlEscape(what),
                          Cell(StatusName(c.status), c.summary), HtmlEscape(c.summary),
                          command ? "output" : "console line", HtmlEscape(output));
    }
  if (rows.empty()) return "<p>None.</p>\n";
  return "<table class=\"commands\">\n<tr><th>scenario</th><th>variant</th><th>command or console pattern</th>"
         "<th>result</th><th>why</th></tr>\n" +
         rows + "</table>\n";
}

std::string Failures(const RunReport& report) {
  std::string out;
  for (const auto& r : report.results) {
    if (r.status == Status::kPass && r.attempts.size() < 2) continue;
    out += fmt::format("<h3>{} on {} (r{}): {}{}</h3>\n", HtmlEscape(r.scenario), HtmlEscape(r.variant), r.repetition,
                       StatusName(r.status), r.flaky ? " <span class=\"flaky\">flaky infrastructure</span>" : "");
    if (!r.error.empty())
      out += fmt::format("<p>{}{}</p>\n", r.error_cause == ErrorCause::kNone ? "" : "(" + HtmlEscape(ErrorCauseName(r.error_cause)) + ") ",
                         HtmlEscape(r.error));
    out += Attempts(r);
    if (r.status == Status::kPass) continue;
    for (const auto& c : r.checks) {
      if (c.status == Status::kPass) continue;
      out += fmt::format("<p><b>{}</b>: {}</p>\n<details><summary>evidence</summary><pre>{}</pre></details>\n",
                         HtmlEscape(c.name), HtmlEscape(c.summary),
                         HtmlEscape(c.evidence.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
      out += WriteMapTable(c.evidence);
    }
    out += MountTraceTable(r);
    if (!r.console_tail.empty())
      out += "<details><summary>console (last lines)</summary><pre>" + HtmlEscape(r.console_tail) +
             "</pre></details>\n";
  }
  return out.empty() ? "<p>None.</p>\n" : out;
}

}  // namespace

// HTML5 accepts XML's five escapes, and guest control bytes are dropped the same way.
std::string HtmlEscape(const std::string& text) { return XmlEscape(text); }

std::string HtmlReport(const RunReport& report) {
  int passed = 0, failed = 0, errors = 0, flaky = 0;
  for (const auto& r : report.results) {
    flaky += r.flaky;
    passed += r.status == Status::kPass;
    failed += r.status == Status::kFail;
    errors += r.status == Status::kError || r.status == Status::kSkip;
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>livecheck report</title>\n"
      "<style>{}</style>\n</head>\n<body>\n<h1>livecheck report</h1>\n"
      "<div class=\"meta\">started {} &middot; host {} &middot; accel {} ({}) &middot; cpu {}{}</div>\n"
      "<div class=\"meta\">{}</div>\n"
      "<div class=\"summary\"><span>{} runs</span><span>{} passed</span><span>{} failed</span><span>{} errors</span>"
      "<span>{} flaky</span></div>\n<h2>Results</h2>\n{}<h2>Flaky infrastructure (--retry-errors)</h2>\n{}"
      "<h2>Boot phases (median seconds)</h2>\n"
      "<p>Each segment ends when the guest reports the phase of its colour, in guest uptime. Media without "
      "livecheck's markers have no guest clock: theirs are host seconds since QEMU started, marked "
      "(host time).</p>\n{}<h2>Hostile machine</h2>\n{}<h2>Commands and console lines (run and wait_console steps)</h2>\n{}"
      "<h2>Failures and retried runs</h2>\n{}"
      "</body>\n</html>\n",
      kStyle, HtmlEscape(report.started_at), HtmlEscape(report.host.value("hostname", "?")), HtmlEscape(report.accel),
      HtmlEscape(report.accel_reason), HtmlEscape(report.cpu), report.interrupted ? " &middot; <b>INTERRUPTED</b>" : "",
      HtmlEscape(ReferenceLine(report)), report.results.size(), passed, failed, errors, flaky, Matrix(report), FlakyTable(report), PhaseChart(report),
      HazardTable(report), Commands(report), Failures(report));
}

}  // namespace livecheck
