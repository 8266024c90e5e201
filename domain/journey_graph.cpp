#include "domain/journey_graph.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "core/utf8.h"

namespace docket::domain {
namespace {

constexpr std::size_t kMaxQuestionChars = 500;
constexpr std::size_t kMaxLabelChars = 200;
constexpr std::size_t kMaxSubjectTemplateChars = 300;
constexpr std::size_t kMaxCategoryChars = 40;
constexpr std::string_view kPriorities[] = {"low", "medium", "high", "urgent"};

using Kind = JsonView::Kind;

// Collects the problems of one definition.
struct Problems {
  std::vector<JourneyProblem>& out;
  void add(std::string_view node, std::string_view rule, std::string message) {
    out.push_back({std::string(node), std::string(rule), std::move(message)});
  }
};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool contains(const auto& range, std::string_view value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

// The text of member `key` when it is a string: nullopt when absent; a problem (and
// nullopt) when it is something else.
std::optional<std::string> text_member(JsonView object, std::string_view key, std::string_view node,
                                       std::string_view rule, Problems& problems) {
  auto value = object.member(key);
  if (!value || value->is_null()) return std::nullopt;
  auto text = value->string();
  if (!text) {
    problems.add(
        node, rule,
        fmt::format("{} must be a string, not {}", key, JsonView::kind_name(value->kind())));
    return std::nullopt;
  }
  return std::string(*text);
}

bool valid_node_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxJourneyIdLength &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         });
}

// ---- expressions -------------------------------------------------------------------

struct ExpressionReader {
  std::string_view node;  // the condition node, for problems
  Problems& problems;
  std::size_t terms = 0;

  std::optional<JourneyExpression> read(JsonView v, std::size_t depth) {
    if (depth > kMaxExpressionDepth) return fail("nests deeper than the limit");
    if (++terms > kMaxExpressionTerms) return fail("has too many terms");
    if (v.kind() != Kind::kObject) return fail("must be an object");
    JourneyExpression e;
    for (auto [key, op] : {std::pair{"all", JourneyExpression::Op::kAll},
                           std::pair{"any", JourneyExpression::Op::kAny}}) {
      if (auto list = v.member(key)) {
        if (list->kind() != Kind::kArray || list->elements().empty()) {
          return fail(fmt::format("'{}' must be a non-empty list of expressions", key));
        }
        e.op = op;
        for (JsonView term : list->elements()) {
          auto inner = read(term, depth + 1);
          if (!inner) return std::nullopt;
          e.terms.push_back(std::move(*inner));
        }
        return e;
      }
    }
    if (auto inner_json = v.member("not")) {
      auto inner = read(*inner_json, depth + 1);
      if (!inner) return std::nullopt;
      e.op = JourneyExpression::Op::kNot;
      e.terms.push_back(std::move(*inner));
      return e;
    }
    auto target = v.member("node");
    if (!target || !target->string()) {
      return fail("needs all, any, not, or node with equals, oneOf, contains or answered");
    }
    e.node = std::string(*target->string());
    if (auto x = v.member("equals")) {
      e.op = JourneyExpression::Op::kEquals;
      if (!x->string()) return fail("equals takes a string");
      e.values.emplace_back(*x->string());
    } else if (auto list = v.member("oneOf")) {
      e.op = JourneyExpression::Op::kOneOf;
      if (list->kind() != Kind::kArray || list->elements().empty()) {
        return fail("oneOf takes a non-empty list of strings");
      }
      for (JsonView item : list->elements()) {
        if (!item.string()) return fail("oneOf takes a non-empty list of strings");
        e.values.emplace_back(*item.string());
      }
    } else if (auto c = v.member("contains")) {
      e.op = JourneyExpression::Op::kContains;
      if (!c->string()) return fail("contains takes a string");
      e.values.emplace_back(*c->string());
    } else if (auto a = v.member("answered")) {
      e.op = JourneyExpression::Op::kAnswered;
      if (!a->boolean()) return fail("answered takes true or false");
      e.answered = *a->boolean();
    } else {
      return fail(fmt::format("on '{}' needs equals, oneOf, contains or answered", e.node));
    }
    return e;
  }

