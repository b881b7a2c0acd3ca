#include "protocol/tracker_udp.hpp"

#include "protocol/byte_order.hpp"
#include "protocol/error_category.hpp"
#include "protocol/overloaded.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace swarmlab::protocol::tracker_udp {
namespace {

const char* describe(TrackerUdpError error) {
  switch (error) {
    case TrackerUdpError::packet_too_short:
      return "UDP tracker packet too short";
    case TrackerUdpError::packet_too_long:
      return "UDP tracker packet too long";
    case TrackerUdpError::bad_protocol_id:
      return "UDP tracker connect without the protocol id";
    case TrackerUdpError::unknown_action:
      return "UDP tracker packet with an unknown action";
    case TrackerUdpError::bad_event:
      return "UDP tracker announce with an unknown event";
    case TrackerUdpError::peer_list_misaligned:
      return "UDP tracker peer list is not a whole number of entries";
    case TrackerUdpError::scrape_hash_count:
      return "UDP tracker scrape of 0 or more than 74 torrents";
    case TrackerUdpError::scrape_list_misaligned:
      return "UDP tracker scrape list is not a whole number of entries";
  }
  return "unknown UDP tracker error";
}

// Writes big-endian integers and raw bytes into a packet whose size is known in advance: the
// packet is sized once and filled in place (a tracker encodes a reply per datagram; growing the
// vector field by field was a visible share of that).
class PacketWriter {
 public:
  PacketWriter(std::vector<std::uint8_t>& out, std::size_t size_bytes) : out_(out) {
    assert(size_bytes <= packet_size_max);
    out_.resize(size_bytes);
  }
  // Every byte of the packet has been written.
  void finish() const { assert(position_ == out_.size()); }

  PacketWriter& u16(std::uint16_t value) { return put<2>(value); }
  PacketWriter& u32(std::uint32_t value) { return put<4>(value); }
  PacketWriter& u64(std::uint64_t value) { return put<8>(value); }
  PacketWriter& bytes(std::span<const std::uint8_t> data) {
    assert(position_ + data.size() <= out_.size());
    if (!data.empty()) std::memcpy(out_.data() + position_, data.data(), data.size());
    position_ += data.size();
    return *this;
  }

 private:
  template <std::size_t Size>
  PacketWriter& put(std::uint64_t value) {
    assert(position_ + Size <= out_.size());
    std::uint8_t* const field = out_.data() + position_;
    for (std::size_t index = 0; index < Size; ++index) {
      field[index] = static_cast<std::uint8_t>(value >> (8 * (Size - 1 - index)));
    }
    position_ += Size;
    return *this;
  }
  std::vector<std::uint8_t>& out_;
  std::size_t position_ = 0;
};

std::size_t encoded_size_bytes(const Request& request) {
  const auto visitor = Overloaded{
      [](const ConnectRequest&) { return connect_size_bytes; },
      [](const AnnounceRequest& announce) {
        return announce_request_size_min + announce.options.size();
      },
      [](const ScrapeRequest& scrape) {
        return scrape_request_header_size_bytes + sha1_size_bytes * scrape.info_hashes.size();
      },
  };
  return std::visit(visitor, request);
}

std::size_t encoded_size_bytes(const Response& response) {
  const auto visitor = Overloaded{
      [](const ConnectResponse&) { return connect_size_bytes; },
      [](const AnnounceResponse& announce) {
        const std::size_t entry_size_bytes =
            announce.peers.empty() || announce.peers.front().is_ipv4() ? compact_ipv4_size_bytes
                                                                       : compact_ipv6_size_bytes;
        return announce_response_header_size_bytes + entry_size_bytes * announce.peers.size();
      },
      [](const ScrapeResponse& scrape) {
        return scrape_response_header_size_bytes + scrape_entry_size_bytes * scrape.entries.size();
      },
      [](const ErrorResponse& error) { return error_header_size_bytes + error.message.size(); },
  };
  return std::visit(visitor, response);
}

ParseError udp_error(TrackerUdpError error, std::size_t offset) {
  return ParseError{error, offset};
}

template <std::size_t N>
std::array<std::uint8_t, N> read_array(std::span<const std::uint8_t> packet, std::size_t offset) {
  assert(offset + N <= packet.size());
  std::array<std::uint8_t, N> bytes{};
  std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(offset), N, bytes.begin());
  return bytes;
}

