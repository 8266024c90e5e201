#include "core/media.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace docket {
namespace {

using namespace std::string_literals;

std::string be16(std::size_t v) {
  return {static_cast<char>((v >> 8) & 0xFF), static_cast<char>(v & 0xFF)};
}

std::string be32(std::uint32_t v) {
  return be16(v >> 16) + be16(v & 0xFFFF);
}

std::string le32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int k = 0; k < 4; ++k)
    s[k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  return s;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// ---------------------------------------------------------------------------
// JPEG pieces: a 16x16 greyscale baseline image with a fake scan.

std::string segment(unsigned char marker, std::string_view payload) {
  return "\xFF"s + static_cast<char>(marker) + be16(payload.size() + 2) + std::string(payload);
}

const std::string kSoi = "\xFF\xD8";
const std::string kEoi = "\xFF\xD9";
const std::string kJfif = segment(0xE0, "JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00"s);
const std::string kExif =
    segment(0xE1, "Exif\0\0MM\0\x2A\0\0\0\x08GPSLatitude=GPS-SECRET;Make=ACME"s);
const std::string kComment = segment(0xFE, "COMMENT-SECRET");
const std::string kDqt = segment(0xDB, "\0"s + std::string(64, '\x01'));
const std::string kSof0 = segment(0xC0, "\x08\x00\x10\x00\x10\x01\x01\x11\x00"s);
const std::string kDht = segment(0xC4, "\x00\x01"s + std::string(15, '\0') + "\0"s);
const std::string kSos = segment(0xDA, "\x01\x01\x00\x00\x3F\x00"s);
// Entropy-coded data with a stuffed 0xFF 0x00 and a restart marker.
const std::string kScan = "\x12\x34\xFF\x00\x56\xFF\xD0\x78\x9A"s;

std::string sample_jpeg() {
  return kSoi + kJfif + kExif + kComment + kDqt + kSof0 + kDht + kSos + kScan + kEoi;
}

// A progressive-style image: SOF2 and two scans with metadata between them.
const std::string kSof2 = segment(0xC2, "\x08\x00\x10\x00\x10\x01\x01\x11\x00"s);
const std::string kSosDc = segment(0xDA, "\x01\x01\x00\x00\x00\x01"s);
const std::string kSosAc = segment(0xDA, "\x01\x01\x00\x01\x3F\x10"s);
const std::string kScanDc = "\xAB\xCD\xFF\x00\xEF"s;
const std::string kScanAc = "\x21\xFF\x00\xFF\xD7\x43\x65"s;

std::string sample_progressive_jpeg() {
  return kSoi + kJfif + kDqt + kSof2 + kDht + kSosDc + kScanDc + kExif + kComment + kDht + kSosAc +
         kScanAc + kEoi;
}

// ---------------------------------------------------------------------------
// PNG pieces. CRCs are zero: strip_metadata copies them without verifying.

std::string chunk(std::string_view type, std::string_view data) {
  return be32(static_cast<std::uint32_t>(data.size())) + std::string(type) + std::string(data) +
         be32(0);
}

const std::string kPngSignature = "\x89PNG\r\n\x1A\n";
const std::string kIhdr = chunk("IHDR", "\0\0\0\x01\0\0\0\x01\x08\x00\x00\x00\x00"s);
const std::string kGama = chunk("gAMA", "\0\0\xB1\x8F"s);
const std::string kText = chunk("tEXt", "Comment\0secret"s);
const std::string kExifChunk = chunk("eXIf", "MM\0\x2A GPS-SECRET"s);
const std::string kIdat = chunk("IDAT", "\x78\x9C\x63\x60\x00\x00\x00\x02\x00\x01"s);
const std::string kIend = chunk("IEND", "");

std::string sample_png() {
  return kPngSignature + kIhdr + kGama + kText + kExifChunk + kIdat + kIend;
}

// ---------------------------------------------------------------------------
// WebP pieces: RIFF chunks with even padding.

std::string riff_chunk(std::string_view tag, std::string_view payload) {
  std::string c =
      std::string(tag) + le32(static_cast<std::uint32_t>(payload.size())) + std::string(payload);
  if (payload.size() % 2 == 1) c += '\0';
  return c;
}

std::string riff(std::string_view chunks) {
  return "RIFF" + le32(static_cast<std::uint32_t>(chunks.size() + 4)) + "WEBP" +
         std::string(chunks);
}

// VP8X flags: 0x10 alpha, 0x08 EXIF, 0x04 XMP; canvas 1x1 (stored minus one).
const std::string kVp8x = riff_chunk("VP8X", "\x1C\0\0\0\0\0\0\0\0\0"s);
const std::string kVp8 = riff_chunk("VP8 ", "\x30\x01\x00\x9D\x01\x2A\x01\x00\x01"s);  // odd
const std::string kWebpExif = riff_chunk("EXIF", "MM\0\x2A GPS-SECRET"s);
const std::string kWebpXmp = riff_chunk("XMP ", "<x:xmpmeta>XMP-SECRET</x:xmpmeta>");

std::string sample_webp() {
  return riff(kVp8x + kVp8 + kWebpExif + kWebpXmp);
}

const std::string kGif = "GIF89a\x01\x00\x01\x00\x00\x00\x00;"s;
const std::string kPdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

std::string stripped(std::string_view bytes, MediaType type) {
  const auto result = strip_metadata(bytes, type);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->size() <= bytes.size());
  CHECK(sniff_media_type(*result) == type);
  return *result;
}