  std::optional<JourneyExpression> fail(std::string what) {
    problems.add(node, "condition_invalid", "when " + what);
    return std::nullopt;
  }
};

// ---- nodes ---------------------------------------------------------------------------

std::optional<QuestionType> question_type_of(std::string_view name) {
  if (name == "single_choice") return QuestionType::kSingleChoice;
  if (name == "multiple_choice") return QuestionType::kMultipleChoice;
  if (name == "text") return QuestionType::kText;
  if (name == "image_upload") return QuestionType::kImageUpload;
  return std::nullopt;
}

bool is_choice(QuestionType t) {
  return t == QuestionType::kSingleChoice || t == QuestionType::kMultipleChoice;
}

void read_question(JsonView v, JourneyNode& n, Problems& p) {
  const auto type = text_member(v, "questionType", n.id, "question_type_invalid", p);
  if (auto t = type ? question_type_of(*type) : std::nullopt) {
    n.questionType = *t;
  } else {
    p.add(n.id, "question_type_invalid",
          "questionType must be single_choice, multiple_choice, text or image_upload");
  }
  auto question = text_member(v, "question", n.id, "question_missing", p);
  if (!question || trim(*question).empty() || utf8_length(*question) > kMaxQuestionChars) {
    p.add(n.id, "question_missing",
          fmt::format("question must be a text of 1 to {} characters", kMaxQuestionChars));
  } else {
    n.question = std::move(*question);
  }
  if (auto options = v.member("options"); options && !options->is_null()) {
    if (options->kind() != Kind::kArray) {
      p.add(n.id, "option_invalid", "options must be a list of {label, value}");
    } else if (options->elements().size() > kMaxJourneyOptions) {
      p.add(n.id, "too_many_options",
            fmt::format("a question has at most {} options", kMaxJourneyOptions));
    } else {
      for (JsonView o : options->elements()) {
        auto label = o.member("label");
        auto value = o.member("value");
        if (o.kind() != Kind::kObject || !label || !label->string() || !value || !value->string() ||
            trim(*label->string()).empty() || value->string()->empty() ||
            utf8_length(*label->string()) > kMaxLabelChars ||
            utf8_length(*value->string()) > kMaxLabelChars) {
          p.add(n.id, "option_invalid",
                fmt::format("each option needs a label and a value (strings of 1 to {} "
                            "characters)",
                            kMaxLabelChars));
          continue;
        }
        n.options.push_back({std::string(*label->string()), std::string(*value->string())});
      }
    }
  }
  if (auto required = v.member("required"); required && !required->is_null()) {
    if (auto b = required->boolean()) {
      n.required = *b;
    } else {
      p.add(n.id, "required_invalid", "required must be true or false");
    }
  }
  if (auto map = v.member("nextNodeMap"); map && !map->is_null()) {
    if (map->kind() != Kind::kObject) {
      p.add(n.id, "next_map_invalid", "nextNodeMap must map option values to node ids");
    } else {
      for (auto [value, target] : map->members()) {
        if (!target.string()) {
          p.add(n.id, "next_map_invalid",
                fmt::format("nextNodeMap['{}'] must be a node id", value));
          continue;
        }
        n.nextNodeMap.emplace_back(std::string(value), std::string(*target.string()));
      }
    }
  }
  n.next = text_member(v, "next", n.id, "target_missing", p);
}

