// Journey graphs: each validation rule, randomized valid and broken graphs, and the
// walker with its condition expressions.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "domain/journey.h"
#include "domain/journey_graph.h"

namespace docket::domain {
namespace {

const JourneyRules kRules{{"general", "billing", "technical"}};

// The rules a definition breaks, each once, in order.
std::set<std::string> rules_broken(std::string_view json, std::string_view channel = "any") {
  JsonDocument doc;
  auto root = doc.parse(json);
  REQUIRE(root.ok());
  std::set<std::string> rules;
  for (const JourneyProblem& p : journey_problems(*root, channel, kRules))
    rules.insert(p.rule);
  return rules;
}

// Problems at `node` for `rule`.
bool has_problem(std::string_view json, std::string_view node, std::string_view rule) {
  JsonDocument doc;
  auto root = doc.parse(json);
  REQUIRE(root.ok());
  for (const JourneyProblem& p : journey_problems(*root, "any", kRules)) {
    if (p.nodeId == node && p.rule == rule) return true;
  }
  return false;
}

// The seed's example, finished with the node it names.
constexpr std::string_view kSeedFinished = R"({
  "startNode": "node-1",
  "nodes": {
    "node-1": {"id": "node-1", "type": "question", "questionType": "single_choice",
               "question": "What do you need help with?",
               "options": [{"label": "Order Issue", "value": "order_issue"}],
               "nextNodeMap": {"order_issue": "node-2"}},
    "node-2": {"id": "node-2", "type": "end", "create": "support_request",
               "category": "general", "subject": "Help with: {{node-1}}"}}})";

// Three steps: a choice, a condition on it, a text and an image, two ends.
constexpr std::string_view kThreeStep = R"({
  "startNode": "topic",
  "nodes": {
    "topic": {"type": "question", "questionType": "single_choice", "question": "Topic?",
              "options": [{"label": "Damaged item", "value": "damaged"},
                          {"label": "Billing", "value": "billing"}],
              "nextNodeMap": {"billing": "bill-end"}, "next": "details"},
    "details": {"type": "question", "questionType": "text", "question": "What happened?",
                "next": "photo"},
    "photo": {"type": "question", "questionType": "image_upload", "question": "A photo?",
              "required": false, "next": "route"},
    "route": {"type": "condition",
              "branches": [{"when": {"all": [{"node": "photo", "answered": true},
                                             {"node": "details", "contains": "broken"}]},
                            "next": "urgent-end"}],
              "else": "normal-end"},
    "urgent-end": {"type": "end", "create": "support_request", "category": "technical",
                   "priority": "high", "subject": "Damaged: {{details}}"},
    "normal-end": {"type": "end", "create": "support_request", "category": "general"},
    "bill-end": {"type": "end", "create": "support_inquiry", "category": "billing",
                 "subject": "{{topic}} question"}}})";

ParsedJourney parsed(std::string_view json, JsonDocument& doc) {
  auto root = doc.parse(json);
  REQUIRE(root.ok());
  return parse_journey(*root);
}

JourneyWalk walk(const JourneyGraph& g, std::string_view answers, JsonDocument& doc) {
  auto root = doc.parse(answers);
  REQUIRE(root.ok());
  return walk_journey(g, *root);
}

// ---- a generator of random graphs ----------------------------------------------------

struct Generated {
  std::string json;
  bool valid = true;
  std::string broken_rule;  // the rule the mutation breaks (when not valid)
};