void check_rejected(std::string_view bytes, MediaType type) {
  const auto result = strip_metadata(bytes, type);
  CHECK_FALSE(result.ok());
  if (!result.ok()) CHECK(result.status().IsInvalidArgument());
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("media types have MIME names and parse from MIME or short names") {
    for (MediaType t :
         {MediaType::kPng, MediaType::kJpeg, MediaType::kGif, MediaType::kWebp, MediaType::kPdf}) {
      CHECK(media_type_from_name(media_type_name(t)) == t);
    }
    CHECK(media_type_name(MediaType::kJpeg) == "image/jpeg");
    CHECK(media_type_name(MediaType::kPdf) == "application/pdf");
    CHECK(media_type_name(MediaType::kUnknown) == "application/octet-stream");
    CHECK(media_type_from_name("IMAGE/PNG") == MediaType::kPng);
    CHECK(media_type_from_name("Image/WebP") == MediaType::kWebp);
    CHECK(media_type_from_name("jpeg") == MediaType::kJpeg);
    CHECK(media_type_from_name("GIF") == MediaType::kGif);
    CHECK(media_type_from_name("pdf") == MediaType::kPdf);
    for (const char* name : {"", "image/jpg", "jpg", "image/svg+xml", "image/png; q=1",
                             " image/png", "application/octet-stream", "text/plain", "image"}) {
      CAPTURE(name);
      CHECK_FALSE(media_type_from_name(name).has_value());
    }
    CHECK(is_image(MediaType::kPng));
    CHECK(is_image(MediaType::kJpeg));
    CHECK(is_image(MediaType::kGif));
    CHECK(is_image(MediaType::kWebp));
    CHECK_FALSE(is_image(MediaType::kPdf));
    CHECK_FALSE(is_image(MediaType::kUnknown));
  }

  TEST_CASE("sniffing recognises each type by its magic bytes") {
    CHECK(sniff_media_type(sample_png()) == MediaType::kPng);
    CHECK(sniff_media_type(sample_jpeg()) == MediaType::kJpeg);
    CHECK(sniff_media_type(kGif) == MediaType::kGif);
    CHECK(sniff_media_type("GIF87a") == MediaType::kGif);
    CHECK(sniff_media_type(sample_webp()) == MediaType::kWebp);
    CHECK(sniff_media_type(kPdf) == MediaType::kPdf);
  }

  TEST_CASE("sniffing refuses near misses") {
    const std::vector<std::string> near_misses = {
        "",
        "GIF",
        "GIF88a",
        "\x89PNG\r\n\x1A"s,    // 7 of the 8 signature bytes
        "\x89PNG\n\r\x1A\n"s,  // line endings swapped
        "\xFF\xD8"s,
        "\xFF\xD9\xFF"s,
        "RIFF\x24\0\0\0WAVEfmt "s,
        "RIFF\x24\0\0\0WEB"s,  // 11 bytes
        "RIFX\x24\0\0\0WEBP"s,
        "%PDF",
        " %PDF-1.7",
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "<svg><script>alert(1)</script></svg>",
        "<!DOCTYPE html><html></html>",
        "hello, world\n",
        "PK\x03\x04"s,
    };
    for (const std::string& bytes : near_misses) {
      CAPTURE(bytes);
      CHECK(sniff_media_type(bytes) == MediaType::kUnknown);
    }
  }

  TEST_CASE("JPEG stripping drops EXIF and comments and keeps the image segments") {
    const std::string jpeg = sample_jpeg();
    const std::string out = stripped(jpeg, MediaType::kJpeg);
    CHECK_FALSE(contains(out, "GPS-SECRET"));
    CHECK_FALSE(contains(out, "Exif"));
    CHECK_FALSE(contains(out, "COMMENT-SECRET"));
    CHECK(out.starts_with("\xFF\xD8"));
    CHECK(contains(out, kSos + kScan + kEoi));
    CHECK(out == kSoi + kJfif + kDqt + kSof0 + kDht + kSos + kScan + kEoi);
  }

  TEST_CASE("JPEG stripping keeps ICC and Adobe segments and drops other application data") {
    const std::string icc = segment(0xE2, "ICC_PROFILE\0\x01\x01profile-bytes"s);
    const std::string mpf = segment(0xE2, "MPF\0MM\0\x2A"s);
    const std::string adobe = segment(0xEE, "Adobe\0\x64\0\0\0\0\x01"s);
    const std::string xmp = segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x>XMP-SECRET</x>"s);
    const std::string ducky = segment(0xEC, "Ducky-SECRET");
    const std::string iptc = segment(0xED, "Photoshop 3.0\0IPTC-SECRET"s);
    const std::string app3 = segment(0xE3, "META-SECRET");
    const std::string app15 = segment(0xEF, "APP15-SECRET");
    const std::string jfxx = segment(0xE0, "JFXX\0\x10thumbnail-SECRET"s);
    const std::string dri = segment(0xDD, "\x00\x04"s);
    const std::string jpeg = kSoi + kJfif + jfxx + icc + mpf + xmp + ducky + iptc + app3 + app15 +
                             adobe + kDqt + kSof0 + dri + kDht + kSos + kScan + kEoi;
    const std::string out = stripped(jpeg, MediaType::kJpeg);
    CHECK_FALSE(contains(out, "SECRET"));
    CHECK(out == kSoi + kJfif + icc + adobe + kDqt + kSof0 + dri + kDht + kSos + kScan + kEoi);
  }

  TEST_CASE("JPEG stripping removes the thumbnail of a JFIF segment") {
    // JFIF with a 1x1 RGB thumbnail after the 14 fixed bytes.
    const std::string with_thumb =
        segment(0xE0, "JFIF\0\x01\x02\x01\x00\x48\x00\x48\x01\x01\xAA\xBB\xCC"s);
    const std::string without = segment(0xE0, "JFIF\0\x01\x02\x01\x00\x48\x00\x48\x00\x00"s);
    const std::string out =
        stripped(kSoi + with_thumb + kDqt + kSof0 + kDht + kSos + kScan + kEoi, MediaType::kJpeg);
    CHECK(out == kSoi + without + kDqt + kSof0 + kDht + kSos + kScan + kEoi);
  }

  TEST_CASE("JPEG stripping handles fill bytes and standalone markers") {
    const std::string jpeg = kSoi + "\xFF\xFF\xFF"s + kExif + "\xFF\xD3"s + "\xFF\x01"s + "\xFF"s +
                             kDqt + kSof0 + kDht + kSos + kScan + kEoi;
    const std::string out = stripped(jpeg, MediaType::kJpeg);
    CHECK(out == kSoi + "\xFF\xD3\xFF\x01"s + kDqt + kSof0 + kDht + kSos + kScan + kEoi);
  }

  TEST_CASE("JPEG stripping drops metadata between the scans of a progressive image") {
    const std::string jpeg = sample_progressive_jpeg();
    const std::string out = stripped(jpeg, MediaType::kJpeg);
    CHECK_FALSE(contains(out, "GPS-SECRET"));
    CHECK_FALSE(contains(out, "Exif"));
    CHECK_FALSE(contains(out, "COMMENT-SECRET"));
    CHECK(contains(out, kSosDc + kScanDc));
    CHECK(contains(out, kSosAc + kScanAc + kEoi));
    CHECK(out ==
          kSoi + kJfif + kDqt + kSof2 + kDht + kSosDc + kScanDc + kDht + kSosAc + kScanAc + kEoi);

    // Fill bytes between a scan and the next marker are dropped like any other fill.
    const std::string filled = kSoi + kDqt + kSof2 + kDht + kSosDc + kScanDc + "\xFF\xFF"s + kExif +
                               "\xFF"s + kSosAc + kScanAc + "\xFF\xFF\xFF"s + kEoi;
    CHECK(stripped(filled, MediaType::kJpeg) ==
          kSoi + kDqt + kSof2 + kDht + kSosDc + kScanDc + kSosAc + kScanAc + kEoi);
  }

  TEST_CASE("JPEG stripping drops everything after EOI, such as multi-picture images") {
    const std::string mpf = segment(0xE2, "MPF\0MM\0\x2A\0\0\0\x08MPF-SECRET"s);
    const std::string gps = segment(0xE1, "Exif\0\0MM\0\x2A\0\0\0\x08GPS-SECRET"s);
    const std::string primary = kSoi + kJfif + kExif + mpf + kDqt + kSof0 + kDht + kSos + kScan;
    const std::string secondary = kSoi + gps + kDqt + kSof0 + kDht + kSos + kScan + kEoi;
    const std::string out = stripped(primary + kEoi + secondary, MediaType::kJpeg);
    CHECK_FALSE(contains(out, "SECRET"));
    CHECK_FALSE(contains(out, "Exif"));
    CHECK(out == kSoi + kJfif + kDqt + kSof0 + kDht + kSos + kScan + kEoi);
    CHECK(out.ends_with(kEoi));

    // Arbitrary trailers, including ones without a marker, are dropped too.
    CHECK(stripped(sample_jpeg() + "trailing GPS-SECRET", MediaType::kJpeg) ==
          stripped(sample_jpeg(), MediaType::kJpeg));
    CHECK(stripped(sample_jpeg() + "\xFF"s, MediaType::kJpeg) ==
          stripped(sample_jpeg(), MediaType::kJpeg));
  }

  TEST_CASE("JPEG stripping keeps entropy-coded data with stuffing and restarts unchanged") {
    // Stuffed zeros, every restart marker, fill bytes before a stuffed zero or a restart
    // marker (FF FF 00, FF FF D3), and bytes that would look like an APP1 segment if the
    // stuffed zero were mistaken for a marker.
    const std::string scan =
        "\x01\xFF\x00\x02\xFF\xD0\x03\xFF\xD1\xFF\xD2\x04\xFF\xFF\x00\x05\xFF\xFF\xD3"
        "\x06\xFF\xD4\xFF\xD5\xFF\xD6\xFF\xD7\xFF\x00\xE1\x00\x08\x07\x08\xFF\x00"s;
    const std::string dri = segment(0xDD, "\x00\x01"s);
    const std::string jpeg = kSoi + kExif + kDqt + kSof0 + dri + kDht + kSos + scan + kEoi;
    const std::string out = stripped(jpeg, MediaType::kJpeg);
    CHECK(out == kSoi + kDqt + kSof0 + dri + kDht + kSos + scan + kEoi);
    CHECK(contains(out, kSos + scan + kEoi));

    // An empty scan is passed through as well.
    CHECK(stripped(kSoi + kDqt + kSof0 + kDht + kSos + kEoi, MediaType::kJpeg) ==
          kSoi + kDqt + kSof0 + kDht + kSos + kEoi);
  }

  TEST_CASE("malformed JPEGs are refused") {
    SUBCASE("missing SOI") {
      check_rejected("\xFF\xE0\x00\x02"s + kSos + kScan, MediaType::kJpeg);
    }
    SUBCASE("no SOS") {
      check_rejected(kSoi + kJfif + kDqt + kSof0 + kDht, MediaType::kJpeg);
    }
    SUBCASE("EOI before SOS") {
      check_rejected(kSoi + kJfif + kDqt + kEoi + kSos + kScan, MediaType::kJpeg);
    }
    SUBCASE("a second SOI") {
      check_rejected(kSoi + kJfif + kSoi + kSos, MediaType::kJpeg);
    }
    SUBCASE("segment length past the end") {
      check_rejected(kSoi + "\xFF\xE1\x40\x00"s + "Exif", MediaType::kJpeg);
    }
    SUBCASE("segment length below 2") {
      check_rejected(kSoi + "\xFF\xE1\x00\x01"s + kSos + kScan, MediaType::kJpeg);
      check_rejected(kSoi + "\xFF\xDB\x00\x00"s + kSos + kScan, MediaType::kJpeg);
    }
    SUBCASE("truncated length field") {
      check_rejected(kSoi + "\xFF\xE0\x00"s, MediaType::kJpeg);
    }
    SUBCASE("only fill bytes") {
      check_rejected(kSoi + "\xFF\xFF\xFF"s, MediaType::kJpeg);
    }
    SUBCASE("garbage between segments") {
      check_rejected(kSoi + kJfif + "junk"s + kSos + kScan, MediaType::kJpeg);
    }
    SUBCASE("a stuffed zero outside a scan") {
      check_rejected(kSoi + "\xFF\x00"s + kSos + kScan, MediaType::kJpeg);
    }
    SUBCASE("truncated SOS segment") {
      check_rejected(kSoi + kDqt + "\xFF\xDA\x00\x0C\x01"s, MediaType::kJpeg);
    }
    SUBCASE("no EOI (refused, not repaired)") {
      const std::string full = sample_jpeg();
      const std::string no_eoi = full.substr(0, full.size() - kEoi.size());
      check_rejected(no_eoi, MediaType::kJpeg);
      check_rejected(no_eoi + "\xFF"s, MediaType::kJpeg);                   // a lone fill byte
      check_rejected(no_eoi + "\xFF\xFF"s, MediaType::kJpeg);               // fill bytes only
      check_rejected(no_eoi + "\xFF\xD0"s, MediaType::kJpeg);               // ends with a restart
      check_rejected(kSoi + kDqt + kSof0 + kDht + kSos, MediaType::kJpeg);  // empty scan
      const std::string progressive = sample_progressive_jpeg();
      check_rejected(progressive.substr(0, progressive.size() - kEoi.size()), MediaType::kJpeg);
      check_rejected(kSoi + kDqt + kSof2 + kDht + kSosDc + kScanDc + kDht, MediaType::kJpeg);
    }
    SUBCASE("a second image without the EOI of the first") {
      check_rejected(kSoi + kDqt + kSof0 + kDht + kSos + kScan + sample_jpeg(), MediaType::kJpeg);
    }
    SUBCASE("a truncated segment between scans") {
      check_rejected(kSoi + kDqt + kSof2 + kDht + kSosDc + kScanDc + "\xFF\xE1\x40\x00Exif"s,
                     MediaType::kJpeg);
    }
  }

  TEST_CASE("PNG stripping drops text, EXIF and time chunks and keeps the rest") {
    const std::string time = chunk("tIME", "\x07\xE8\x01\x02\x03\x04\x05"s);
    const std::string ztxt = chunk("zTXt", "Author\0\0compressed-SECRET"s);
    const std::string itxt = chunk("iTXt", "Author\0\0\0en\0\0iTXt-SECRET"s);
    const std::string phys = chunk("pHYs", "\0\0\x0B\x13\0\0\x0B\x13\x01"s);
    const std::string png = kPngSignature + kIhdr + kGama + phys + kText + time + ztxt + itxt +
                            kExifChunk + kIdat + kIend + "trailing-SECRET";
    const std::string out = stripped(png, MediaType::kPng);
    CHECK_FALSE(contains(out, "SECRET"));
    CHECK_FALSE(contains(out, "Comment"));
    CHECK(out == kPngSignature + kIhdr + kGama + phys + kIdat + kIend);

    const std::string basic = stripped(sample_png(), MediaType::kPng);
    CHECK(basic == kPngSignature + kIhdr + kGama + kIdat + kIend);
  }

  TEST_CASE("malformed PNGs are refused") {
    SUBCASE("chunk length past the end") {
      std::string png = sample_png();
      png.replace(kPngSignature.size() + kIhdr.size(), 4, be32(0x00100000));  // gAMA length
      check_rejected(png, MediaType::kPng);
    }
    SUBCASE("chunk length above 2^31 - 1") {
      check_rejected(kPngSignature + kIhdr + be32(0xFFFFFFF0) + "IDAT", MediaType::kPng);
    }
    SUBCASE("first chunk is not IHDR") {
      check_rejected(kPngSignature + kGama + kIhdr + kIdat + kIend, MediaType::kPng);
    }
    SUBCASE("IHDR twice") {
      check_rejected(kPngSignature + kIhdr + kIhdr + kIdat + kIend, MediaType::kPng);
    }
    SUBCASE("IHDR of the wrong length") {
      check_rejected(kPngSignature + chunk("IHDR", "short") + kIdat + kIend, MediaType::kPng);
    }
    SUBCASE("no IEND") {
      check_rejected(kPngSignature + kIhdr + kIdat, MediaType::kPng);
    }
    SUBCASE("truncated IEND") {
      const std::string png = sample_png();
      check_rejected(png.substr(0, png.size() - 1), MediaType::kPng);
    }
    SUBCASE("non-empty IEND") {
      check_rejected(kPngSignature + kIhdr + kIdat + chunk("IEND", "x"), MediaType::kPng);
    }
    SUBCASE("bad chunk type") {
      check_rejected(kPngSignature + kIhdr + chunk("ID@T", "x") + kIend, MediaType::kPng);
    }
    SUBCASE("signature only") {
      check_rejected(kPngSignature, MediaType::kPng);
    }
  }

  TEST_CASE("WebP stripping drops EXIF and XMP chunks and clears their VP8X flags") {
    const std::string webp = sample_webp();
    const std::string out = stripped(webp, MediaType::kWebp);
    CHECK_FALSE(contains(out, "SECRET"));
    CHECK_FALSE(contains(out, "EXIF"));
    CHECK_FALSE(contains(out, "XMP "));
    std::string vp8x = kVp8x;
    vp8x[8] = '\x10';  // alpha stays, EXIF and XMP are cleared
    CHECK(out == riff(vp8x + kVp8));
    CHECK(out.substr(4, 4) == le32(static_cast<std::uint32_t>(out.size() - 8)));
  }

  TEST_CASE("WebP stripping keeps a simple file and drops bytes past the RIFF size") {
    const std::string simple = riff(kVp8);
    CHECK(stripped(simple, MediaType::kWebp) == simple);
    CHECK(stripped(simple + "trailing", MediaType::kWebp) == simple);
    const std::string lossless = riff(riff_chunk("VP8L", "\x2F\0\0\0\0"s) + kWebpExif);
    CHECK(stripped(lossless, MediaType::kWebp) == riff(riff_chunk("VP8L", "\x2F\0\0\0\0"s)));
  }

  TEST_CASE("malformed WebPs are refused") {
    SUBCASE("RIFF size larger than the data") {
      std::string webp = sample_webp();
      webp.replace(4, 4, le32(static_cast<std::uint32_t>(webp.size())));
      check_rejected(webp, MediaType::kWebp);
      webp.replace(4, 4, le32(0xFFFFFFFF));
      check_rejected(webp, MediaType::kWebp);
    }
    SUBCASE("RIFF size below 4") {
      check_rejected("RIFF\x02\0\0\0WEBP"s + kVp8, MediaType::kWebp);
    }
    SUBCASE("no chunks") {
      check_rejected(riff(""), MediaType::kWebp);
    }
    SUBCASE("chunk size past the RIFF size") {
      check_rejected(riff("VP8 " + le32(100) + "abcd"), MediaType::kWebp);
      check_rejected(riff("VP8 " + le32(0xFFFFFFFF) + "abcd"), MediaType::kWebp);
    }
    SUBCASE("missing padding byte") {
      check_rejected(riff(kVp8.substr(0, kVp8.size() - 1)), MediaType::kWebp);
    }
    SUBCASE("truncated chunk header") {
      check_rejected(riff(kVp8 + "EXI"), MediaType::kWebp);
    }
    SUBCASE("first chunk is not an image chunk") {
      check_rejected(riff(kWebpExif + kVp8), MediaType::kWebp);
    }
    SUBCASE("short VP8X") {
      check_rejected(riff(riff_chunk("VP8X", "\x0C")), MediaType::kWebp);
    }
  }

  TEST_CASE("GIF and PDF are returned unchanged; other types are refused") {
    CHECK(stripped(kGif, MediaType::kGif) == kGif);
    CHECK(stripped(kPdf, MediaType::kPdf) == kPdf);
    check_rejected("plain text", MediaType::kUnknown);
    check_rejected(sample_png(), MediaType::kUnknown);
    check_rejected(sample_png(), MediaType::kJpeg);
    check_rejected(sample_jpeg(), MediaType::kWebp);
    check_rejected("", MediaType::kPng);
  }

  TEST_CASE("stripping is idempotent") {
    for (const auto& [bytes, type] :
         {std::pair{sample_jpeg(), MediaType::kJpeg},
          std::pair{sample_progressive_jpeg(), MediaType::kJpeg},
          std::pair{sample_png(), MediaType::kPng}, std::pair{sample_webp(), MediaType::kWebp}}) {
      const std::string once = stripped(bytes, type);
      CHECK(stripped(once, type) == once);
    }
  }

  TEST_CASE("mutated files never crash the stripper and never grow") {
    const std::vector<std::pair<std::string, MediaType>> samples = {
        {sample_jpeg(), MediaType::kJpeg},
        {sample_png(), MediaType::kPng},
        {sample_webp(), MediaType::kWebp},
        {kGif, MediaType::kGif},
        {kPdf, MediaType::kPdf},
        {sample_progressive_jpeg() + sample_jpeg(), MediaType::kJpeg},
    };
    std::mt19937 rng(20240601);
    std::size_t accepted = 0;
    for (int i = 0; i < 2000; ++i) {
      const auto& [sample, type] = samples[i % samples.size()];
      std::string bytes = sample;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        const std::size_t at = rng() % bytes.size();
        switch (rng() % 5) {
          case 0:  // flip one bit
            bytes[at] = static_cast<char>(bytes[at] ^ (1u << (rng() % 8)));
            break;
          case 1:  // a random byte
            bytes[at] = static_cast<char>(rng() & 0xFF);
            break;
          case 2:  // a marker-like byte
            bytes[at] = (rng() % 2) ? '\xFF' : '\0';
            break;
          case 3:  // truncate the tail
            bytes.resize(at);
            break;
          case 4:  // delete one byte
            bytes.erase(at, 1);
            break;
        }
      }
      CAPTURE(i);
      const MediaType sniffed = sniff_media_type(bytes);
      for (MediaType as : {type, sniffed}) {
        const auto result = strip_metadata(bytes, as);
        if (!result.ok()) {
          CHECK(result.status().IsInvalidArgument());
          continue;
        }
        ++accepted;
        CHECK(result->size() <= bytes.size());
        CHECK(sniff_media_type(*result) == as);
      }
    }
    CHECK(accepted > 0);
  }
}

}  // namespace docket
