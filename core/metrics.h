// MetricsRegistry: counters and fixed-bucket histograms with labels, and families read
// when rendered (callbacks over a component's own counters), in the Prometheus text
// exposition format (version 0.0.4).
//
// Each component registers its own metrics at start-up (the event store, the
// projection engine, the outbox, the websocket server: their register_*_metrics
// functions); the server's composition root only passes the registry around.
//
// Lock-light: each series is a set of atomics updated without locks; a family's mutex
// is taken only to find or create a series, and the registry's only to create a family
// or render. Series and families are never removed, so references returned by
// labels()/counter()/histogram() stay valid for the registry's lifetime — hot paths look
// a series up once and keep the reference. All methods are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  // REQUIRES: `bounds` is strictly increasing and outlives the histogram.
  explicit Histogram(const std::vector<double>& bounds);

  void observe(double value);

  // Snapshot accessors (each read is atomic; a snapshot taken during updates may be
  // off by the observations in flight).
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  // Observations <= bounds[i]; i == bounds.size() is +Inf. Cumulative.
  std::uint64_t cumulative(std::size_t i) const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds.size() + 1, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Buckets for request latencies in seconds: 0.5 ms … 10 s.
const std::vector<double>& default_latency_buckets();

template <typename Series>
class Family;

using CounterFamily = Family<Counter>;
using HistogramFamily = Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the family `name`, creating it on first call. REQUIRES: `name` and
  // `label_names` are valid Prometheus identifiers, and a later call with the same name
  // asks for the same kind and labels (asserted).
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names);
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, std::vector<double> bounds);

  // A family whose samples `read` returns when the registry renders: one per series,
  // label values in the order of `label_names`. `read` runs on the rendering thread
  // and must be thread-safe; whatever it reads must outlive the registry (or the
  // component that registered it must outlive every render).
  struct Sample {
    std::vector<std::string> labels;
    double value = 0;
  };
  using SampleFn = std::function<std::vector<Sample>()>;
  void gauge_callback(std::string_view name, std::string_view help,
                      std::vector<std::string> label_names, SampleFn read);
  void counter_callback(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names, SampleFn read);
  // Unlabelled forms.
  void gauge_callback(std::string_view name, std::string_view help, std::function<double()> read);
  void counter_callback(std::string_view name, std::string_view help, std::function<double()> read);

  // Every family in creation order, series sorted by label values.
  std::string render() const;

 private:
  struct Entry;
  void add_callback(std::string_view name, std::string_view help, std::string_view type,
                    std::vector<std::string> label_names, SampleFn read);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> families_;
};

// A metric family: one name, one set of label names, a series per label-value tuple.
template <typename Series>
class Family {
 public:
  // The series for `values` (one per label name, in order), created on first use.
  // Takes the family mutex. A wrong number of values is a bug (asserted); missing values
  // are treated as "".
  Series& labels(std::span<const std::string_view> values);
  Series& labels(std::initializer_list<std::string_view> values) {
    return labels(std::span<const std::string_view>(values.begin(), values.size()));
  }

  const std::string& name() const { return name_; }

 private:
  friend class MetricsRegistry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}
  void render(std::string& out) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

}  // namespace docket