void read_condition(JsonView v, JourneyNode& n, Problems& p) {
  auto branches = v.member("branches");
  if (!branches || branches->kind() != Kind::kArray) {
    p.add(n.id, "branch_invalid", "branches must be a list of {when, next}");
  } else if (branches->elements().size() > kMaxJourneyBranches) {
    p.add(n.id, "branch_invalid",
          fmt::format("a condition has at most {} branches", kMaxJourneyBranches));
  } else {
    ExpressionReader reader{n.id, p};
    for (JsonView b : branches->elements()) {
      auto when = b.member("when");
      auto next = b.member("next");
      if (b.kind() != Kind::kObject || !when || !next || !next->string()) {
        p.add(n.id, "branch_invalid", "each branch needs when (an expression) and next");
        continue;
      }
      if (auto e = reader.read(*when, 1)) {
        n.branches.push_back({std::move(*e), std::string(*next->string())});
      }
    }
  }
  n.otherwise = text_member(v, "else", n.id, "else_missing", p);
}

void read_end(JsonView v, JourneyNode& n, Problems& p) {
  n.create = text_member(v, "create", n.id, "end_create_invalid", p).value_or("");
  if (n.create != "support_request" && n.create != "support_inquiry") {
    p.add(n.id, "end_create_invalid", "create must be support_request or support_inquiry");
  }
  n.category = text_member(v, "category", n.id, "end_category_invalid", p).value_or("");
  n.priority = text_member(v, "priority", n.id, "end_priority_invalid", p);
  n.subject = text_member(v, "subject", n.id, "subject_template_invalid", p);
  if (n.subject && utf8_length(*n.subject) > kMaxSubjectTemplateChars) {
    p.add(n.id, "subject_template_invalid",
          fmt::format("subject has at most {} characters", kMaxSubjectTemplateChars));
  }
}

void read_node(std::string_view key, JsonView v, JourneyGraph& g, Problems& p) {
  if (v.kind() != Kind::kObject) {
    p.add(key, "node_invalid", "a node must be an object");
    return;
  }
  JourneyNode n;
  auto id = text_member(v, "id", key, "node_id_invalid", p);
  if (key.empty()) {  // the array form: the node names itself
    if (!id) {
      p.add("", "node_id_invalid", "every node needs an id");
      return;
    }
    n.id = *id;
  } else {
    n.id = std::string(key);
    if (id && *id != key) {
      p.add(key, "node_id_mismatch",
            fmt::format("the node under '{}' says its id is '{}'", key, *id));
    }
  }
  if (!valid_node_id(n.id)) {
    p.add(
        n.id.substr(0, kMaxJourneyIdLength), "node_id_invalid",
        fmt::format("node ids have 1 to {} characters of A-Z a-z 0-9 - _ .", kMaxJourneyIdLength));
    return;
  }
  if (g.index.contains(n.id)) {
    p.add(n.id, "node_id_duplicate", "two nodes have this id");
    return;
  }
  const auto type = text_member(v, "type", n.id, "node_type_invalid", p).value_or("");
  if (type == "question") {
    n.type = NodeType::kQuestion;
    read_question(v, n, p);
  } else if (type == "condition") {
    n.type = NodeType::kCondition;
    read_condition(v, n, p);
  } else if (type == "end") {
    n.type = NodeType::kEnd;
    read_end(v, n, p);
  } else {
    p.add(n.id, "node_type_invalid", "type must be question, condition or end");
    return;
  }
  g.index.emplace(n.id, g.nodes.size());
  g.nodes.push_back(std::move(n));
}

// Every node id the node leads to, in order.
std::vector<std::string_view> targets_of(const JourneyNode& n) {
  std::vector<std::string_view> out;
  for (const auto& [value, target] : n.nextNodeMap)
    out.push_back(target);
  if (n.next) out.push_back(*n.next);
  for (const JourneyBranch& b : n.branches)
    out.push_back(b.next);
  if (n.otherwise) out.push_back(*n.otherwise);
  return out;
}

