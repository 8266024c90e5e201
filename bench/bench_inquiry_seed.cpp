// Seeds a running server with support inquiries through its public write path: guests
// open inquiries over HTTP (POST /api/support-inquiries with subject, message and
// contact data) and add a few visitor messages with the access token they were given,
// exactly as the support widget does, so every inquiry and message is a durable,
// projected event.
//
//   bench_inquiry_seed --port P [--inquiries 100000] [--min-messages 0]
//                      [--max-messages 2] [--connections 64] [--out pairs.txt]
//
// Each inquiry gets between --min-messages and --max-messages extra visitor messages
// (uniformly; the create request carries the first one). Prints the write rate and
// writes `--out`: one line per inquiry, "<inquiryAccessToken> <id>", which
// bench/wrk/inquiry_message.lua reads to act as the inquiry's guest.
//
// Guest e-mails are "<first>.<last><n>@<domain>". The domain is fixed by the inquiry's
// number i (0, 1, 2, ... as the seeder hands them out) so that the admin search for a
// 4-character fragment has an exact, known selectivity (see kFragmentDomains): of every
// 1,000 consecutive numbers, 1 uses fjordpost.no ("fjor": 100 of 100,000 inquiries),
// 20 use posteo.de ("oste": 2,000) and 250 use gmail.com ("gmai": 25,000). The search
// also covers the tracking code, subject, name and phone; each fragment contains a
// letter the tracking-code alphabet lacks (I, L, O) and main() checks that it occurs in
// no other vocabulary word, so these counts are the search totals. The seeder prints the
// counts it created.
#include <atomic>
#include <cctype>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/seed_client.h"

namespace {

using docket::bench::data_field;
using docket::bench::SeedClient;
using docket::bench::SeedLog;

constexpr std::string_view kFirstNames[] = {
    "anna",  "ben",    "clara",  "david",  "emma",   "felix",  "greta",   "hannah",
    "jonas", "karla",  "lukas",  "maria",  "noah",   "paula",  "quinn",   "rafael",
    "sara",  "tobias", "ursula", "victor", "wanda",  "xaver",  "yasmin",  "zoe",
    "amir",  "bianca", "carlos", "dana",   "elias",  "frieda", "gabriel", "helena",
    "ivan",  "julia",  "kevin",  "lena",   "mehmet", "nina",   "oskar",   "petra"};
constexpr std::string_view kLastNames[] = {
    "schmidt", "mueller",    "schneider", "fischer",  "weber",   "meyer",  "wagner",  "becker",
    "schulz",  "hoffmann",   "koch",      "richter",  "klein",   "wolf",   "neumann", "schwarz",
    "braun",   "zimmermann", "krueger",   "hartmann", "lange",   "werner", "krause",  "lehmann",
    "kaiser",  "fuchs",      "peters",    "scholz",   "moeller", "weiss",  "jung",    "hahn",
    "vogel",   "friedrich",  "keller",    "guenther", "frank",   "berger", "winkler", "roth"};
// The common domains share what kFragmentDomains leaves (729 of every 1,000).
constexpr std::string_view kCommonDomains[] = {
    "outlook.com", "yahoo.com",   "web.de",      "gmx.net", "icloud.com",
    "proton.me",   "hotmail.com", "t-online.de", "aol.com", "mailbox.org"};
struct FragmentDomain {
  std::string_view fragment;  // what the benchmark searches for
  std::string_view domain;
  std::uint64_t per_mille;  // inquiries of every 1,000 with this domain
};
constexpr FragmentDomain kFragmentDomains[] = {
    {"fjor", "fjordpost.no", 1},  // selective: 1 in 1,000
    {"oste", "posteo.de", 20},    // medium: 1 in 50
    {"gmai", "gmail.com", 250},   // broad: 1 in 4
};
constexpr std::string_view kSubjects[] = {"Question about my order",
                                          "Delivery has not arrived",
                                          "Refund for a returned parcel",
                                          "Cannot create an account",
                                          "Wrong item in the package",
                                          "Do you ship to Switzerland?",
                                          "Invoice needed for my company",
                                          "Payment was declined",
                                          "Change the delivery address",
                                          "Product size advice",
                                          "Voucher does not work",
                                          "Damaged box on arrival",
                                          "When is this back in stock?",
                                          "Cancel my order please",
                                          "Warranty question",
                                          "Tracking number missing",
                                          "Discount code expired",
                                          "Order confirmation never came",
                                          "Bulk order inquiry",
                                          "Opening hours of the store"};
constexpr std::string_view kMessages[] = {
    "Hello, I ordered last week and have not heard anything since. Can you help?",
    "Hi, could you tell me what the status is? Thanks in advance.",
    "Good morning, I would like some help with this, please.",
    "Hello, the package tracking shows nothing for three days now.",
    "Hi there, I tried twice and it still does not work on my side.",
    "Dear support, please get back to me when you can. Kind regards.",
    "Hello, is there anything you need from me to sort this out?",
    "Hi, I attached the details in my first message, any news?"};
constexpr std::string_view kFollowUps[] = {
    "One more detail: the order number is on the confirmation e-mail.",
    "Sorry, I forgot to mention that I paid by credit card.",
    "Any update on this? I am still waiting.",
    "I can be reached by phone in the afternoon as well.", "Thanks, I will wait for your answer."};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The domain of inquiry number i: exact shares per block of 1,000 consecutive numbers
// (j runs over 0..999 once per block, in a scrambled order).
std::string_view domain_of(std::uint64_t i, std::mt19937_64& rng, int& fragment) {
  std::uint64_t j = (i * 389) % 1000;
  fragment = 0;
  for (const auto& f : kFragmentDomains) {
    if (j < f.per_mille) return f.domain;
    j -= f.per_mille;
    ++fragment;
  }
  fragment = -1;
  return kCommonDomains[rng() % std::size(kCommonDomains)];
}

struct Seeder {
  std::uint64_t min_messages;
  std::uint64_t max_messages;
  SeedLog log;
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> fragment_counts[std::size(kFragmentDomains)] = {};

