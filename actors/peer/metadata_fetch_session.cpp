#include "actors/peer/metadata_fetch_session.hpp"

#include "actors/peer/session_limits.hpp"
#include "protocol/extension.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
namespace extension = protocol::extension;
namespace wire = protocol::wire;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// The id we give ut_metadata in our extension handshake: the peer sends its answers with it.
constexpr std::uint8_t local_metadata_id = 1;

// A request or a reject: no size, no data.
std::string encode_without_data(extension::MetadataMessageType type, std::uint32_t piece) {
  extension::MetadataMessage message;
  message.type = type;
  message.piece = piece;
  return extension::encode_metadata_message(message);
}

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

wire::DecoderLimits fetch_decoder_limits() {
  wire::DecoderLimits limits;
  limits.extended_payload_size_max = limits::extended_payload_size_max;
  limits.extension_protocol = true;
  return limits;
}

}  // namespace

MetadataFetchSession::MetadataFetchSession(MetadataFetch& fetch, net::Stream& stream,
                                           wire::WireDecoder decoder, protocol::PeerAddress address)
    : fetch_(fetch),
      stream_(stream),
      decoder_(std::move(decoder)),
      address_(address),
      timer_(fetch.host_.make_timer()) {
  decoder_.set_limits(fetch_decoder_limits());
}

MetadataFetchSession::~MetadataFetchSession() {
  for (const std::uint32_t piece : asked_)
    fetch_.release_piece(piece);
}

asio::awaitable<void> MetadataFetchSession::run() {
  extension::ExtensionHandshake ours;
  ours.messages[std::string(extension::ut_metadata_name)] = local_metadata_id;
  ours.client = "swarmlab 0.1.0";
  queue_extended(extension::handshake_extended_id, extension::encode_handshake(ours));
  // Bounded: each round reads at least one byte or ends, and the fetch ends every session once
  // it is done (by closing its stream).
  while (!fetch_.done_ && !fetch_.untrusted_.contains(address_)) {
    while (true) {
      auto next = decoder_.next();
      if (!next) co_return;
      if (!next->has_value()) break;
      if (on_message(**next) == Step::end) co_return;
    }
    if (fetch_.done_) co_return;
    request_more();
    if (!co_await write_queued()) co_return;
    if (!co_await read_more()) co_return;
  }
}

MetadataFetchSession::Step MetadataFetchSession::on_message(const wire::Message& message) {
  const auto* extended = std::get_if<wire::Extended>(&message);
  // Everything but the extension protocol is irrelevant before the torrent exists.
  if (extended == nullptr) return Step::more;
  if (extended->extended_id == extension::handshake_extended_id) {
    return on_extension_handshake(extended->payload);
  }
  if (extended->extended_id == local_metadata_id) return on_metadata(extended->payload);
  return Step::more;
}

MetadataFetchSession::Step MetadataFetchSession::on_extension_handshake(
    std::span<const std::uint8_t> payload) {
  auto theirs = extension::decode_handshake(payload);
  if (!theirs) return Step::end;
  handshake_received_ = true;
  if (const std::uint8_t id = theirs->id_of(extension::ut_metadata_name); id != 0) remote_id_ = id;
  if (theirs->metadata_size) size_bytes_ = *theirs->metadata_size;
  // A peer without the metadata, or without ut_metadata, is of no use here.
  if (remote_id_ == 0 || size_bytes_ == 0) return Step::end;
  return fetch_.accept_size(size_bytes_) ? Step::more : Step::end;
}

MetadataFetchSession::Step MetadataFetchSession::on_metadata(
    std::span<const std::uint8_t> payload) {
  auto message = extension::decode_metadata_message(payload);
  if (!message) {
    return message.error().code == extension::ExtensionError::unknown_metadata_message_type
               ? Step::more
               : Step::end;
  }
  if (message->type == extension::MetadataMessageType::request) {
    // We have nothing to serve yet.
    const std::string reject =
        encode_without_data(extension::MetadataMessageType::reject, message->piece);
    if (remote_id_ != 0) queue_extended(remote_id_, reject);
    return Step::more;
  }
  // An answer to a piece we did not ask for ends the connection.
  if (asked_.erase(message->piece) == 0) return Step::end;
  if (message->type == extension::MetadataMessageType::reject) {
    fetch_.release_piece(message->piece);
    return Step::end;
  }
  if (message->total_size_bytes != size_bytes_) {
    fetch_.release_piece(message->piece);
    return Step::end;
  }
  if (!fetch_.store_piece(message->piece, message->data, address_)) {
    fetch_.release_piece(message->piece);
    return Step::end;
  }
  return Step::more;
}

void MetadataFetchSession::request_more() {
  if (remote_id_ == 0 || size_bytes_ == 0) return;
  // After a failed check the fetch forgot the size: tell it again what this peer said.
  if (!fetch_.accept_size(size_bytes_)) return;
  while (asked_.size() < static_cast<std::size_t>(fetch_.options_.requests_per_peer_max)) {
    const auto piece = fetch_.claim_piece();
    if (!piece) return;
    asked_.insert(*piece);
    queue_extended(remote_id_,
                   encode_without_data(extension::MetadataMessageType::request, *piece));
  }
}

void MetadataFetchSession::queue_extended(std::uint8_t extended_id, const std::string& payload) {
  wire::append_frame(out_,
                     wire::Extended{.extended_id = extended_id, .payload = as_bytes(payload)});
}

asio::awaitable<bool> MetadataFetchSession::write_queued() {
  if (out_.empty()) co_return true;
  timer_.expires_after(fetch_.options_.reply_timeout, fetch_.host_.now());
  auto outcome = co_await (asio::async_write(stream_, asio::buffer(out_), use_tuple) ||
                           timer_.async_wait(use_tuple));
  if (outcome.index() == 1) co_return false;
  const auto [error, size_bytes] = std::get<0>(outcome);
  if (error) co_return false;
  assert(size_bytes == out_.size());
  out_.clear();
  co_return true;
}

bool MetadataFetchSession::waiting_for_reply() const {
  return !handshake_received_ || !asked_.empty();
}

asio::awaitable<bool> MetadataFetchSession::read_more() {
  // Bounded: a peer that keeps us waiting too long is dropped; an idle peer (every piece is
  // asked of others) is kept for as long as the fetch runs.
  while (true) {
    const auto space = decoder_.prepare();
    assert(!space.empty());
    timer_.expires_after(fetch_.options_.reply_timeout, fetch_.host_.now());
    auto outcome =
        co_await (stream_.async_read_some(asio::buffer(space.data(), space.size()), use_tuple) ||
                  timer_.async_wait(use_tuple));
    if (outcome.index() == 0) {
      const auto [error, size_bytes] = std::get<0>(outcome);
      if (error) co_return false;
      decoder_.commit(size_bytes);
      co_return true;
    }
    if (waiting_for_reply() || fetch_.done_) co_return false;
    // Idle: perhaps pieces were given back meanwhile.
    request_more();
    if (!out_.empty()) co_return co_await write_queued();
  }
}

}  // namespace swarmlab::peer