// A random valid graph: node i leads on to node i + 1 (so every node is reached and can
// reach an end) and, by one answer or branch, to a random later node; some answers loop
// back to an earlier node (a cycle with exits). The last one or two nodes are ends.
std::string random_graph(std::mt19937& rng, int& count) {
  count = 3 + static_cast<int>(rng() % 12);
  const int ends = 1 + static_cast<int>(rng() % 2);
  const int last_inner = count - ends - 1;
  JsonWriter w;
  w.begin_object().field("startNode", "n0").key("nodes").begin_object();
  for (int i = 0; i < count; ++i) {
    const std::string primary = fmt::format("n{}", i + 1);
    std::string secondary = fmt::format("n{}", count - 1);
    if (i < last_inner)
      secondary = fmt::format("n{}", i + 1 + static_cast<int>(rng() % (count - i - 1)));
    w.key(fmt::format("n{}", i)).begin_object();
    if (i > last_inner) {
      w.field("type", "end").field("create", rng() % 2 ? "support_request" : "support_inquiry");
      w.field("category", "general");
      if (rng() % 2) w.field("subject", "About {{n0}}");
    } else if (i > 0 && i < last_inner && rng() % 4 == 0) {
      w.field("type", "condition").key("branches").begin_array();
      w.begin_object()
          .key("when")
          .begin_object()
          .field("node", "n0")
          .field("answered", true)
          .end_object()
          .field("next", secondary)
          .end_object();
      w.end_array().field("else", primary);
    } else {
      w.field("type", "question");
      const char* types[] = {"single_choice", "multiple_choice", "text", "image_upload"};
      const bool choice_only = i == 0 || i == last_inner;  // n0: conditions name it
      const char* type = choice_only ? "single_choice" : types[rng() % 4];
      w.field("questionType", type);
      w.field("question", fmt::format("Question {}?", i));
      w.key("options").begin_array();
      for (int o = 0; o < 3; ++o) {
        w.begin_object()
            .field("label", fmt::format("L{}", o))
            .field("value", fmt::format("v{}", o))
            .end_object();
      }
      w.end_array();
      if (std::string_view(type).ends_with("choice")) {
        w.key("nextNodeMap").begin_object().field("v2", secondary);
        if (i > 1 && rng() % 3 == 0) w.field("v1", fmt::format("n{}", rng() % i));
        w.end_object();
      }
      w.field("next", primary);
    }
    w.end_object();
  }
  w.end_object().end_object();
  return w.take();
}

