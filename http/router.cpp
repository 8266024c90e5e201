#include "http/router.h"

#include <algorithm>

#include "http/text.h"
#include "http/url.h"

namespace docket::http {

// One trie node per path position. Invariant: a node's `routes[m]` is an index into
// routes_ or -1, and `methods` has exactly the bits of the methods whose entry is set
// (plus HEAD when GET is set).
struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;
  std::array<int, kMethodCount> routes;
  std::uint16_t methods = 0;

  Node() { routes.fill(-1); }

  Node* literal(std::string_view segment) const {
    for (const auto& [text, child] : literals) {
      if (text == segment) return child.get();
    }
    return nullptr;
  }
};

namespace {

bool is_literal_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
}

bool is_param_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Splits "/a/b" into {"a","b"}; "/" into {}. Returns false for more than `max` segments.
// Empty segments ("//", a trailing '/') are kept: they never match.
bool split_path(std::string_view path, std::array<std::string_view, kMaxPathSegments>& out,
                std::size_t& count) {
  count = 0;
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (path.empty()) return true;
  for (;;) {
    if (count == kMaxPathSegments) return false;
    const std::size_t slash = path.find('/');
    out[count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

struct Search {
  Method method;
  const std::array<std::string_view, kMaxPathSegments>* segments;
  std::size_t count;
  std::array<std::string_view, kMaxPathParams> captures{};
  // Results.
  std::uint16_t allowed = 0;
  int route = -1;
  std::array<std::string_view, kMaxPathParams> route_captures{};
};

}  // namespace

std::optional<std::string_view> PathParams::get(std::string_view name) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (names_[i] == name) return std::string_view(values_[i]);
  }
  return std::nullopt;
}

