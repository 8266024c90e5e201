// Media types of uploaded attachments: their MIME names, recognising a file by its
// magic bytes, and removing privacy-relevant metadata (camera, GPS position, author,
// comments) by rewriting the container without decoding any pixels.
//
// All functions are pure (no I/O) and thread-safe. Every input is untrusted: the
// walkers read only inside `bytes`, never recurse, and allocate nothing but the output
// (never larger than the input) or an error message.
//
// What strip_metadata() removes, per type:
//   JPEG  Marker segments between SOI and the first SOS are filtered by an allow-list:
//         kept are APP0 "JFIF" (rewritten without its optional thumbnail), APP2
//         "ICC_PROFILE", APP14 (Adobe colour transform) and every non-APP marker
//         (DQT, SOFn, DHT, DRI, ...). Dropped are every other APPn — APP1 (EXIF, XMP),
//         APP12, APP13 (Photoshop/IPTC), APP0 "JFXX" thumbnails, APP2 "MPF"/"FPXR",
//         APP3-APP11, APP15 — and COM. Fill bytes (0xFF padding) before markers are
//         dropped. The SOS segment and everything after it (entropy-coded data, later
//         scans of a progressive image, EOI and any trailing bytes, such as the
//         secondary images of a multi-picture file) are copied verbatim: metadata in
//         those places is NOT removed.
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
// `type`, or when the container is malformed: a JPEG without SOS or with a truncated
// or too-short segment; a PNG whose first chunk is not IHDR, whose chunk runs past the
// end, or without IEND; a WebP whose RIFF size or chunk size runs past the data or
// whose first chunk is not VP8/VP8L/VP8X.
Result<std::string> strip_metadata(std::string_view bytes, MediaType type);

}  // namespace docket
