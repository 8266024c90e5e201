// libFuzzer: the realtime wire formats: an Engine.IO frame (text or binary), a
// long-polling payload, and the Socket.IO packet inside a message. Input: one selector
// byte, then the bytes. A decoded Socket.IO packet's parts must be within the input's
// limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "realtime/engine_io.h"
#include "realtime/socket_io.h"

namespace eio = docket::realtime::engine_io;
namespace sio = docket::realtime::socket_io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)eio::decode(input, eio::FrameKind::kText);
      break;
    case 1:
      (void)eio::decode(input, eio::FrameKind::kBinary);
      break;
    case 2: {
      auto packets = eio::decode_payload(input);
      if (packets.ok()) {
        for (const auto& p : *packets) {
          if (!p.binary && p.type == eio::PacketType::kMessage) (void)sio::decode(p.data);
        }
      }
      break;
    }
    default: {
      sio::DecodeLimits limits;
      limits.max_attachments = 4;
      auto packet = sio::decode(input, limits);
      if (packet.ok() && packet->attachments > limits.max_attachments) __builtin_trap();
      break;
    }
  }
  return 0;
}
