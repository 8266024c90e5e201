#include "core/metrics.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <type_traits>

#include <fmt/format.h>

namespace docket {
namespace {

[[maybe_unused]] bool is_identifier(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Label values escape backslash, double quote and line feed; HELP text backslash and
// line feed.
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void append_number(std::string& out, double v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

// {a="x",b="y"[,extra_name="extra_value"]}; nothing when there are no labels at all.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void append_header(std::string& out, const std::string& name, const std::string& help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(&bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  const std::vector<double>& b = *bounds_;
  const std::size_t i =
      static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), value) - b.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t k = 0; k <= i && k <= bounds_->size(); ++k) {
    total += buckets_[k].load(std::memory_order_relaxed);
  }
  return total;
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

template <typename Series>
Series& Family<Series>::labels(std::span<const std::string_view> values) {
  assert(values.size() == label_names_.size());
  std::vector<std::string> key(label_names_.size());
  for (std::size_t i = 0; i < key.size() && i < values.size(); ++i)
    key[i] = values[i];
  std::lock_guard lock(mu_);
  auto it = series_.find(key);
  if (it != series_.end()) return *it->second;
  std::unique_ptr<Series> series;
  if constexpr (std::is_same_v<Series, Histogram>) {
    series = std::make_unique<Histogram>(bounds_);
  } else {
    series = std::make_unique<Series>();
  }
  Series& ref = *series;
  series_.emplace(std::move(key), std::move(series));
  return ref;
}

template <>
void Family<Counter>::render(std::string& out) const {
  append_header(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [values, counter] : series_) {
    out += name_;
    append_labels(out, label_names_, values);
    fmt::format_to(std::back_inserter(out), " {}\n", counter->value());
  }
}

template <>
void Family<Histogram>::render(std::string& out) const {
  append_header(out, name_, help_, "histogram");
  std::lock_guard lock(mu_);
  for (const auto& [values, h] : series_) {
    std::string le;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      le.clear();
      if (i == bounds_.size()) {
        le = "+Inf";
      } else {
        append_number(le, bounds_[i]);
      }
      out += name_;
      out += "_bucket";
      append_labels(out, label_names_, values, "le", le);
      fmt::format_to(std::back_inserter(out), " {}\n", h->cumulative(i));
    }
    out += name_;
    out += "_sum";
    append_labels(out, label_names_, values);
    out.push_back(' ');
    append_number(out, h->sum());
    out += '\n';
    out += name_;
    out += "_count";
    append_labels(out, label_names_, values);
    fmt::format_to(std::back_inserter(out), " {}\n", h->count());
  }
}

template class Family<Counter>;
template class Family<Histogram>;

struct MetricsRegistry::Entry {
  std::string name;
  std::unique_ptr<CounterFamily> counter;
  std::unique_ptr<HistogramFamily> histogram;
  // A callback family.
  std::string help;
  std::string_view type;
  std::vector<std::string> label_names;
  SampleFn read;

  void render_callback(std::string& out) const {
    append_header(out, name, help, type);
    for (const Sample& sample : read()) {
      out += name;
      append_labels(out, label_names, sample.labels);
      out.push_back(' ');
      append_number(out, sample.value);
      out.push_back('\n');
    }
  }
};

void MetricsRegistry::add_callback(std::string_view name, std::string_view help,
                                   std::string_view type, std::vector<std::string> label_names,
                                   SampleFn read) {
  assert(is_identifier(name, true));
  std::lock_guard lock(mu_);
  for (const auto& e : families_) {
    if (e->name == name) std::abort();  // one name, one family: a startup bug
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::string(name);
  entry->help = std::string(help);
  entry->type = type;
  entry->label_names = std::move(label_names);
  entry->read = std::move(read);
  families_.push_back(std::move(entry));
}

void MetricsRegistry::gauge_callback(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names, SampleFn read) {
  add_callback(name, help, "gauge", std::move(label_names), std::move(read));
}

void MetricsRegistry::counter_callback(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names, SampleFn read) {
  add_callback(name, help, "counter", std::move(label_names), std::move(read));
}

void MetricsRegistry::gauge_callback(std::string_view name, std::string_view help,
                                     std::function<double()> read) {
  gauge_callback(name, help, {}, [read = std::move(read)] {
    return std::vector<Sample>{{{}, read()}};
  });
}

void MetricsRegistry::counter_callback(std::string_view name, std::string_view help,
                                       std::function<double()> read) {
  counter_callback(name, help, {}, [read = std::move(read)] {
    return std::vector<Sample>{{{}, read()}};
  });
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

CounterFamily& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  assert(is_identifier(name, true));
  for (const std::string& l : label_names) {
    assert(is_identifier(l, false) && l != "le");
    (void)l;
  }
  std::lock_guard lock(mu_);
  for (const auto& e : families_) {
    if (e->name == name) {
      assert(e->counter && e->counter->label_names_ == label_names);
      if (!e->counter) std::abort();  // the name belongs to a histogram: a startup bug
      return *e->counter;
    }
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::string(name);
  entry->counter.reset(
      new CounterFamily(std::string(name), std::string(help), std::move(label_names), {}));
  CounterFamily& ref = *entry->counter;
  families_.push_back(std::move(entry));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> bounds) {
  assert(is_identifier(name, true));
  assert(std::is_sorted(bounds.begin(), bounds.end()) &&
         std::adjacent_find(bounds.begin(), bounds.end()) == bounds.end());
  std::lock_guard lock(mu_);
  for (const auto& e : families_) {
    if (e->name == name) {
      assert(e->histogram && e->histogram->label_names_ == label_names);
      if (!e->histogram) std::abort();  // the name belongs to a counter: a startup bug
      return *e->histogram;
    }
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::string(name);
  entry->histogram.reset(new HistogramFamily(std::string(name), std::string(help),
                                             std::move(label_names), std::move(bounds)));
  HistogramFamily& ref = *entry->histogram;
  families_.push_back(std::move(entry));
  return ref;
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& e : families_) {
    if (e->counter) e->counter->render(out);
    if (e->histogram) e->histogram->render(out);
    if (e->read) e->render_callback(out);
  }
  return out;
}

}  // namespace docket