ParseResult<Request> decode_announce_request(std::span<const std::uint8_t> packet) {
  if (packet.size() < announce_request_size_min) {
    return udp_error(TrackerUdpError::packet_too_short, packet.size());
  }
  AnnounceRequest request;
  request.connection_id = read_u64(packet, 0);
  request.transaction_id = read_u32(packet, 12);
  request.info_hash = read_array<20>(packet, 16);
  request.peer_id = read_array<20>(packet, 36);
  request.downloaded_bytes = read_u64(packet, 56);
  request.left_bytes = read_u64(packet, 64);
  request.uploaded_bytes = read_u64(packet, 72);
  const std::uint32_t event = read_u32(packet, 80);
  if (event > static_cast<std::uint32_t>(Event::stopped)) {
    return udp_error(TrackerUdpError::bad_event, 80);
  }
  request.event = static_cast<Event>(event);
  request.ipv4_address = read_array<4>(packet, 84);
  request.key = read_u32(packet, 88);
  request.num_want = static_cast<std::int32_t>(read_u32(packet, 92));
  request.port = read_u16(packet, 96);
  request.options.assign(packet.begin() + announce_request_size_min, packet.end());
  return request;
}

ParseResult<Request> decode_scrape_request(std::span<const std::uint8_t> packet) {
  const std::size_t list_size = packet.size() - scrape_request_header_size_bytes;
  if (list_size % sizeof(InfoHash) != 0) {
    return udp_error(TrackerUdpError::scrape_list_misaligned,
                     packet.size() - list_size % sizeof(InfoHash));
  }
  const std::size_t count = list_size / sizeof(InfoHash);
  if (count == 0 || count > scrape_info_hash_count_max) {
    return udp_error(TrackerUdpError::scrape_hash_count, scrape_request_header_size_bytes);
  }
  ScrapeRequest request;
  request.connection_id = read_u64(packet, 0);
  request.transaction_id = read_u32(packet, 12);
  request.info_hashes.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    request.info_hashes.push_back(
        read_array<20>(packet, scrape_request_header_size_bytes + index * sizeof(InfoHash)));
  }
  return request;
}

ParseResult<Response> decode_announce_response(std::span<const std::uint8_t> packet,
                                               PeerAddress::Family family) {
  if (packet.size() < announce_response_header_size_bytes) {
    return udp_error(TrackerUdpError::packet_too_short, packet.size());
  }
  const std::size_t stride =
      family == PeerAddress::Family::ipv4 ? compact_ipv4_size_bytes : compact_ipv6_size_bytes;
  const std::size_t list_size = packet.size() - announce_response_header_size_bytes;
  if (list_size % stride != 0) {
    return udp_error(TrackerUdpError::peer_list_misaligned, packet.size() - list_size % stride);
  }
  AnnounceResponse response;
  response.transaction_id = read_u32(packet, 4);
  response.interval_seconds = read_u32(packet, 8);
  response.leechers = read_u32(packet, 12);
  response.seeders = read_u32(packet, 16);
  response.peers.reserve(list_size / stride);
  for (std::size_t offset = announce_response_header_size_bytes; offset < packet.size();
       offset += stride) {
    const auto peer = parse_compact(packet.subspan(offset, stride));
    assert(peer);
    response.peers.push_back(*peer);
  }
  return response;
}

ParseResult<Response> decode_scrape_response(std::span<const std::uint8_t> packet) {
  const std::size_t list_size = packet.size() - scrape_response_header_size_bytes;
  if (list_size % scrape_entry_size_bytes != 0) {
    return udp_error(TrackerUdpError::scrape_list_misaligned,
                     packet.size() - list_size % scrape_entry_size_bytes);
  }
  ScrapeResponse response;
  response.transaction_id = read_u32(packet, 4);
  response.entries.reserve(list_size / scrape_entry_size_bytes);
  for (std::size_t offset = scrape_response_header_size_bytes; offset < packet.size();
       offset += scrape_entry_size_bytes) {
    response.entries.push_back(ScrapeEntry{.seeders = read_u32(packet, offset),
                                           .completed = read_u32(packet, offset + 4),
                                           .leechers = read_u32(packet, offset + 8)});
  }
  return response;
}

}  // namespace

const std::error_category& tracker_udp_error_category() {
  static const EnumErrorCategory<TrackerUdpError> category("udp-tracker", describe);
  return category;
}

std::vector<std::uint8_t> encode(const Request& request) {
  std::vector<std::uint8_t> packet;
  PacketWriter writer(packet, encoded_size_bytes(request));
  const auto visitor = Overloaded{
      [&](const ConnectRequest& connect) {
        writer.u64(protocol_id).u32(0).u32(connect.transaction_id);
      },
      [&](const AnnounceRequest& announce) {
        writer.u64(announce.connection_id).u32(1).u32(announce.transaction_id);
        writer.bytes(announce.info_hash).bytes(announce.peer_id);
        writer.u64(announce.downloaded_bytes).u64(announce.left_bytes).u64(announce.uploaded_bytes);
        writer.u32(static_cast<std::uint32_t>(announce.event)).bytes(announce.ipv4_address);
        writer.u32(announce.key).u32(static_cast<std::uint32_t>(announce.num_want));
        writer.u16(announce.port).bytes(announce.options);
      },
      [&](const ScrapeRequest& scrape) {
        assert(!scrape.info_hashes.empty());
        assert(scrape.info_hashes.size() <= scrape_info_hash_count_max);
        writer.u64(scrape.connection_id).u32(2).u32(scrape.transaction_id);
        for (const InfoHash& hash : scrape.info_hashes)
          writer.bytes(hash);
      },
  };
  std::visit(visitor, request);
  writer.finish();
  assert(packet.size() <= packet_size_max);
  return packet;
}