// The {{name}} placeholders of a subject template; nullopt when a brace is unbalanced.
std::optional<std::vector<std::string_view>> placeholders(std::string_view tpl) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < tpl.size();) {
    const std::size_t open = tpl.find("{{", i);
    if (open == std::string_view::npos) break;
    const std::size_t close = tpl.find("}}", open + 2);
    if (close == std::string_view::npos) return std::nullopt;
    out.push_back(trim(tpl.substr(open + 2, close - open - 2)));
    i = close + 2;
  }
  return out;
}

void check_expression(const JourneyExpression& e, const JourneyGraph& g, std::string_view at,
                      Problems& p) {
  for (const JourneyExpression& t : e.terms)
    check_expression(t, g, at, p);
  if (e.op == JourneyExpression::Op::kAll || e.op == JourneyExpression::Op::kAny ||
      e.op == JourneyExpression::Op::kNot) {
    return;
  }
  const JourneyNode* q = g.find(e.node);
  if (!q || q->type != NodeType::kQuestion) {
    p.add(at, "condition_invalid", fmt::format("when tests '{}', which is not a question", e.node));
    return;
  }
  if (!is_choice(q->questionType) || e.op == JourneyExpression::Op::kAnswered) return;
  for (const std::string& v : e.values) {
    const bool known = std::any_of(q->options.begin(), q->options.end(),
                                   [&](const JourneyOption& o) { return o.value == v; });
    if (!known) {
      p.add(at, "condition_invalid",
            fmt::format("when compares '{}' with '{}', which is not one of its option values",
                        e.node, v));
    }
  }
}

void check_question(const JourneyNode& n, Problems& p) {
  std::set<std::string_view> values;
  for (const JourneyOption& o : n.options) {
    if (!values.insert(o.value).second) {
      p.add(n.id, "option_value_duplicate",
            fmt::format("option value '{}' appears twice", o.value));
    }
  }
  if (is_choice(n.questionType) && n.options.empty()) {
    p.add(n.id, "options_missing", "a choice question needs at least one option");
  }
  if (!is_choice(n.questionType) && !n.nextNodeMap.empty()) {
    p.add(n.id, "next_map_invalid", "only choice questions have a nextNodeMap; use next");
  }
  for (const auto& [value, target] : n.nextNodeMap) {
    if (is_choice(n.questionType) && !values.contains(value)) {
      p.add(n.id, "next_map_unknown_value",
            fmt::format("nextNodeMap names '{}', which is not an option value", value));
    }
  }
  if (n.next) return;  // every answer has a way out
  std::vector<std::string_view> stranded;
  if (n.questionType == QuestionType::kSingleChoice) {
    for (const JourneyOption& o : n.options) {
      const bool mapped = std::any_of(n.nextNodeMap.begin(), n.nextNodeMap.end(),
                                      [&](const auto& e) { return e.first == o.value; });
      if (!mapped) stranded.push_back(o.value);
    }
  }
  if (!stranded.empty()) {
    p.add(n.id, "no_exit",
          fmt::format("the answers {} lead nowhere: map them in nextNodeMap or set next",
                      fmt::join(stranded, ", ")));
  } else if (n.questionType != QuestionType::kSingleChoice) {
    p.add(n.id, "no_exit", "this question needs next");
  } else if (!n.required) {
    p.add(n.id, "no_exit", "an optional question needs next (where skipping it leads)");
  }
}