  // A guest opens inquiry number i and adds its follow-up messages.
  void inquiry(SeedClient& client, std::uint64_t i, std::mt19937_64& rng) {
    const std::string_view first = kFirstNames[rng() % std::size(kFirstNames)];
    const std::string_view last = kLastNames[rng() % std::size(kLastNames)];
    int fragment = -1;
    const std::string_view domain = domain_of(i, rng, fragment);
    const std::string email = std::string(first) + "." + std::string(last) +
                              std::to_string(rng() % 1000) + "@" + std::string(domain);
    std::string name = std::string(first) + " " + std::string(last);
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    name[first.size() + 1] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(name[first.size() + 1])));
    const std::string phone =
        "+49 " + std::to_string(30 + rng() % 70) + " " + std::to_string(1000000 + rng() % 9000000);
    const std::string body =
        R"({"subject":")" + std::string(kSubjects[rng() % std::size(kSubjects)]) +
        R"(","message":")" + std::string(kMessages[rng() % std::size(kMessages)]) +
        R"(","guestName":")" + name + R"(","guestEmail":")" + email + R"(","guestPhone":")" +
        phone + "\"}";
    auto created = client.call("POST", "/api/support-inquiries", body);
    if (!created || created->status != 201) return log.fail("create", created);
    const std::string id = data_field(created->body, "id");
    const std::string token = data_field(created->body, "inquiryAccessToken");
    if (id.empty() || token.empty()) return log.fail("create (no id or token)", created);
    if (fragment >= 0) ++fragment_counts[fragment];
    const std::uint64_t extra = min_messages + rng() % (max_messages - min_messages + 1);
    for (std::uint64_t m = 0; m < extra; ++m) {
      auto posted = client.call(
          "POST", "/api/support-inquiries/" + id + "/messages",
          R"({"message":")" + std::string(kFollowUps[rng() % std::size(kFollowUps)]) + "\"}",
          token);
      if (!posted || posted->status != 201) {
        log.fail("message", posted);
      } else {
        ++messages;
      }
    }
    log.pair(token, id);
  }
};

// Each search fragment must occur only in its own domain, so a search's total is the
// number of inquiries with that domain.
bool fragments_unique() {
  std::vector<std::string> words;
  for (auto w : kFirstNames)
    words.push_back(lower(w));
  for (auto w : kLastNames)
    words.push_back(lower(w));
  for (auto w : kCommonDomains)
    words.push_back(lower(w));
  for (auto w : kSubjects)
    words.push_back(lower(w));
  bool ok = true;
  for (const auto& f : kFragmentDomains) {
    std::vector<std::string> all = words;
    for (const auto& g : kFragmentDomains) {
      if (g.domain != f.domain) all.push_back(lower(g.domain));
    }
    for (const auto& w : all) {
      if (w.find(f.fragment) != std::string::npos) {
        std::fprintf(stderr, "fragment '%.*s' also occurs in '%s'\n",
                     static_cast<int>(f.fragment.size()), f.fragment.data(), w.c_str());
        ok = false;
      }
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace docket::bench;
  const auto port = static_cast<std::uint16_t>(flag_uint(argc, argv, "port", 0));
  const auto inquiries = flag_uint(argc, argv, "inquiries", 100000);
  const auto min_messages = flag_uint(argc, argv, "min-messages", 0);
  const auto max_messages = flag_uint(argc, argv, "max-messages", 2);
  const auto connections = flag_uint(argc, argv, "connections", 64);
  const auto out = flag_string(argc, argv, "out", "pairs.txt");
  if (port == 0 || inquiries == 0 || connections == 0 || max_messages < min_messages) {
    std::fprintf(stderr,
                 "usage: bench_inquiry_seed --port P [--inquiries N] [--min-messages N] "
                 "[--max-messages N] [--connections N] [--out FILE]\n");
    return 2;
  }
  if (!fragments_unique()) return 2;

  Seeder seeder{min_messages, max_messages};
  const double seconds = run_workers(
      port, inquiries, connections, [&](std::uint64_t i, SeedClient& client, std::mt19937_64& rng) {
        seeder.inquiry(client, i, rng);
      });
  seeder.log.write_pairs(out);
  const std::uint64_t created = seeder.log.pairs();
  const std::uint64_t messages = seeder.messages.load();
  const double writes = static_cast<double>(created + messages);
  std::printf(
      "seed: inquiries=%llu extra_messages=%llu seconds=%.1f writes_per_s=%.0f "
      "failures=%llu\n",
      static_cast<unsigned long long>(created), static_cast<unsigned long long>(messages), seconds,
      writes / seconds, static_cast<unsigned long long>(seeder.log.failures()));
  std::printf("seed: e-mail fragments:");
  for (std::size_t f = 0; f < std::size(kFragmentDomains); ++f) {
    std::printf(
        " %.*s=%llu (@%.*s, %llu in 1000)", static_cast<int>(kFragmentDomains[f].fragment.size()),
        kFragmentDomains[f].fragment.data(),
        static_cast<unsigned long long>(seeder.fragment_counts[f].load()),
        static_cast<int>(kFragmentDomains[f].domain.size()), kFragmentDomains[f].domain.data(),
        static_cast<unsigned long long>(kFragmentDomains[f].per_mille));
  }
  std::printf("\n");
  return seeder.log.failures() == 0 ? 0 : 1;
}