// `json` with one random fault; the rule it must report.
Generated break_graph(std::mt19937& rng, const std::string& json, int count) {
  Generated g{json, false, ""};
  auto replace = [&](std::string_view from, std::string_view to) {
    auto at = g.json.find(from);
    if (at == std::string::npos) return false;
    g.json.replace(at, from.size(), to);
    return true;
  };
  switch (rng() % 5) {
    case 0:
      replace("\"startNode\":\"n0\"", "\"startNode\":\"nowhere\"");
      g.broken_rule = "start_missing";
      break;
    case 1:  // a dangling target
      if (replace("\"next\":\"n", "\"next\":\"x")) {
        g.broken_rule = "target_missing";
      } else {
        replace("\"startNode\":\"n0\"", "\"startNode\":\"\"");
        g.broken_rule = "start_missing";
      }
      break;
    case 2:  // an unknown priority on an end
      replace("\"category\":\"general\"", "\"category\":\"general\",\"priority\":\"asap\"");
      g.broken_rule = "end_priority_invalid";
      break;
    case 3:  // a duplicate option value
      if (replace("\"value\":\"v1\"", "\"value\":\"v0\"")) {
        g.broken_rule = "option_value_duplicate";
      } else {
        replace("\"type\":\"end\"", "\"type\":\"finish\"");
        g.broken_rule = "node_type_invalid";
      }
      break;
    default: {  // an extra node nothing leads to
      const std::string extra = fmt::format(
          ",\"orphan\":{{\"type\":\"end\",\"create\":\"support_request\",\"category\":\"general\"}"
          "}");
      g.json.insert(g.json.size() - 2, extra);
      g.broken_rule = "unreachable";
      (void)count;
      break;
    }
  }
  return g;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("the seed's example, finished, is valid; as the seed prints it, it names node-2") {
    CHECK(rules_broken(kSeedFinished).empty());
    constexpr std::string_view kSeedAsPrinted = R"({"startNode": "node-1", "nodes": {
      "node-1": {"id": "node-1", "type": "question", "questionType": "single_choice",
                 "question": "What do you need help with?",
                 "options": [{"label": "Order Issue", "value": "order_issue"}],
                 "nextNodeMap": {"order_issue": "node-2"}}}})";
    CHECK(has_problem(kSeedAsPrinted, "node-1", "target_missing"));
    CHECK(has_problem(kSeedAsPrinted, "", "no_end"));
    CHECK(rules_broken(kThreeStep).empty());
  }

  TEST_CASE("each structural rule is reported at its node") {
    CHECK(rules_broken("[]") == std::set<std::string>{"definition_invalid"});
    CHECK(rules_broken(R"({"startNode":"a"})").contains("nodes_missing"));
    CHECK(has_problem(R"({"startNode":"a","nodes":{"b":{"type":"end","create":"support_request",
      "category":"general"}}})",
                      "", "start_missing"));
    CHECK(has_problem(R"({"startNode":"a","nodes":{"a":{"id":"z","type":"end",
      "create":"support_request","category":"general"}}})",
                      "a", "node_id_mismatch"));
    CHECK(
        has_problem(R"({"startNode":"a","nodes":[{"id":"a","type":"end","create":"support_request",
      "category":"general"},{"id":"a","type":"end","create":"support_request","category":"general"}]})",
                    "a", "node_id_duplicate"));
    CHECK(has_problem(R"({"startNode":"a","nodes":{"a":{"type":"teleport"}}})", "a",
                      "node_type_invalid"));
    CHECK(has_problem(R"({"startNode":"a","nodes":{"a":{"type":"question","questionType":"essay",
      "question":"Q","next":"e"},"e":{"type":"end","create":"support_request","category":"general"}}})",
                      "a", "question_type_invalid"));
    CHECK(has_problem(R"({"startNode":"a","nodes":{"a":{"type":"question","questionType":"text",
      "question":"  ","next":"e"},"e":{"type":"end","create":"support_request","category":"general"}}})",
                      "a", "question_missing"));
  }

  TEST_CASE("questions: options, their values, the next-node map, a way out") {
    auto q = [](std::string_view body) {
      return fmt::format(
          R"({{"startNode":"q","nodes":{{"q":{{"type":"question","question":"Q",{}}},)"
          R"("e":{{"type":"end","create":"support_request","category":"general"}}}}}})",
          body);
    };
    CHECK(has_problem(q(R"("questionType":"single_choice","next":"e")"), "q", "options_missing"));
    CHECK(has_problem(q(R"("questionType":"single_choice","options":[{"label":"A","value":"a"},
      {"label":"B","value":"a"}],"next":"e")"),
                      "q", "option_value_duplicate"));
    CHECK(has_problem(q(R"("questionType":"single_choice","options":[{"label":"","value":"a"}],
      "next":"e")"),
                      "q", "option_invalid"));
    CHECK(has_problem(q(R"("questionType":"single_choice","options":[{"label":"A","value":"a"}],
      "nextNodeMap":{"b":"e"},"next":"e")"),
                      "q", "next_map_unknown_value"));
    CHECK(has_problem(q(R"("questionType":"single_choice","options":[{"label":"A","value":"a"},
      {"label":"B","value":"b"}],"nextNodeMap":{"a":"e"})"),
                      "q", "no_exit"));
    CHECK(has_problem(q(R"("questionType":"text")"), "q", "no_exit"));
    CHECK(has_problem(q(R"("questionType":"text","nextNodeMap":{"a":"e"},"next":"e")"), "q",
                      "next_map_invalid"));
    CHECK(has_problem(q(R"("questionType":"single_choice","required":false,
      "options":[{"label":"A","value":"a"}],"nextNodeMap":{"a":"e"})"),
                      "q", "no_exit"));
    CHECK(has_problem(q(R"("questionType":"text","next":"gone")"), "q", "target_missing"));
    CHECK(rules_broken(q(R"("questionType":"single_choice","options":[{"label":"A","value":"a"}],
      "nextNodeMap":{"a":"e"})"))
              .empty());
  }

  TEST_CASE("conditions: expressions name questions and their option values, else is required") {
    auto c = [](std::string_view when, std::string_view rest = R"(,"else":"e")") {
      return fmt::format(
          R"({{"startNode":"q","nodes":{{"q":{{"type":"question","questionType":"single_choice",)"
          R"("question":"Q","options":[{{"label":"A","value":"a"}}],"next":"c"}},)"
          R"("c":{{"type":"condition","branches":[{{"when":{},"next":"e"}}]{}}},)"
          R"("e":{{"type":"end","create":"support_request","category":"general"}}}}}})",
          when, rest);
    };
    CHECK(rules_broken(c(R"({"node":"q","equals":"a"})")).empty());
    CHECK(rules_broken(
              c(R"({"any":[{"node":"q","oneOf":["a"]},{"not":{"node":"q","answered":true}}]})"))
              .empty());
    CHECK(has_problem(c(R"({"node":"q","equals":"zzz"})"), "c", "condition_invalid"));
    CHECK(has_problem(c(R"({"node":"c","answered":true})"), "c", "condition_invalid"));
    CHECK(has_problem(c(R"({"node":"q","greater":"a"})"), "c", "condition_invalid"));
    CHECK(has_problem(c(R"({"all":[]})"), "c", "condition_invalid"));
    CHECK(has_problem(c(R"("run this")"), "c", "condition_invalid"));
    std::string deep = R"({"node":"q","answered":true})";
    for (int i = 0; i < 10; ++i)
      deep = R"({"not":)" + deep + "}";
    CHECK(has_problem(c(deep), "c", "condition_invalid"));
    CHECK(has_problem(c(R"({"node":"q","answered":true})", ""), "c", "else_missing"));
  }

  TEST_CASE("reachability: unreachable nodes, and cycles without an exit") {
    CHECK(has_problem(R"({"startNode":"a","nodes":{
      "a":{"type":"question","questionType":"text","question":"Q","next":"e"},
      "island":{"type":"question","questionType":"text","question":"Q","next":"e"},
      "e":{"type":"end","create":"support_request","category":"general"}}})",
                      "island", "unreachable"));
    // a <-> b loop with no way to the end
    const std::string trapped = R"({"startNode":"s","nodes":{
      "s":{"type":"question","questionType":"single_choice","question":"Q",
           "options":[{"label":"Loop","value":"loop"},{"label":"Done","value":"done"}],
           "nextNodeMap":{"loop":"a","done":"e"}},
      "a":{"type":"question","questionType":"text","question":"A","next":"b"},
      "b":{"type":"question","questionType":"text","question":"B","next":"a"},
      "e":{"type":"end","create":"support_request","category":"general"}}})";
    CHECK(has_problem(trapped, "a", "no_exit_to_end"));
    CHECK(has_problem(trapped, "b", "no_exit_to_end"));
    CHECK_FALSE(has_problem(trapped, "s", "no_exit_to_end"));
    // the same loop with an exit is allowed
    const std::string exit_loop = R"({"startNode":"s","nodes":{
      "s":{"type":"question","questionType":"single_choice","question":"Q",
           "options":[{"label":"Again","value":"again"},{"label":"Done","value":"done"}],
           "nextNodeMap":{"again":"s","done":"e"}},
      "e":{"type":"end","create":"support_request","category":"general"}}})";
    CHECK(rules_broken(exit_loop).empty());
  }

  TEST_CASE("end nodes: kind, category, priority, subject template; widgets make inquiries") {
    auto e = [](std::string_view end) {
      return fmt::format(
          R"({{"startNode":"q","nodes":{{"q":{{"type":"question","questionType":"text",)"
          R"("question":"Q","next":"e"}},"e":{{"type":"end",{}}}}}}})",
          end);
    };
    CHECK(has_problem(e(R"("create":"ticket","category":"general")"), "e", "end_create_invalid"));
    CHECK(has_problem(e(R"("create":"support_request","category":"refunds")"), "e",
                      "end_category_invalid"));
    CHECK(rules_broken(e(R"("create":"support_inquiry","category":"refunds")")).empty());
    CHECK(has_problem(e(R"("create":"support_inquiry","category":"Refunds!")"), "e",
                      "end_category_invalid"));
    CHECK(has_problem(e(R"("create":"support_request","category":"general","priority":"asap")"),
                      "e", "end_priority_invalid"));
    CHECK(has_problem(e(R"("create":"support_request","category":"general","subject":"{{zz}}")"),
                      "e", "subject_template_invalid"));
    CHECK(has_problem(e(R"("create":"support_request","category":"general","subject":"{{q")"), "e",
                      "subject_template_invalid"));
    CHECK(rules_broken(e(R"("create":"support_request","category":"general")"), "widget")
              .contains("end_create_channel"));
    CHECK(rules_broken(e(R"("create":"support_inquiry","category":"general")"), "widget").empty());
  }

  TEST_CASE("too many nodes are refused before anything else is read") {
    JsonWriter w;
    w.begin_object().field("startNode", "n0").key("nodes").begin_object();
    for (std::size_t i = 0; i <= kMaxJourneyNodes; ++i)
      w.key(fmt::format("n{}", i)).begin_object().field("type", "end").end_object();
    w.end_object().end_object();
    CHECK(rules_broken(w.take()) == std::set<std::string>{"too_many_nodes"});
  }

  TEST_CASE("randomized: generated graphs validate; each with one fault reports that rule") {
    std::mt19937 rng(20261203);
    for (int round = 0; round < 500; ++round) {
      int count = 0;
      const std::string json = random_graph(rng, count);
      CAPTURE(json);
      const std::set<std::string> ok = rules_broken(json);
      CHECK(ok.empty());
      const Generated broken = break_graph(rng, json, count);
      CAPTURE(broken.json);
      CHECK(rules_broken(broken.json).contains(broken.broken_rule));

      // Walking a valid graph with every question answered by its first option (or a
      // text) ends at an end node or finds the cycle the answers make.
      JsonDocument doc;
      ParsedJourney p = parsed(json, doc);
      JsonWriter answers;
      answers.begin_object();
      for (const JourneyNode& n : p.graph.nodes) {
        if (n.type != NodeType::kQuestion) continue;
        answers.key(n.id);
        if (n.questionType == QuestionType::kMultipleChoice) {
          answers.begin_array().value("v0").end_array();
        } else if (n.questionType == QuestionType::kImageUpload) {
          answers.value("att_x");
        } else {
          answers.value("v0");
        }
      }
      answers.end_object();
      JsonDocument adoc;
      JourneyWalk wk = walk(p.graph, answers.take(), adoc);
      const bool ended = wk.end != nullptr;
      const bool cycled = !wk.problems.empty() && wk.problems.front().rule == "answer_cycle";
      CHECK((ended || cycled));
    }
  }

  TEST_CASE("walking: the next question, answer checks, conditions and the end") {
    JsonDocument doc;
    ParsedJourney p = parsed(kThreeStep, doc);
    REQUIRE(validate_journey(p, kRules).empty());
    JsonDocument a;

    JourneyWalk w = walk(p.graph, "{}", a);
    REQUIRE(w.next);
    CHECK(w.next->id == "topic");
    CHECK(w.path.empty());

    w = walk(p.graph, R"({"topic":"damaged"})", a);
    REQUIRE(w.next);
    CHECK(w.next->id == "details");

    w = walk(p.graph, R"({"topic":"billing"})", a);
    REQUIRE(w.end);
    CHECK(w.end->id == "bill-end");
    CHECK(journey_subject(w, "Fallback", 200) == "Billing question");

    // The photo is optional: null skips it; the condition needs both answers.
    w = walk(p.graph, R"({"topic":"damaged","details":"It arrived broken","photo":null})", a);
    REQUIRE(w.end);
    CHECK(w.end->id == "normal-end");
    CHECK(journey_subject(w, "Order help", 200) == "Order help");

    w = walk(p.graph,
             R"({"topic":"damaged","details":"It arrived BROKEN","photo":["att_1","att_2"],
                 "ignored":"off the path"})",
             a);
    REQUIRE(w.end);
    CHECK(w.end->id == "urgent-end");
    std::vector<std::string> path;
    for (const JourneyNode* n : w.path)
      path.push_back(n->id);
    CHECK(path == std::vector<std::string>{"topic", "details", "photo", "route", "urgent-end"});
    CHECK(journey_subject(w, "x", 200) == "Damaged: It arrived BROKEN");
    CHECK(path_answers_json(w) ==
          R"({"topic":"damaged","details":"It arrived BROKEN","photo":["att_1","att_2"]})");
    CHECK(journey_summary(w) ==
          "Topic?: Damaged item\nWhat happened?: It arrived BROKEN\nA photo?: 2 images attached");
    CHECK(journey_subject(w, "x", 9) == "Damaged: ");
  }

  TEST_CASE("walking: each wrong answer is named with its node and rule") {
    JsonDocument doc;
    ParsedJourney p = parsed(kThreeStep, doc);
    JsonDocument a;
    auto rule_of = [&](std::string_view answers) {
      JourneyWalk w = walk(p.graph, answers, a);
      REQUIRE(w.problems.size() == 1);
      CHECK_FALSE(w.next);
      CHECK_FALSE(w.end);
      return w.problems.front().nodeId + ":" + w.problems.front().rule;
    };
    CHECK(rule_of(R"({"topic":"shipping"})") == "topic:answer_not_an_option");
    CHECK(rule_of(R"({"topic":["damaged"]})") == "topic:answer_invalid");
    CHECK(rule_of(R"({"topic":7})") == "topic:answer_invalid");
    CHECK(rule_of(R"({"topic":""})") == "topic:answer_required");
    CHECK(rule_of(R"({"topic":"damaged","details":null})") == "details:answer_required");
    CHECK(rule_of(fmt::format(R"({{"topic":"damaged","details":"{}"}})",
                              std::string(kMaxJourneyTextAnswer + 1, 'x'))) ==
          "details:answer_too_long");
    CHECK(rule_of(R"({"topic":"damaged","details":"d","photo":"../etc/passwd"})") ==
          "photo:answer_invalid");
    CHECK(rule_of(R"({"topic":"damaged","details":"d","photo":["a","a"]})") ==
          "photo:answer_invalid");
    CHECK(rule_of("[]") == ":answers_invalid");
  }

  TEST_CASE("walking: multiple choice follows the first chosen option with a route") {
    constexpr std::string_view kMulti = R"({"startNode":"m","nodes":{
      "m":{"type":"question","questionType":"multiple_choice","question":"Which?",
           "options":[{"label":"A","value":"a"},{"label":"B","value":"b"},{"label":"C","value":"c"}],
           "nextNodeMap":{"b":"eb","c":"ec"},"next":"ea"},
      "ea":{"type":"end","create":"support_request","category":"general"},
      "eb":{"type":"end","create":"support_request","category":"general"},
      "ec":{"type":"end","create":"support_request","category":"general","subject":"{{m}}"}}})";
    JsonDocument doc;
    ParsedJourney p = parsed(kMulti, doc);
    REQUIRE(validate_journey(p, kRules).empty());
    JsonDocument a;
    CHECK(walk(p.graph, R"({"m":["a"]})", a).end->id == "ea");
    CHECK(walk(p.graph, R"({"m":["c","b"]})", a).end->id ==
          "eb");  // option order, not answer order
    JourneyWalk w = walk(p.graph, R"({"m":["c","a"]})", a);
    CHECK(w.end->id == "ec");
    CHECK(journey_subject(w, "", 200) == "C, A");
    CHECK(walk(p.graph, R"({"m":"a"})", a).problems.front().rule == "answer_invalid");
  }

  TEST_CASE("walking: answers that go around a cycle are a problem, not a hang") {
    constexpr std::string_view kLoop = R"({"startNode":"s","nodes":{
      "s":{"type":"question","questionType":"single_choice","question":"Again?",
           "options":[{"label":"Yes","value":"yes"},{"label":"No","value":"no"}],
           "nextNodeMap":{"yes":"s","no":"e"}},
      "e":{"type":"end","create":"support_request","category":"general"}}})";
    JsonDocument doc;
    ParsedJourney p = parsed(kLoop, doc);
    REQUIRE(validate_journey(p, kRules).empty());
    JsonDocument a;
    JourneyWalk w = walk(p.graph, R"({"s":"yes"})", a);
    REQUIRE(w.problems.size() == 1);
    CHECK(w.problems.front().rule == "answer_cycle");
    CHECK(walk(p.graph, R"({"s":"no"})", a).end->id == "e");
  }

  TEST_CASE("text conditions compare case-insensitively; equals on a list needs one value") {
    constexpr std::string_view kText = R"({"startNode":"t","nodes":{
      "t":{"type":"question","questionType":"text","question":"Order number?","next":"c"},
      "c":{"type":"condition","branches":[
            {"when":{"node":"t","equals":"vip"},"next":"vip"},
            {"when":{"node":"t","oneOf":["A1","B2"]},"next":"known"}],"else":"other"},
      "vip":{"type":"end","create":"support_inquiry","category":"vip"},
      "known":{"type":"end","create":"support_inquiry","category":"known"},
      "other":{"type":"end","create":"support_inquiry","category":"other"}}})";
    JsonDocument doc;
    ParsedJourney p = parsed(kText, doc);
    REQUIRE(validate_journey(p, kRules).empty());
    JsonDocument a;
    CHECK(walk(p.graph, R"({"t":"  VIP "})", a).end->id == "vip");
    CHECK(walk(p.graph, R"({"t":"b2"})", a).end->id == "known");
    CHECK(walk(p.graph, R"({"t":"c3"})", a).end->id == "other");
  }
}

}  // namespace docket::domain
