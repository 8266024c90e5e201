// Media types of uploaded attachments: their MIME names, recognising a file by its
// magic bytes, and removing privacy-relevant metadata (camera, GPS position, author,
// comments) by rewriting the container without decoding any pixels.
//
// All functions are pure (no I/O) and thread-safe. Every input is untrusted: the
// walkers read only inside `bytes`, never recurse, and allocate nothing but the output
// (never larger than the input) or an error message.
//
// What strip_metadata() removes, per type:
//   JPEG  Marker segments from SOI to EOI, including those between the scans of a
//         progressive or multi-scan image, are filtered by an allow-list: kept are
//         APP0 "JFIF" (rewritten without its optional thumbnail), APP2 "ICC_PROFILE",
//         APP14 (Adobe colour transform) and every non-APP marker (DQT, SOFn, DHT,
//         DRI, SOS, DNL, RST0-7, ...). Dropped are every other APPn — APP1 (EXIF,
//         XMP), APP12, APP13 (Photoshop/IPTC), APP0 "JFXX" thumbnails, APP2
//         "MPF"/"FPXR", APP3-APP11, APP15 — and COM. Fill bytes (0xFF padding) before
//         markers are dropped. The entropy-coded data after each SOS segment (up to the
//         next marker other than a stuffed FF 00 or RST0-7) is copied verbatim. The
//         output ends at the first EOI after a scan: every byte after it — such as
//         the secondary images of a multi-picture (MPF) file, each with its own EXIF,
//         or appended trailers — is dropped. A JPEG whose data ends before that EOI is
//         refused rather than repaired, so that a truncated upload is reported instead
//         of being stored as if it were complete. Metadata inside kept segments (e.g.
//         the description text of an ICC profile) is not rewritten.
//   PNG   Chunks eXIf, tEXt, zTXt, iTXt and tIME are dropped; every other chunk is
//         copied byte for byte with its CRC. Bytes after IEND are dropped. CRCs are not
//         verified (a decoder sees the same CRCs it would have seen in the input).
//   WebP  RIFF chunks "EXIF" and "XMP " are dropped, the EXIF and XMP flags of a VP8X
//         chunk are cleared and the RIFF size is rewritten. Bytes after the RIFF size
//         are dropped.
//   GIF   Returned unchanged: comment and application extensions are not rewritten.
//   PDF   Returned unchanged: the document information dictionary and XMP metadata
//         streams are not rewritten. PDF is an optional attachment type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace docket {

enum class MediaType { kPng, kJpeg, kGif, kWebp, kPdf, kUnknown };

// The MIME type: "image/png", "image/jpeg", "image/gif", "image/webp",
// "application/pdf"; "application/octet-stream" for kUnknown.
std::string_view media_type_name(MediaType type);

// The type named by `name`, ASCII case-insensitive: one of the five MIME types above or
// a short name "png", "jpeg", "gif", "webp", "pdf". Anything else — parameters
// ("image/png; q=1"), surrounding spaces, aliases such as "image/jpg" or "jpg", and
// "application/octet-stream" — is nullopt.
std::optional<MediaType> media_type_from_name(std::string_view name);

// True for kPng, kJpeg, kGif and kWebp.
bool is_image(MediaType type);

// The type announced by the first bytes of `bytes`, by magic number only: the 8-byte
// PNG signature, FF D8 FF (JPEG), "GIF87a"/"GIF89a", "RIFF" <size> "WEBP" (at least 12
// bytes), "%PDF-". Anything else — SVG, HTML, text, archives, empty input — is
// kUnknown; the declared Content-Type of an upload is never consulted.
MediaType sniff_media_type(std::string_view bytes);

// `bytes` with privacy-relevant metadata removed (see the table at the top of this
// file). The result is never larger than `bytes` and sniffs as `type` again.
//
// Returns InvalidArgument when `type` is kUnknown, when `bytes` does not sniff as
// `type`, or when the container is malformed: a JPEG without SOS, without EOI after
// its last scan, with a truncated or too-short segment, or with SOI (or, before the
// first SOS, EOI) where a marker segment is expected; a PNG whose first chunk is not
// IHDR, whose chunk runs past the end, or without IEND; a WebP whose RIFF size or chunk
// size runs past the data or whose first chunk is not VP8/VP8L/VP8X.
Result<std::string> strip_metadata(std::string_view bytes, MediaType type);

}  // namespace docket
