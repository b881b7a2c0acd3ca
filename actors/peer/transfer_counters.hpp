// Byte counters of a torrent or a connection: payload (block data) and protocol (everything else
// on the wire: handshakes, message headers, control messages), each way. Part of actors/peer.
#pragma once

#include <cstdint>

namespace swarmlab::peer {

struct TransferCounters {
  std::uint64_t payload_uploaded_bytes = 0;
  std::uint64_t payload_downloaded_bytes = 0;
  std::uint64_t protocol_uploaded_bytes = 0;
  std::uint64_t protocol_downloaded_bytes = 0;
  // Payload received that was not kept: duplicates, unwanted blocks, pieces that failed their hash
  // check.
  std::uint64_t wasted_bytes = 0;

  TransferCounters& operator+=(const TransferCounters& other) {
    payload_uploaded_bytes += other.payload_uploaded_bytes;
    payload_downloaded_bytes += other.payload_downloaded_bytes;
    protocol_uploaded_bytes += other.protocol_uploaded_bytes;
    protocol_downloaded_bytes += other.protocol_downloaded_bytes;
    wasted_bytes += other.wasted_bytes;
    return *this;
  }
  friend bool operator==(const TransferCounters&, const TransferCounters&) = default;
};

}  // namespace swarmlab::peer
