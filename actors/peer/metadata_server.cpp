#include "actors/peer/metadata_server.hpp"

#include <cassert>

namespace swarmlab::peer {

namespace extension = protocol::extension;

namespace {

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

MetadataServer::MetadataServer(std::string info_bytes) : info_bytes_(std::move(info_bytes)) {
  assert(!info_bytes_.empty() && info_bytes_.size() <= extension::metadata_size_max);
}

std::string_view MetadataServer::name() const {
  return extension::ut_metadata_name;
}

void MetadataServer::extend_handshake(extension::ExtensionHandshake& ours) const {
  ours.metadata_size = info_bytes_.size();
}

ExtensionVerdict MetadataServer::on_message(ExtensionPeer& peer,
                                            std::span<const std::uint8_t> payload) {
  auto decoded = extension::decode_metadata_message(payload);
  if (!decoded) {
    // BEP 9: a message type we do not know is ignored; anything else malformed is an error.
    return decoded.error().code == extension::ExtensionError::unknown_metadata_message_type
               ? ExtensionVerdict::keep
               : ExtensionVerdict::close;
  }
  // Data and rejects are answers to requests we never send: we have the metadata.
  if (decoded->type != extension::MetadataMessageType::request) return ExtensionVerdict::keep;
  const std::uint8_t remote_id = peer.remote_extension_id(extension::ut_metadata_name);
  if (remote_id == 0) return ExtensionVerdict::keep;
  const std::uint32_t piece = decoded->piece;
  extension::MetadataMessage answer;
  answer.type = extension::MetadataMessageType::reject;
  answer.piece = piece;
  if (piece < extension::metadata_piece_count(info_bytes_.size())) {
    const std::size_t offset = std::size_t{piece} * extension::metadata_piece_size_bytes;
    answer.type = extension::MetadataMessageType::data;
    answer.total_size_bytes = info_bytes_.size();
    answer.data = as_bytes(info_bytes_)
                      .subspan(offset, extension::metadata_piece_size(info_bytes_.size(), piece));
    ++pieces_served_;
  } else {
    ++requests_rejected_;
  }
  const std::string encoded = extension::encode_metadata_message(answer);
  // A full queue drops the answer; the peer asks again or elsewhere.
  peer.send_extended(remote_id, as_bytes(encoded));
  return ExtensionVerdict::keep;
}

}  // namespace swarmlab::peer
