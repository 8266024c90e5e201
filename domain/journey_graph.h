// Journey graphs (docs/journeys.md): the question graph of one journey version, as seed
// 002 stores it, checked before it is published and walked with a customer's answers.
//
//   {"startNode": "node-1",
//    "nodes": {"node-1": {"id": "node-1", "type": "question", "questionType": "single_choice",
//                         "question": "…", "options": [{"label": "…", "value": "…"}],
//                         "nextNodeMap": {"value": "node-2"}, "next": "node-3"},
//              "node-2": {"id": "node-2", "type": "condition",
//                         "branches": [{"when": {…}, "next": "…"}], "else": "…"},
//              "node-3": {"id": "node-3", "type": "end", "create": "support_request",
//                         "category": "billing", "priority": "high",
//                         "subject": "Order problem: {{node-1}}"}}}
//
// `nodes` may also be an array of nodes (each with its id). A condition's `when` is a
// small expression, data only (no code runs):
//   {"node": ID, "equals": V}   {"node": ID, "oneOf": [V, …]}   {"node": ID, "contains": V}
//   {"node": ID, "answered": true|false}   {"all": [E, …]}   {"any": [E, …]}   {"not": E}
// `contains` is list membership for a multiple-choice answer and a case-insensitive
// substring test for text. Expressions nest at most kMaxExpressionDepth deep.
//
// Answers are {nodeId: value}: a string (single choice, text), a list of strings
// (multiple choice), an attachment id or a list of them (image upload); null, "" or []
// skips an optional question. A question without an answer is the next one to ask.
//
// Pure; thread-compatible (a parsed graph is a value).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_view.h"
#include "core/result.h"

namespace docket::domain {

inline constexpr std::size_t kMaxJourneyNodes = 200;
inline constexpr std::size_t kMaxJourneyOptions = 50;
inline constexpr std::size_t kMaxJourneyBranches = 20;
inline constexpr std::size_t kMaxExpressionDepth = 6;
inline constexpr std::size_t kMaxExpressionTerms = 50;
inline constexpr std::size_t kMaxJourneyTextAnswer = 2000;  // code points
inline constexpr std::size_t kMaxJourneyAttachments = 10;   // per image-upload answer
inline constexpr std::size_t kMaxJourneyIdLength = 64;

enum class QuestionType { kSingleChoice, kMultipleChoice, kText, kImageUpload };
enum class NodeType { kQuestion, kCondition, kEnd };

struct JourneyOption {
  std::string label;
  std::string value;
};

// A condition expression: a test on one question's answer, or all / any / not of others.
struct JourneyExpression {
  enum class Op { kEquals, kOneOf, kContains, kAnswered, kAll, kAny, kNot };
  Op op = Op::kAnswered;
  std::string node;                      // the tests
  std::vector<std::string> values;       // equals / contains: one; oneOf: any number
  bool answered = true;                  // answered: whether it must be answered
  std::vector<JourneyExpression> terms;  // all / any / not (one)
};

struct JourneyBranch {
  JourneyExpression when;
  std::string next;
};

struct JourneyNode {
  std::string id;
  NodeType type = NodeType::kQuestion;
  // question
  QuestionType questionType = QuestionType::kText;
  std::string question;
  std::vector<JourneyOption> options;
  bool required = true;
  std::vector<std::pair<std::string, std::string>> nextNodeMap;  // value → node, in order
  std::optional<std::string> next;
  // condition
  std::vector<JourneyBranch> branches;
  std::optional<std::string> otherwise;  // "else"
  // end
  std::string create;  // "support_request" | "support_inquiry"
  std::string category;
  std::optional<std::string> priority;
  std::optional<std::string> subject;  // a template: {{nodeId}} is that question's answer
};

struct JourneyGraph {
  std::string startNode;
  std::vector<JourneyNode> nodes;                         // in document order
  std::map<std::string, std::size_t, std::less<>> index;  // id → position in nodes
  const JourneyNode* find(std::string_view id) const;
};

// One thing wrong with a graph or with answers: the node it is at ("" for the whole
// definition), a stable rule name (docs/journeys.md lists them) and a message.
struct JourneyProblem {
  std::string nodeId;
  std::string rule;
  std::string message;
};

// What the end nodes of a journey may name: the support request categories configured
// (support inquiries take any category of [a-z0-9_-]{1,40}).
struct JourneyRules {
  std::vector<std::string> requestCategories;
};

// Reads a definition. Structural faults (not an object, a node of unknown type, a field
// of the wrong JSON type) are problems too: the result holds the graph read so far and
// every problem found.
struct ParsedJourney {
  JourneyGraph graph;
  std::vector<JourneyProblem> problems;
  bool readable = true;  // false: no graph could be read (not an object, no nodes, too many)
};
ParsedJourney parse_journey(JsonView definition);
// The problems that keep a parsed graph from being published: the start node exists;
// every nextNodeMap, next, branch and else target exists; nextNodeMap keys are option
// values; option values are unique per question; a question leaves by every answer (a
// `next`, or a nextNodeMap entry for every option of a single choice); conditions
// reference questions and have an else; every node is reachable from the start; an end
// node is reachable from every node (a cycle needs an exit); end nodes name a kind, a
// category, a known priority and a subject whose {{…}} name questions. Empty when it may
// be published. Includes parse_journey's problems when given its result.
std::vector<JourneyProblem> validate_journey(const ParsedJourney& parsed,
                                             const JourneyRules& rules);

// A customer's answers, as sent: {nodeId: value}.
struct JourneyAnswers {
  JsonView root;  // an object (checked by walk_journey)
};

// One answered step on the path.
struct JourneyStep {
  const JourneyNode* node = nullptr;
  std::vector<std::string> values;  // the answer's strings (empty: skipped)
  bool list = false;                // sent as a list (multiple choice, image uploads)
};

// Where the answers lead: the next question to ask (`next`), or the end node reached
// (`end`), the path of answered questions and conditions taken, and the problems of the
// answers given (then neither next nor end is set). Nodes point into the graph.
struct JourneyWalk {
  std::vector<const JourneyNode*> path;  // every node visited, start first
  std::vector<JourneyStep> answered;     // the questions answered on the path, in order
  const JourneyNode* next = nullptr;
  const JourneyNode* end = nullptr;
  std::vector<JourneyProblem> problems;
};
// Walks from the start node: a question with an answer is checked (its type, its
// options, required, lengths) and left by its answer; a condition takes its first true
// branch, else its else; an end node ends. Answers to nodes not on the path are ignored.
// A walk that comes back to a node is a problem ("answer_cycle"). REQUIRES: the graph
// passed validate_journey.
JourneyWalk walk_journey(const JourneyGraph& graph, JsonView answers);

// The answers on the path as a JSON object (nodeId → value as given), for the record.
std::string path_answers_json(const JourneyWalk& walk);
// The end node's subject with each {{nodeId}} replaced by that answer (option labels for
// choices, the text for text questions, "" when the question is not on the path);
// `fallback` when the result is blank. At most `max_chars` code points.
std::string journey_subject(const JourneyWalk& walk, std::string_view fallback,
                            std::size_t max_chars);
// The first message of the created item: each answered question and its answer, a line
// each ("What do you need help with?: Order Issue").
std::string journey_summary(const JourneyWalk& walk);

std::string_view question_type_name(QuestionType type);

}  // namespace docket::domain