void check_end(const JourneyNode& n, const JourneyGraph& g, const JourneyRules& rules,
               Problems& p) {
  if (n.create == "support_request") {
    if (!contains(rules.requestCategories, n.category)) {
      p.add(n.id, "end_category_invalid",
            fmt::format("category must be a support request category: {}",
                        fmt::join(rules.requestCategories, ", ")));
    }
  } else if (n.create == "support_inquiry") {
    const bool ok =
        !n.category.empty() && n.category.size() <= kMaxCategoryChars &&
        std::all_of(n.category.begin(), n.category.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
    if (!ok) {
      p.add(n.id, "end_category_invalid",
            fmt::format("category must have 1 to {} characters of a-z 0-9 _ -", kMaxCategoryChars));
    }
  }
  if (n.priority && !contains(kPriorities, *n.priority)) {
    p.add(n.id, "end_priority_invalid", "priority must be low, medium, high or urgent");
  }
  if (!n.subject) return;
  auto names = placeholders(*n.subject);
  if (!names) {
    p.add(n.id, "subject_template_invalid", "a {{ in subject is not closed by }}");
    return;
  }
  for (std::string_view name : *names) {
    const JourneyNode* q = g.find(name);
    if (!q || q->type != NodeType::kQuestion) {
      p.add(n.id, "subject_template_invalid",
            fmt::format("subject uses {{{{{}}}}}, which is not a question", name));
    }
  }
}

// ---- answers ---------------------------------------------------------------------------

bool valid_attachment_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxJourneyIdLength &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

const JourneyOption* option_of(const JourneyNode& n, std::string_view value) {
  for (const JourneyOption& o : n.options) {
    if (o.value == value) return &o;
  }
  return nullptr;
}

// Reads the answer to question `n` into `step`; false after recording the problem.
bool read_answer(const JourneyNode& n, JsonView v, JourneyStep& step, Problems& p) {
  const bool as_list = v.kind() == Kind::kArray;
  step.list = as_list;
  std::vector<std::string_view> strings;
  if (v.is_null()) {
    // skipped
  } else if (auto s = v.string()) {
    if (!trim(*s).empty()) strings.push_back(*s);
  } else if (as_list) {
    for (JsonView item : v.elements()) {
      auto s = item.string();
      if (!s) {
        p.add(n.id, "answer_invalid", "the answer's list holds strings only");
        return false;
      }
      strings.push_back(*s);
    }
  } else {
    p.add(n.id, "answer_invalid",
          fmt::format("the answer must be a string or a list of strings, not {}",
                      JsonView::kind_name(v.kind())));
    return false;
  }
  switch (n.questionType) {
    case QuestionType::kSingleChoice:
    case QuestionType::kText:
      if (as_list && !strings.empty()) {
        p.add(n.id, "answer_invalid", "this question takes one string");
        return false;
      }
      break;
    case QuestionType::kMultipleChoice:
      if (!as_list && !strings.empty()) {
        p.add(n.id, "answer_invalid", "a multiple-choice answer is a list of option values");
        return false;
      }
      break;
    case QuestionType::kImageUpload:
      if (strings.size() > kMaxJourneyAttachments) {
        p.add(n.id, "answer_invalid",
              fmt::format("at most {} attachments per answer", kMaxJourneyAttachments));
        return false;
      }
      break;
  }
  if (strings.empty()) {
    if (n.required) {
      p.add(n.id, "answer_required", "this question needs an answer");
      return false;
    }
    return true;
  }
  std::set<std::string_view> seen;
  for (std::string_view s : strings) {
    if (!seen.insert(s).second) {
      p.add(n.id, "answer_invalid", fmt::format("'{}' is given twice", s));
      return false;
    }
    if (is_choice(n.questionType) && !option_of(n, s)) {
      p.add(n.id, "answer_not_an_option", fmt::format("'{}' is not one of the options", s));
      return false;
    }
    if (n.questionType == QuestionType::kText) {
      if (utf8_length(s) > kMaxJourneyTextAnswer) {
        p.add(n.id, "answer_too_long",
              fmt::format("the answer has more than {} characters", kMaxJourneyTextAnswer));
        return false;
      }
    }
    if (n.questionType == QuestionType::kImageUpload && !valid_attachment_id(s)) {
      p.add(n.id, "answer_invalid", fmt::format("'{}' is not an attachment id", s));
      return false;
    }
    step.values.emplace_back(s);
  }
  return true;
}

// Where an answered (or skipped) question leads.
std::string_view leave_question(const JourneyNode& n, const JourneyStep& step) {
  auto mapped = [&](std::string_view value) -> const std::string* {
    for (const auto& [v, target] : n.nextNodeMap) {
      if (v == value) return &target;
    }
    return nullptr;
  };
  if (n.questionType == QuestionType::kSingleChoice && !step.values.empty()) {
    if (const std::string* t = mapped(step.values.front())) return *t;
  }
  if (n.questionType == QuestionType::kMultipleChoice) {
    for (const JourneyOption& o : n.options) {  // the first chosen option with a route
      if (contains(step.values, o.value)) {
        if (const std::string* t = mapped(o.value)) return *t;
      }
    }
  }
  return n.next ? std::string_view(*n.next) : std::string_view();
}

const JourneyStep* step_of(const std::vector<JourneyStep>& steps, std::string_view id) {
  for (const JourneyStep& s : steps) {
    if (s.node->id == id) return &s;
  }
  return nullptr;
}

bool holds(const JourneyExpression& e, const std::vector<JourneyStep>& answered) {
  using Op = JourneyExpression::Op;
  switch (e.op) {
    case Op::kAll:
      return std::all_of(e.terms.begin(), e.terms.end(),
                         [&](const JourneyExpression& t) { return holds(t, answered); });
    case Op::kAny:
      return std::any_of(e.terms.begin(), e.terms.end(),
                         [&](const JourneyExpression& t) { return holds(t, answered); });
    case Op::kNot:
      return !holds(e.terms.front(), answered);
    default:
      break;
  }
  const JourneyStep* step = step_of(answered, e.node);
  const bool has = step && !step->values.empty();
  if (e.op == Op::kAnswered) return has == e.answered;
  if (!has) return false;
  const bool text = step->node->questionType == QuestionType::kText;
  auto same = [&](std::string_view a, std::string_view b) {
    return text ? lower_ascii(trim(a)) == lower_ascii(trim(b)) : a == b;
  };
  const std::vector<std::string>& got = step->values;
  switch (e.op) {
    case Op::kEquals:
      return got.size() == 1 && same(got.front(), e.values.front());
    case Op::kOneOf:
      return std::any_of(got.begin(), got.end(), [&](const std::string& g) {
        return std::any_of(e.values.begin(), e.values.end(),
                           [&](const std::string& v) { return same(g, v); });
      });
    case Op::kContains:
      if (text) {
        return lower_ascii(got.front()).find(lower_ascii(e.values.front())) != std::string::npos;
      }
      return contains(got, e.values.front());
    default:
      return false;
  }
}

// The answer as a person reads it: option labels for choices.
std::string answer_text(const JourneyStep& step) {
  const JourneyNode& n = *step.node;
  if (step.values.empty()) return "";
  if (n.questionType == QuestionType::kImageUpload) {
    return step.values.size() == 1 ? "1 image attached"
                                   : fmt::format("{} images attached", step.values.size());
  }
  std::vector<std::string_view> parts;
  for (const std::string& v : step.values) {
    const JourneyOption* o = option_of(n, v);
    parts.push_back(o ? std::string_view(o->label) : std::string_view(v));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// At most `max_chars` code points of `text`, cut at a code point boundary.
std::string cut(std::string text, std::size_t max_chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < text.size() && n < max_chars; ++n) {
    const std::size_t len = utf8_sequence_length(text, i);
    i += len == 0 ? 1 : len;
  }
  text.resize(std::min(i, text.size()));
  return text;
}

}  // namespace

const JourneyNode* JourneyGraph::find(std::string_view id) const {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &nodes[it->second];
}

std::string_view question_type_name(QuestionType type) {
  switch (type) {
    case QuestionType::kSingleChoice:
      return "single_choice";
    case QuestionType::kMultipleChoice:
      return "multiple_choice";
    case QuestionType::kText:
      return "text";
    case QuestionType::kImageUpload:
      return "image_upload";
  }
  return "text";
}

ParsedJourney parse_journey(JsonView definition) {
  ParsedJourney parsed;
  Problems p{parsed.problems};
  if (definition.kind() != Kind::kObject) {
    p.add("", "definition_invalid", "the definition must be an object {startNode, nodes}");
    parsed.readable = false;
    return parsed;
  }
  parsed.graph.startNode =
      text_member(definition, "startNode", "", "start_missing", p).value_or("");
  auto nodes = definition.member("nodes");
  if (!nodes || (nodes->kind() != Kind::kObject && nodes->kind() != Kind::kArray)) {
    p.add("", "nodes_missing", "nodes must be an object of nodes by id (or a list of nodes)");
    parsed.readable = false;
    return parsed;
  }
  const std::size_t count =
      nodes->kind() == Kind::kObject ? nodes->members().size() : nodes->elements().size();
  if (count > kMaxJourneyNodes) {
    p.add("", "too_many_nodes", fmt::format("a journey has at most {} nodes", kMaxJourneyNodes));
    parsed.readable = false;
    return parsed;
  }
  if (nodes->kind() == Kind::kObject) {
    for (auto [key, node] : nodes->members())
      read_node(key, node, parsed.graph, p);
  } else {
    for (JsonView node : nodes->elements())
      read_node("", node, parsed.graph, p);
  }
  return parsed;
}

std::vector<JourneyProblem> validate_journey(const ParsedJourney& parsed,
                                             const JourneyRules& rules) {
  std::vector<JourneyProblem> out = parsed.problems;
  if (!parsed.readable) return out;
  Problems p{out};
  const JourneyGraph& g = parsed.graph;
  const JourneyNode* start = g.find(g.startNode);
  if (!start && !g.startNode.empty()) {
    p.add("", "start_missing", fmt::format("startNode '{}' is not a node", g.startNode));
  } else if (g.startNode.empty()) {
    p.add("", "start_missing", "startNode must name the first node");
  }
  bool any_end = false;
  for (const JourneyNode& n : g.nodes) {
    for (std::string_view t : targets_of(n)) {
      if (!g.find(t)) p.add(n.id, "target_missing", fmt::format("'{}' is not a node", t));
    }
    switch (n.type) {
      case NodeType::kQuestion:
        check_question(n, p);
        break;
      case NodeType::kCondition:
        for (const JourneyBranch& b : n.branches)
          check_expression(b.when, g, n.id, p);
        if (!n.otherwise) p.add(n.id, "else_missing", "a condition needs else");
        break;
      case NodeType::kEnd:
        any_end = true;
        check_end(n, g, rules, p);
        break;
    }
  }
  if (!any_end) p.add("", "no_end", "a journey needs at least one end node");
  if (!start) return out;

  // Reachable from the start, and able to reach an end (a cycle needs an exit).
  std::vector<bool> reached(g.nodes.size(), false);
  std::vector<std::vector<std::size_t>> incoming(g.nodes.size());
  std::deque<std::size_t> todo{g.index.find(g.startNode)->second};
  reached[todo.front()] = true;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (std::string_view t : targets_of(g.nodes[i])) {
      if (auto it = g.index.find(t); it != g.index.end()) incoming[it->second].push_back(i);
    }
  }
  while (!todo.empty()) {
    const std::size_t i = todo.front();
    todo.pop_front();
    for (std::string_view t : targets_of(g.nodes[i])) {
      auto it = g.index.find(t);
      if (it != g.index.end() && !reached[it->second]) {
        reached[it->second] = true;
        todo.push_back(it->second);
      }
    }
  }
  std::vector<bool> exits(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].type == NodeType::kEnd) {
      exits[i] = true;
      todo.push_back(i);
    }
  }
  while (!todo.empty()) {
    const std::size_t i = todo.front();
    todo.pop_front();
    for (std::size_t from : incoming[i]) {
      if (!exits[from]) {
        exits[from] = true;
        todo.push_back(from);
      }
    }
  }
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!reached[i]) {
      p.add(g.nodes[i].id, "unreachable", "no path from the start node leads here");
    } else if (!exits[i] && any_end) {
      p.add(g.nodes[i].id, "no_exit_to_end", "no path from here reaches an end node");
    }
  }
  return out;
}

