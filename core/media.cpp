#include "core/media.h"

#include <cassert>
#include <cstddef>
#include <cstdint>

#include <fmt/format.h>

namespace docket {
namespace {

// ---------------------------------------------------------------------------
// Byte helpers. REQUIRES for each reader: the bytes read lie inside `s`.

unsigned char byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

std::uint32_t read_be16(std::string_view s, std::size_t i) {
  return (std::uint32_t{byte_at(s, i)} << 8) | byte_at(s, i + 1);
}

std::uint32_t read_be32(std::string_view s, std::size_t i) {
  return (std::uint32_t{byte_at(s, i)} << 24) | (std::uint32_t{byte_at(s, i + 1)} << 16) |
         (std::uint32_t{byte_at(s, i + 2)} << 8) | byte_at(s, i + 3);
}

std::uint32_t read_le32(std::string_view s, std::size_t i) {
  return byte_at(s, i) | (std::uint32_t{byte_at(s, i + 1)} << 8) |
         (std::uint32_t{byte_at(s, i + 2)} << 16) | (std::uint32_t{byte_at(s, i + 3)} << 24);
}

void write_le32(std::string& s, std::size_t i, std::uint32_t v) {
  for (int k = 0; k < 4; ++k)
    s[i + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1A\n", 8);

// ---------------------------------------------------------------------------
// JPEG (ITU-T T.81 Annex B): SOI, then marker segments "FF <marker> <be16 length>
// <length - 2 bytes>"; each SOS segment is followed by entropy-coded data, which
// contains no markers other than RST0-7 (a 0xFF data byte is stuffed as FF 00). The
// image ends at EOI. Standalone markers (TEM, RST0-7) have no length.

constexpr unsigned char kTem = 0x01;
constexpr unsigned char kSoi = 0xD8;
constexpr unsigned char kEoi = 0xD9;
constexpr unsigned char kSos = 0xDA;
constexpr unsigned char kApp0 = 0xE0;
constexpr unsigned char kApp2 = 0xE2;
constexpr unsigned char kApp14 = 0xEE;
constexpr unsigned char kApp15 = 0xEF;
constexpr unsigned char kCom = 0xFE;

// JFIF APP0 payload without a thumbnail: "JFIF\0", version (2), units (1), X/Y density
// (2 + 2), thumbnail width and height (1 + 1).
constexpr std::size_t kJfifPayloadSize = 14;

bool is_rst(unsigned char marker) {
  return marker >= 0xD0 && marker <= 0xD7;
}

void append_segment(std::string& out, unsigned char marker, std::string_view payload) {
  const std::size_t length = payload.size() + 2;
  out += '\xFF';
  out += static_cast<char>(marker);
  out += static_cast<char>((length >> 8) & 0xFF);
  out += static_cast<char>(length & 0xFF);
  out.append(payload);
}

// Appends the segment `marker` with `payload` when the allow-list keeps it, possibly
// rewritten (a JFIF APP0 loses its thumbnail).
void append_if_kept(std::string& out, unsigned char marker, std::string_view payload) {
  if (marker == kApp0) {
    // Only JFIF is kept; JFXX (thumbnail extension) and others carry no rendering data.
    if (payload.size() < kJfifPayloadSize || payload.substr(0, 5) != std::string_view("JFIF\0", 5))
      return;
    append_segment(out, marker, payload.substr(0, kJfifPayloadSize));
    out[out.size() - 2] = '\0';  // thumbnail width
    out[out.size() - 1] = '\0';  // thumbnail height
    return;
  }
  if (marker == kApp2) {
    // ICC profiles are kept (colour rendering); MPF and FlashPix data are not.
    if (payload.substr(0, 12) == std::string_view("ICC_PROFILE\0", 12))
      append_segment(out, marker, payload);
    return;
  }
  if (marker == kApp14) {
    append_segment(out, marker, payload);  // Adobe: colour transform of the components
    return;
  }
  if ((marker >= kApp0 && marker <= kApp15) || marker == kCom) return;
  append_segment(out, marker, payload);
}

// The end of the entropy-coded data that starts at `pos` (right after an SOS segment):
// the offset of the first 0xFF of the first marker other than a stuffed zero (FF 00) or
// a restart marker (FF D0-D7), including any 0xFF fill bytes before that marker. As in
// libjpeg, fill bytes may also precede a stuffed zero or a restart marker (FF FF 00,
// FF FF D0); those stay part of the data. npos when the data ends before such a marker.
// Linear: every byte of in[pos, end) is looked at a bounded number of times.
std::size_t entropy_coded_end(std::string_view in, std::size_t pos) {
  while (true) {
    // Invariant: everything from the first `pos` up to the current `pos` is
    // entropy-coded data, and pos <= in.size().
    const std::size_t ff = in.find('\xFF', pos);
    if (ff == std::string_view::npos) return std::string_view::npos;
    std::size_t next = ff + 1;
    while (next < in.size() && byte_at(in, next) == 0xFF)
      ++next;  // fill bytes
    if (next >= in.size()) return std::string_view::npos;
    const unsigned char marker = byte_at(in, next);
    if (marker != 0x00 && !is_rst(marker)) return ff;
    pos = next + 1;
  }
}

Result<std::string> strip_jpeg(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  out.append(in.substr(0, 2));  // SOI, checked by the sniff
  std::size_t pos = 2;
  bool seen_sos = false;
  while (true) {
    // Invariant: pos <= in.size(), `out` holds the kept part of in[0, pos), and pos is
    // at a marker (or fill bytes before one), never inside entropy-coded data.
    assert(pos <= in.size());
    if (pos >= in.size()) {
      return Status::InvalidArgument(seen_sos ? "JPEG: no EOI marker before the end"
                                              : "JPEG: no SOS marker before the end");
    }
    if (byte_at(in, pos) != 0xFF)
      return Status::InvalidArgument(fmt::format("JPEG: expected a marker at offset {}", pos));
    while (pos < in.size() && byte_at(in, pos) == 0xFF)
      ++pos;  // 0xFF fill bytes
    if (pos >= in.size()) return Status::InvalidArgument("JPEG: truncated marker");
    const unsigned char marker = byte_at(in, pos++);
    if (marker == kTem || is_rst(marker)) {
      out += '\xFF';
      out += static_cast<char>(marker);
      continue;
    }
    if (marker == kEoi && seen_sos) {
      out += '\xFF';
      out += static_cast<char>(kEoi);
      return out;  // anything after EOI (e.g. the secondary images of an MPF file) is dropped
    }
    if (marker == 0x00 || marker == kSoi || marker == kEoi) {
      return Status::InvalidArgument(
          fmt::format("JPEG: unexpected marker 0x{:02X} at offset {}", marker, pos - 1));
    }
    if (in.size() - pos < 2)
      return Status::InvalidArgument("JPEG: truncated segment length at the end");
    const std::size_t length = read_be16(in, pos);
    if (length < 2) {
      return Status::InvalidArgument(
          fmt::format("JPEG: segment length {} is less than 2 at offset {}", length, pos));
    }
    if (length > in.size() - pos) {
      return Status::InvalidArgument(fmt::format(
          "JPEG: segment 0x{:02X} at offset {} runs past the end of the data", marker, pos));
    }
    const std::string_view payload = in.substr(pos + 2, length - 2);
    pos += length;
    if (marker == kSos) {
      append_segment(out, marker, payload);
      const std::size_t end = entropy_coded_end(in, pos);
      if (end == std::string_view::npos) {
        return Status::InvalidArgument(
            fmt::format("JPEG: the scan at offset {} runs to the end without EOI", pos));
      }
      out.append(in.substr(pos, end - pos));  // entropy-coded data, verbatim
      pos = end;
      seen_sos = true;
      continue;
    }
    append_if_kept(out, marker, payload);
  }
}

// ---------------------------------------------------------------------------
// PNG: the signature, then chunks "<be32 length> <4-letter type> <data> <be32 CRC>".

constexpr std::size_t kPngChunkOverhead = 12;  // length, type, CRC
constexpr std::uint32_t kPngMaxChunkLength = 0x7FFFFFFF;
constexpr std::uint32_t kIhdrLength = 13;

bool is_png_chunk_type(std::string_view type) {
  for (char c : type) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

bool is_png_metadata_chunk(std::string_view type) {
  return type == "eXIf" || type == "tEXt" || type == "zTXt" || type == "iTXt" || type == "tIME";
}

Result<std::string> strip_png(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  out.append(kPngSignature);
  std::size_t pos = kPngSignature.size();
  bool first = true;
  while (true) {
    // Invariant: pos <= in.size() and `out` holds the kept chunks of in[0, pos).
    assert(pos <= in.size());
    if (in.size() - pos < kPngChunkOverhead) {
      return Status::InvalidArgument(
          fmt::format("PNG: truncated chunk at offset {} (no IEND)", pos));
    }
    const std::uint32_t length = read_be32(in, pos);
    const std::string_view type = in.substr(pos + 4, 4);
    if (length > kPngMaxChunkLength || length > in.size() - pos - kPngChunkOverhead) {
      return Status::InvalidArgument(
          fmt::format("PNG: chunk at offset {} runs past the end of the data", pos));
    }
    if (!is_png_chunk_type(type))
      return Status::InvalidArgument(fmt::format("PNG: bad chunk type at offset {}", pos));
    if (first != (type == "IHDR"))
      return Status::InvalidArgument("PNG: IHDR must be the first chunk, and only once");
    if (first && length != kIhdrLength)
      return Status::InvalidArgument("PNG: IHDR must be 13 bytes long");
    if (type == "IEND" && length != 0) return Status::InvalidArgument("PNG: IEND must be empty");
    first = false;
    const std::size_t total = kPngChunkOverhead + length;
    if (!is_png_metadata_chunk(type)) out.append(in.substr(pos, total));
    pos += total;
    if (type == "IEND") return out;  // anything after IEND is dropped
  }
}

// ---------------------------------------------------------------------------
// WebP: "RIFF" <le32 size> "WEBP", then chunks "<4-byte tag> <le32 size> <payload>"
// with the payload padded to an even size. The RIFF size counts from "WEBP" on.

constexpr std::size_t kRiffHeaderSize = 12;
constexpr std::size_t kRiffChunkHeaderSize = 8;
constexpr std::size_t kVp8xPayloadSize = 10;
constexpr unsigned char kVp8xExifFlag = 0x08;
constexpr unsigned char kVp8xXmpFlag = 0x04;

Result<std::string> strip_webp(std::string_view in) {
  const std::size_t riff_size = read_le32(in, 4);
  if (riff_size < 4 || riff_size > in.size() - 8) {
    return Status::InvalidArgument(
        fmt::format("WebP: RIFF size {} does not fit the {} bytes given", riff_size, in.size()));
  }
  const std::size_t end = 8 + riff_size;  // bytes past the RIFF container are dropped
  std::string out;
  out.reserve(end);
  out.append(in.substr(0, kRiffHeaderSize));  // size rewritten below
  std::size_t pos = kRiffHeaderSize;
  bool first = true;
  while (pos < end) {
    // Invariant: pos <= end and `out` holds the kept chunks of in[0, pos).
    if (end - pos < kRiffChunkHeaderSize)
      return Status::InvalidArgument(fmt::format("WebP: truncated chunk at offset {}", pos));
    const std::string_view tag = in.substr(pos, 4);
    const std::size_t size = read_le32(in, pos + 4);
    const std::size_t padded = size + (size & 1);
    if (padded > end - pos - kRiffChunkHeaderSize) {
      return Status::InvalidArgument(
          fmt::format("WebP: chunk at offset {} runs past the RIFF size", pos));
    }
    if (first && tag != "VP8 " && tag != "VP8L" && tag != "VP8X")
      return Status::InvalidArgument("WebP: the first chunk must be VP8, VP8L or VP8X");
    first = false;
    if (tag != "EXIF" && tag != "XMP ") {
      const std::size_t at = out.size();
      out.append(in.substr(pos, kRiffChunkHeaderSize + padded));
      if (tag == "VP8X") {
        if (size < kVp8xPayloadSize)
          return Status::InvalidArgument("WebP: VP8X chunk is too short");
        const auto flags = static_cast<unsigned char>(out[at + kRiffChunkHeaderSize]);
        out[at + kRiffChunkHeaderSize] =
            static_cast<char>(flags & ~(kVp8xExifFlag | kVp8xXmpFlag) & 0xFF);
      }
    }
    pos += kRiffChunkHeaderSize + padded;
  }
  if (first) return Status::InvalidArgument("WebP: no image chunk");
  // Invariant: the output is the input's container minus whole chunks.
  assert(out.size() <= end);
  write_le32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
  return out;
}

}  // namespace

std::string_view media_type_name(MediaType type) {
  switch (type) {
    case MediaType::kPng:
      return "image/png";
    case MediaType::kJpeg:
      return "image/jpeg";
    case MediaType::kGif:
      return "image/gif";
    case MediaType::kWebp:
      return "image/webp";
    case MediaType::kPdf:
      return "application/pdf";
    case MediaType::kUnknown:
      break;
  }
  return "application/octet-stream";
}

std::optional<MediaType> media_type_from_name(std::string_view name) {
  struct Entry {
    MediaType type;
    std::string_view short_name;
  };
  static constexpr Entry kEntries[] = {{MediaType::kPng, "png"},
                                       {MediaType::kJpeg, "jpeg"},
                                       {MediaType::kGif, "gif"},
                                       {MediaType::kWebp, "webp"},
                                       {MediaType::kPdf, "pdf"}};
  for (const Entry& e : kEntries) {
    if (iequals(name, media_type_name(e.type)) || iequals(name, e.short_name)) return e.type;
  }
  return std::nullopt;
}

bool is_image(MediaType type) {
  return type == MediaType::kPng || type == MediaType::kJpeg || type == MediaType::kGif ||
         type == MediaType::kWebp;
}

MediaType sniff_media_type(std::string_view bytes) {
  if (bytes.starts_with(kPngSignature)) return MediaType::kPng;
  if (bytes.starts_with("\xFF\xD8\xFF")) return MediaType::kJpeg;
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return MediaType::kGif;
  if (bytes.size() >= kRiffHeaderSize && bytes.starts_with("RIFF") &&
      bytes.substr(8, 4) == "WEBP") {
    return MediaType::kWebp;
  }
  if (bytes.starts_with("%PDF-")) return MediaType::kPdf;
  return MediaType::kUnknown;
}

Result<std::string> strip_metadata(std::string_view bytes, MediaType type) {
  if (type == MediaType::kUnknown)
    return Status::InvalidArgument("no metadata rules for an unknown media type");
  if (sniff_media_type(bytes) != type) {
    return Status::InvalidArgument(fmt::format("the bytes are not {}", media_type_name(type)));
  }
  Result<std::string> stripped = Status::Internal("unreachable");
  switch (type) {
    case MediaType::kJpeg:
      stripped = strip_jpeg(bytes);
      break;
    case MediaType::kPng:
      stripped = strip_png(bytes);
      break;
    case MediaType::kWebp:
      stripped = strip_webp(bytes);
      break;
    case MediaType::kGif:
    case MediaType::kPdf:
    case MediaType::kUnknown:
      return std::string(bytes);  // not rewritten (see media.h)
  }
  // Invariant: a rewrite only removes bytes and keeps the magic number.
  assert(!stripped.ok() ||
         (stripped->size() <= bytes.size() && sniff_media_type(*stripped) == type));
  return stripped;
}

}  // namespace docket
