// MetadataServer: the ut_metadata extension (BEP 9) of a torrent whose info dictionary we have. It
// announces metadata_size in our extension handshake and answers each request with the 16 KiB
// piece asked for, or a reject for a piece that does not exist. Part of actors/peer.
//
// Use: torrent.extensions().add(std::make_unique<MetadataServer>(metainfo.info_bytes));
#pragma once

#include "actors/peer/extension_table.hpp"

#include <string>

namespace swarmlab::peer {

class MetadataServer final : public ExtensionHandler {
 public:
  // `info_bytes`: the info dictionary exactly as its SHA-1 (the info-hash) covers it.
  explicit MetadataServer(std::string info_bytes);

  std::string_view name() const override;
  void extend_handshake(protocol::extension::ExtensionHandshake& ours) const override;
  ExtensionVerdict on_message(ExtensionPeer& peer, std::span<const std::uint8_t> payload) override;

  // Requests answered with data, and with a reject (for tests and reports).
  std::uint64_t pieces_served() const { return pieces_served_; }
  std::uint64_t requests_rejected() const { return requests_rejected_; }

 private:
  std::string info_bytes_;
  std::uint64_t pieces_served_ = 0;
  std::uint64_t requests_rejected_ = 0;
};

}  // namespace swarmlab::peer