JourneyWalk walk_journey(const JourneyGraph& graph, JsonView answers) {
  JourneyWalk walk;
  Problems p{walk.problems};
  if (answers.kind() != Kind::kObject) {
    p.add("", "answers_invalid", "answers must be an object {nodeId: answer}");
    return walk;
  }
  std::set<std::string_view> visited;
  const JourneyNode* node = graph.find(graph.startNode);
  while (node) {
    if (!visited.insert(node->id).second) {
      p.add(node->id, "answer_cycle", "the answers lead back to this node");
      return walk;
    }
    walk.path.push_back(node);
    std::string_view target;
    switch (node->type) {
      case NodeType::kEnd:
        walk.end = node;
        return walk;
      case NodeType::kCondition: {
        target = node->otherwise ? std::string_view(*node->otherwise) : std::string_view();
        for (const JourneyBranch& b : node->branches) {
          if (holds(b.when, walk.answered)) {
            target = b.next;
            break;
          }
        }
        break;
      }
      case NodeType::kQuestion: {
        auto answer = answers.member(node->id);
        if (!answer) {
          walk.path.pop_back();
          walk.next = node;
          return walk;
        }
        JourneyStep step{node, {}, false};
        if (!read_answer(*node, *answer, step, p)) return walk;
        target = leave_question(*node, step);
        walk.answered.push_back(std::move(step));
        break;
      }
    }
    node = graph.find(target);
  }
  // Only a graph that failed validation gets here.
  p.add(walk.path.empty() ? "" : walk.path.back()->id, "target_missing",
        "the journey leads to a node that does not exist");
  return walk;
}