void encode(const Response& response, std::vector<std::uint8_t>& packet) {
  PacketWriter writer(packet, encoded_size_bytes(response));
  const auto visitor = Overloaded{
      [&](const ConnectResponse& connect) {
        writer.u32(0).u32(connect.transaction_id).u64(connect.connection_id);
      },
      [&](const AnnounceResponse& announce) {
        writer.u32(1).u32(announce.transaction_id).u32(announce.interval_seconds);
        writer.u32(announce.leechers).u32(announce.seeders);
        for (const PeerAddress& peer : announce.peers) {
          assert(peer.family == announce.peers.front().family);
          writer.bytes(peer.address_bytes()).u16(peer.port);
        }
      },
      [&](const ScrapeResponse& scrape) {
        writer.u32(2).u32(scrape.transaction_id);
        for (const ScrapeEntry& entry : scrape.entries) {
          writer.u32(entry.seeders).u32(entry.completed).u32(entry.leechers);
        }
      },
      [&](const ErrorResponse& error) {
        writer.u32(3).u32(error.transaction_id);
        writer.bytes(std::span(reinterpret_cast<const std::uint8_t*>(error.message.data()),
                               error.message.size()));
      },
  };
  std::visit(visitor, response);
  writer.finish();
  assert(packet.size() <= packet_size_max);
}

std::vector<std::uint8_t> encode(const Response& response) {
  std::vector<std::uint8_t> packet;
  encode(response, packet);
  return packet;
}

ParseResult<Request> decode_request(std::span<const std::uint8_t> packet) {
  if (packet.size() > packet_size_max) {
    return udp_error(TrackerUdpError::packet_too_long, packet_size_max);
  }
  if (packet.size() < connect_size_bytes) {
    return udp_error(TrackerUdpError::packet_too_short, packet.size());
  }
  const std::uint32_t action = read_u32(packet, 8);
  if (action == static_cast<std::uint32_t>(Action::connect)) {
    if (read_u64(packet, 0) != protocol_id) return udp_error(TrackerUdpError::bad_protocol_id, 0);
    if (packet.size() != connect_size_bytes) {
      return udp_error(TrackerUdpError::packet_too_long, connect_size_bytes);
    }
    return ConnectRequest{.transaction_id = read_u32(packet, 12)};
  }
  if (action == static_cast<std::uint32_t>(Action::announce))
    return decode_announce_request(packet);
  if (action == static_cast<std::uint32_t>(Action::scrape)) return decode_scrape_request(packet);
  return udp_error(TrackerUdpError::unknown_action, 8);
}

ParseResult<Response> decode_response(std::span<const std::uint8_t> packet,
                                      PeerAddress::Family family) {
  if (packet.size() > packet_size_max) {
    return udp_error(TrackerUdpError::packet_too_long, packet_size_max);
  }
  if (packet.size() < error_header_size_bytes) {
    return udp_error(TrackerUdpError::packet_too_short, packet.size());
  }
  const std::uint32_t action = read_u32(packet, 0);
  const std::uint32_t transaction_id = read_u32(packet, 4);
  switch (action) {
    case static_cast<std::uint32_t>(Action::connect):
      if (packet.size() < connect_size_bytes) {
        return udp_error(TrackerUdpError::packet_too_short, packet.size());
      }
      if (packet.size() > connect_size_bytes) {
        return udp_error(TrackerUdpError::packet_too_long, connect_size_bytes);
      }
      return ConnectResponse{.transaction_id = transaction_id,
                             .connection_id = read_u64(packet, 8)};
    case static_cast<std::uint32_t>(Action::announce):
      return decode_announce_response(packet, family);
    case static_cast<std::uint32_t>(Action::scrape):
      return decode_scrape_response(packet);
    case static_cast<std::uint32_t>(Action::error): {
      const auto message = packet.subspan(error_header_size_bytes);
      return ErrorResponse{.transaction_id = transaction_id,
                           .message = std::string(message.begin(), message.end())};
    }
    default:
      return udp_error(TrackerUdpError::unknown_action, 0);
  }
}

}  // namespace swarmlab::protocol::tracker_udp
