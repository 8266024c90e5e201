#include "core/csv.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/support/test_support.h"

using docket::CsvWriter;

TEST_SUITE("core") {
  TEST_CASE("CSV: plain fields as they are, quoted when they hold a comma, quote or line break") {
    CsvWriter csv;
    csv.text("name").text("count").end_row();
    csv.text("plain").number(std::int64_t{3}).end_row();
    csv.text("a,b").text("say \"hi\"").text("two\r\nlines").text("").number(1.5).empty().end_row();
    CHECK(csv.str() ==
          "name,count\r\nplain,3\r\n\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",,1.5,\r\n");
  }

  TEST_CASE("CSV: text that a spreadsheet would run as a formula is shown as text") {
    for (const char* cell : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
      CAPTURE(cell);
      CsvWriter csv;
      csv.text(cell);
      CHECK(csv.str() == "\"'" + std::string(cell) + "\"");
    }
    CsvWriter numbers;
    numbers.number(std::int64_t{-3}).number(-0.5);  // numbers stay numbers
    CHECK(numbers.str() == "-3,-0.5");
  }

  TEST_CASE("CSV: Python's csv module reads back every cell") {
    const std::vector<std::vector<std::string>> rows = {
        {"id", "name", "note"},
        {"1", "Xavier, \"X\"", "line one\nline two"},
        {"2", "=HYPERLINK(\"http://evil\")", "café ✓"},
        {"3", "", "-2+3"},
    };
    CsvWriter csv;
    for (const auto& row : rows) {
      for (const auto& cell : row)
        csv.text(cell);
      csv.end_row();
    }
    docket::testing::TempDir dir;
    const std::string path = dir.sub("out.csv");
    std::ofstream(path, std::ios::binary) << csv.str();
    // Python prints each cell as JSON-escaped text, one row per line.
    auto parsed =
        docket::testing::run_process({"/usr/bin/python3", "-c",
                                      "import csv, json, sys\n"
                                      "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
                                      "    for row in csv.reader(f):\n"
                                      "        print(json.dumps(row, ensure_ascii=False))\n",
                                      path});
    REQUIRE_MESSAGE(parsed.exit_code == 0, parsed.err);
    CHECK(parsed.out ==
          "[\"id\", \"name\", \"note\"]\n"
          "[\"1\", \"Xavier, \\\"X\\\"\", \"line one\\nline two\"]\n"
          "[\"2\", \"'=HYPERLINK(\\\"http://evil\\\")\", \"café ✓\"]\n"
          "[\"3\", \"\", \"'-2+3\"]\n");
  }
}