std::string path_answers_json(const JourneyWalk& walk) {
  JsonWriter w;
  w.begin_object();
  for (const JourneyStep& step : walk.answered) {
    w.key(step.node->id);
    if (step.list) {
      w.begin_array();
      for (const std::string& v : step.values)
        w.value(v);
      w.end_array();
    } else if (step.values.empty()) {
      w.null();
    } else {
      w.value(step.values.front());
    }
  }
  w.end_object();
  return w.take();
}

std::string journey_subject(const JourneyWalk& walk, std::string_view fallback,
                            std::size_t max_chars) {
  std::string out;
  if (walk.end && walk.end->subject) {
    std::string_view tpl = *walk.end->subject;
    std::size_t i = 0;
    while (i < tpl.size()) {
      const std::size_t open = tpl.find("{{", i);
      const std::size_t close = open == std::string_view::npos ? open : tpl.find("}}", open + 2);
      if (close == std::string_view::npos) {
        out.append(tpl.substr(i));
        break;
      }
      out.append(tpl.substr(i, open - i));
      const std::string_view name = trim(tpl.substr(open + 2, close - open - 2));
      for (const JourneyStep& step : walk.answered) {
        if (step.node->id == name) out += answer_text(step);
      }
      i = close + 2;
    }
  }
  std::string line = one_line(trim(out));
  if (trim(line).empty()) line = one_line(trim(fallback));
  return cut(std::string(trim(line)), max_chars);
}

std::string journey_summary(const JourneyWalk& walk) {
  std::string out;
  for (const JourneyStep& step : walk.answered) {
    if (!out.empty()) out += '\n';
    out += one_line(step.node->question);
    out += ": ";
    out += step.values.empty() ? std::string("(skipped)") : one_line(answer_text(step));
  }
  return out;
}

}  // namespace docket::domain
