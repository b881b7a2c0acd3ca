// One connection of a MetadataFetch after the BEP 3 handshake: the extension handshake each way,
// then metadata requests and answers until the fetch is done, the peer fails us, or it goes
// silent. Part of actors/peer; used only by metadata_fetch.cpp.
#pragma once

#include "actors/peer/metadata_fetch.hpp"
#include "protocol/wire_decoder.hpp"

#include <set>
#include <vector>

namespace swarmlab::peer {

class MetadataFetchSession {
 public:
  MetadataFetchSession(MetadataFetch& fetch, net::Stream& stream,
                       protocol::wire::WireDecoder decoder, protocol::PeerAddress address);
  MetadataFetchSession(const MetadataFetchSession&) = delete;
  MetadataFetchSession& operator=(const MetadataFetchSession&) = delete;
  // Gives back the pieces still asked of this peer.
  ~MetadataFetchSession();

  boost::asio::awaitable<void> run();

 private:
  enum class Step : std::uint8_t { more, end };

  Step on_message(const protocol::wire::Message& message);
  Step on_extension_handshake(std::span<const std::uint8_t> payload);
  Step on_metadata(std::span<const std::uint8_t> payload);
  // Claims pieces up to the per-peer limit and queues their requests.
  void request_more();
  void queue_extended(std::uint8_t extended_id, const std::string& payload);
  boost::asio::awaitable<bool> write_queued();
  // One read; false on error, or on silence while we wait for something.
  boost::asio::awaitable<bool> read_more();
  bool waiting_for_reply() const;

  MetadataFetch& fetch_;
  net::Stream& stream_;
  protocol::wire::WireDecoder decoder_;
  protocol::PeerAddress address_;
  net::Timer timer_;
  std::vector<std::uint8_t> out_;
  bool handshake_received_ = false;
  std::uint8_t remote_id_ = 0;
  std::uint64_t size_bytes_ = 0;
  std::set<std::uint32_t> asked_;
};

}  // namespace swarmlab::peer