std::string allow_header_value(std::uint16_t methods) {
  std::string out;
  for (std::size_t i = 0; i < kMethodCount; ++i) {
    const auto m = static_cast<Method>(i);
    if (m == Method::kOptions || m == Method::kOther) continue;
    if ((methods & method_bit(m)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  if (!out.empty()) out += ", ";
  out += "OPTIONS";
  return out;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(Method method, std::string_view pattern, Handler handler, RouteMeta meta) {
  const std::string where = std::string(method_name(method)) + " " + std::string(pattern);
  auto fail = [&](std::string_view why) {
    if (status_.ok()) status_ = Status::InvalidArgument("route " + where + ": " + std::string(why));
  };
  if (method == Method::kOther) return fail("method cannot be routed");
  if (!handler) return fail("handler is empty");
  std::array<std::string_view, kMaxPathSegments> segments;
  std::size_t count = 0;
  if (!split_path(pattern, segments, count)) return fail("pattern must start with '/'");

  // Validate everything before touching the trie so a bad pattern leaves it unchanged.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view seg = segments[i];
    if (seg.empty()) return fail("empty segment");
    if (seg.front() == '{') {
      if (seg.back() != '}' || !is_param_name(seg.substr(1, seg.size() - 2))) {
        return fail("a parameter segment is {name} with name [A-Za-z_][A-Za-z0-9_]*");
      }
      std::string name(seg.substr(1, seg.size() - 2));
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        return fail("parameter used twice");
      }
      names.push_back(std::move(name));
      continue;
    }
    for (char c : seg) {
      if (!is_literal_char(c))
        return fail("literal segment has a character outside RFC 3986 pchar");
    }
  }
  if (names.size() > kMaxPathParams) return fail("too many parameters");

  Node* node = root_.get();
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view seg = segments[i];
    if (seg.front() == '{') {
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      continue;
    }
    Node* next = node->literal(seg);
    if (next == nullptr) {
      node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
      next = node->literals.back().second.get();
    }
    node = next;
  }
  const auto m = static_cast<std::size_t>(method);
  if (node->routes[m] >= 0) return fail("duplicate of " + routes_[node->routes[m]].pattern);

  Route& route = routes_.emplace_back();
  route.method = method;
  route.pattern = std::string(pattern);
  route.param_names = std::move(names);
  route.handler = std::move(handler);
  route.meta = std::move(meta);
  if (route.meta.name.empty()) route.meta.name = where;
  route.index = routes_.size() - 1;
  node->routes[m] = static_cast<int>(route.index);
  node->methods |= method_bit(method);
  if (method == Method::kGet) node->methods |= method_bit(Method::kHead);
}

void Router::mount(std::string_view prefix, Handler handler, RouteMeta meta) {
  const std::string where = "mount " + std::string(prefix);
  auto fail = [&](std::string_view why) {
    if (status_.ok()) status_ = Status::InvalidArgument("route " + where + ": " + std::string(why));
  };
  if (!handler) return fail("handler is empty");
  if (prefix.size() < 2 || prefix.front() != '/') return fail("prefix must start with '/'");
  for (char c : prefix) {
    if (c != '/' && !is_literal_char(c)) return fail("prefix has a character outside pchar");
  }
  for (std::size_t i : mounts_) {
    if (routes_[i].pattern == prefix) return fail("duplicate mount");
  }
  Route& route = routes_.emplace_back();
  route.method = Method::kGet;
  route.pattern = std::string(prefix);
  route.handler = std::move(handler);
  route.meta = std::move(meta);
  route.mount = true;
  if (route.meta.name.empty()) route.meta.name = where;
  route.index = routes_.size() - 1;
  mounts_.push_back(route.index);
}

void Router::fallback(std::string_view label, std::function<bool(std::string_view path)> claims,
                      Handler handler, RouteMeta meta) {
  const std::string where = "fallback " + std::string(label);
  auto fail = [&](std::string_view why) {
    if (status_.ok()) status_ = Status::InvalidArgument("route " + where + ": " + std::string(why));
  };
  if (!handler || !claims) return fail("handler or claims is empty");
  if (label.empty()) return fail("label is empty");
  if (fallback_) return fail("a router has one fallback");
  Route& route = routes_.emplace_back();
  route.method = Method::kGet;
  route.pattern = std::string(label);
  route.handler = std::move(handler);
  route.meta = std::move(meta);
  route.mount = true;
  if (route.meta.name.empty()) route.meta.name = where;
  route.index = routes_.size() - 1;
  fallback_ = route.index;
  fallback_claims_ = std::move(claims);
}

namespace {

// Depth-first over the trie, literals before the parameter. Visits every node that
// matches the whole path, most specific first, until one has a route for the method.
template <typename NodeT>
bool visit(const NodeT* node, std::size_t depth, std::size_t params, Search& s) {
  if (depth == s.count) {
    if (node->methods == 0) return false;
    s.allowed |= node->methods;
    int r = node->routes[static_cast<std::size_t>(s.method)];
    if (r < 0 && s.method == Method::kHead)
      r = node->routes[static_cast<std::size_t>(Method::kGet)];
    if (r < 0) return false;
    s.route = r;
    s.route_captures = s.captures;
    return true;
  }
  const std::string_view seg = (*s.segments)[depth];
  if (const NodeT* next = node->literal(seg)) {
    if (visit(next, depth + 1, params, s)) return true;
  }
  if (node->param && !seg.empty() && params < kMaxPathParams) {
    s.captures[params] = seg;
    if (visit(node->param.get(), depth + 1, params + 1, s)) return true;
  }
  return false;
}

}  // namespace

void Router::match(Method method, std::string_view path, RouteMatch& out) const {
  out.route = nullptr;
  out.params.size_ = 0;
  out.allowed = 0;
  out.bad_param.clear();
  out.outcome = RouteMatch::Outcome::kNotFound;

  for (std::size_t i : mounts_) {
    const Route& mounted = routes_[i];
    const std::string_view prefix = mounted.pattern;
    const bool under = path.starts_with(prefix) ||
                       (prefix.ends_with('/') && path == prefix.substr(0, prefix.size() - 1));
    if (!under) continue;
    out.allowed = method_bit(Method::kGet) | method_bit(Method::kHead) | method_bit(Method::kPost);
    if (method == Method::kOptions) {  // the service answers the CORS preflight
      out.outcome = RouteMatch::Outcome::kMethodNotAllowed;
      return;
    }
    out.route = &mounted;
    out.outcome = RouteMatch::Outcome::kFound;
    return;
  }

  std::array<std::string_view, kMaxPathSegments> segments;
  Search s{method, &segments, 0};
  if (!split_path(path, segments, s.count)) return;
  visit(root_.get(), 0, 0, s);
  out.allowed = s.allowed;
  if (s.route < 0) {
    if (s.allowed != 0) {
      out.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    } else if (fallback_ && (method == Method::kGet || method == Method::kHead) &&
               fallback_claims_(path)) {
      out.allowed = method_bit(Method::kGet) | method_bit(Method::kHead);
      out.route = &routes_[*fallback_];
      out.outcome = RouteMatch::Outcome::kFound;
    }
    return;
  }
  const Route& route = routes_[static_cast<std::size_t>(s.route)];
  for (std::size_t i = 0; i < route.param_names.size(); ++i) {
    std::string& value = out.params.values_[i];
    if (!percent_decode(s.route_captures[i], value, false) ||
        utf8_length(value) == std::string_view::npos || has_control_chars(value, false)) {
      out.outcome = RouteMatch::Outcome::kBadParam;
      out.bad_param = route.param_names[i];
      out.params.size_ = 0;
      return;
    }
    out.params.names_[i] = route.param_names[i];
  }
  out.params.size_ = route.param_names.size();
  out.route = &route;
  out.outcome = RouteMatch::Outcome::kFound;
}

}  // namespace docket::http
