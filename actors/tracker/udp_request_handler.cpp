#include "actors/tracker/udp_request_handler.hpp"

#include "protocol/byte_order.hpp"
#include "protocol/overloaded.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>

namespace swarmlab::tracker {
namespace {

namespace udp = protocol::tracker_udp;

udp::Response error_response(std::uint32_t transaction_id, std::string_view message) {
  const std::string_view cut = message.substr(0, limits::udp_error_message_size_max);
  return udp::ErrorResponse{.transaction_id = transaction_id, .message = std::string(cut)};
}

void encode_into(const udp::Response& response, std::vector<std::uint8_t>& reply) {
  udp::encode(response, reply);
  assert(reply.size() <= limits::udp_reply_size_max);
}

AnnounceEvent to_event(udp::Event event) {
  switch (event) {
    case udp::Event::started:
      return AnnounceEvent::started;
    case udp::Event::completed:
      return AnnounceEvent::completed;
    case udp::Event::stopped:
      return AnnounceEvent::stopped;
    case udp::Event::none:
      break;
  }
  return AnnounceEvent::none;
}

std::uint64_t key_value(std::uint32_t key) {
  return std::uint64_t{key} | (std::uint64_t{1} << 32);  // apart from HTTP key digests' usual range
}

}  // namespace

void UdpRequestHandler::handle(std::span<const std::uint8_t> packet, const PeerAddress& sender,
                               net::TimePoint now, std::vector<std::uint8_t>& reply) {
  reply.clear();
  if (packet.size() < udp::connect_size_bytes || packet.size() > limits::udp_request_size_max) {
    return;
  }
  if (!core_.admit(sender, now)) return;
  const auto request = udp::decode_request(packet);
  if (request) return handle_parsed(*request, sender, now, reply);
  // Announces and scrapes open with the connection id; only a sender that holds a valid one learns
  // what was wrong with its packet.
  const std::uint64_t connection_id = protocol::read_u64(packet, 0);
  if (connection_ids_.verify(connection_id, sender, now)) {
    const std::uint32_t transaction_id = protocol::read_u32(packet, 12);
    // A short packet gets a shorter message: the reply never outgrows the request.
    const std::string message = request.error().code.message();
    const std::size_t room = packet.size() - udp::error_header_size_bytes;
    encode_into(error_response(transaction_id, std::string_view(message).substr(0, room)), reply);
  }
}

void UdpRequestHandler::handle_parsed(const udp::Request& request, const PeerAddress& sender,
                                      net::TimePoint now, std::vector<std::uint8_t>& reply) {
  const auto respond = protocol::Overloaded{
      [&](const udp::ConnectRequest& connect) {
        encode_into(udp::ConnectResponse{.transaction_id = connect.transaction_id,
                                         .connection_id = connection_ids_.issue(sender, now)},
                    reply);
      },
      [&](const udp::AnnounceRequest& announce_request) {
        if (!connection_ids_.verify(announce_request.connection_id, sender, now)) {
          encode_into(error_response(announce_request.transaction_id, "invalid connection id"),
                      reply);
          return;
        }
        announce(announce_request, sender, now, reply);
      },
      [&](const udp::ScrapeRequest& scrape_request) {
        if (!connection_ids_.verify(scrape_request.connection_id, sender, now)) {
          encode_into(error_response(scrape_request.transaction_id, "invalid connection id"),
                      reply);
          return;
        }
        encode_into(scrape(scrape_request, sender, now), reply);
      },
  };
  std::visit(respond, request);
}

void UdpRequestHandler::announce(const udp::AnnounceRequest& request, const PeerAddress& sender,
                                 net::TimePoint now, std::vector<std::uint8_t>& reply) {
  PeerAddress address = sender;
  address.port = request.port;  // the `ip` field is not trusted: the source address is used
  const Announce announce{
      .info_hash = request.info_hash,
      .peer = PeerAnnounce{.address = address,
                           .peer_id = request.peer_id,
                           .key = key_value(request.key),
                           .seeder = request.left_bytes == 0,
                           .event = to_event(request.event)},
      .numwant = request.num_want < 0 ? std::nullopt
                                      : std::optional(static_cast<std::uint32_t>(request.num_want)),
      .policy = FamilyPolicy::same_only};
  const std::size_t fits = sender.is_ipv4() ? limits::udp_reply_ipv4_peer_count_max
                                            : limits::udp_reply_ipv6_peer_count_max;
  core_.announce(announce, fits, now, result_);
  if (!result_.failure.empty()) {
    encode_into(error_response(request.transaction_id, result_.failure), reply);
    return;
  }
  // The fixed part through the protocol's encoder (with no peers, its wire form ends where the
  // peer list starts); then each listed peer's compact form, copied as the table stores it.
  const auto interval_seconds = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(core_.config().interval).count());
  encode_into(udp::AnnounceResponse{.transaction_id = request.transaction_id,
                                    .interval_seconds = interval_seconds,
                                    .leechers = result_.counts.leechers,
                                    .seeders = result_.counts.seeders,
                                    .peers = {}},
              reply);
  assert(reply.size() == udp::announce_response_header_size_bytes);
  const std::size_t entry_size =
      sender.is_ipv4() ? protocol::compact_ipv4_size_bytes : protocol::compact_ipv6_size_bytes;
  assert(result_.peers.size() <= fits);
  reply.resize(reply.size() + entry_size * result_.peers.size());
  std::uint8_t* entry = reply.data() + udp::announce_response_header_size_bytes;
  for (const ListedPeer& peer : result_.peers) {
    const auto compact = peer.compact();
    assert(compact.size() == entry_size);
    std::memcpy(entry, compact.data(), entry_size);
    entry += entry_size;
  }
  assert(reply.size() <= limits::udp_reply_size_max);
}

udp::Response UdpRequestHandler::scrape(const udp::ScrapeRequest& request,
                                        const PeerAddress& sender, net::TimePoint now) {
  assert(request.info_hashes.size() <= udp::scrape_info_hash_count_max);
  udp::ScrapeResponse response{.transaction_id = request.transaction_id, .entries = {}};
  response.entries.reserve(request.info_hashes.size());
  for (const InfoHash& info_hash : request.info_hashes) {
    // Entries follow the request's order, so a torrent outside the access list counts zero.
    const SwarmCounts counts = core_.scrape(info_hash, sender, now).value_or(SwarmCounts{});
    response.entries.push_back(udp::ScrapeEntry{
        .seeders = counts.seeders, .completed = counts.completed, .leechers = counts.leechers});
  }
  return response;
}

}  // namespace swarmlab::tracker
